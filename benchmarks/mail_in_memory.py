"""How much memory `redress mail-in` takes for one large message: peak resident set size
of the process, as the mail server would run it (the message on standard input).

For each size the script writes a complaint with one PDF attachment making the message
that large (base64, as mail clients send it), pipes it to `redress mail-in` in a fresh
process R times (a new sender and Message-ID each time: a new complaint, not a duplicate) and prints
every run's peak RSS (os.wait4) and exit code, and the median. A first row pipes an
empty message (refused at once): the cost of starting Python and Django.

    .venv/bin/python benchmarks/mail_in_memory.py                 # 10, 20, 30 MB
    .venv/bin/python benchmarks/mail_in_memory.py --sizes 30 --runs 5
    .venv/bin/python benchmarks/mail_in_memory.py --text --sizes 20   # a 15 MB letter

SQLite in a temporary directory, set up with `redress demo --complaints 0`. Messages
over REDRESS_MAIL_MAX_BYTES (by default 29,746,444 bytes) are refused with exit 65.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MB = 1_000_000


def message(size: int, key: str, text: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = f"Big Sender <{key.replace(' ', '')}@example.org>", "complaints@broker.example"
    msg["Subject"], msg["Message-ID"] = "Statement attached", f"<{key}@example.org>"
    raw = size * 76 // 78 * 3 // 4  # base64 in 76-character lines with CRLF
    if text:  # a very long letter in Chinese (UTF-8, 3 bytes a character)
        line = "我的账户被冻结了，银行不解释原因。" * 3 + "\n"
        msg.set_content(line * (raw // len(line.encode())), cte="base64")
        return msg.as_bytes(policy=SMTP)
    msg.set_content("Please see the scanned statement.")
    data = b"%PDF-1.4\n" + bytes(range(256)) * (raw // 256)
    msg.add_attachment(data, maintype="application", subtype="pdf", filename="scan.pdf")
    return msg.as_bytes(policy=SMTP)


# Run in a small process of its own: Linux counts the pages of the process that forked
# (or vfork-spawned) a child in the child's peak until it execs, so spawned from this
# process, which has just built a 30 MB message, every run would seem to need as much.
MEASURE = """
import os, sys
stdin = os.open(sys.argv[1], os.O_RDONLY)
null = os.open(os.devnull, os.O_WRONLY)
pid = os.fork()
if pid == 0:
    os.dup2(stdin, 0); os.dup2(null, 1); os.dup2(null, 2)
    os.execv(sys.executable, [sys.executable, "-m", "redress.cli", "mail-in"])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def peak(env: dict, path: Path) -> tuple[int, int]:
    """(exit code, peak RSS in kB) of one `redress mail-in` reading the file at `path`."""
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], env=env, check=True, capture_output=True,
                         text=True).stdout.split()
    return int(out[0]), int(out[1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=float, nargs="+", default=[10, 20, 30], help="message sizes in MB (10^6 bytes)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--text", action="store_true", help="the message is a long Chinese letter, not an attachment")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="redress-mail-mem-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "REDRESS_DATA_DIR": tmp}
        env.pop("REDRESS_DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "redress.cli", "demo", "--complaints", "0"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        rows = [("empty message", b"")] + [(f"{s:g} MB", None) for s in args.sizes]
        for label, fixed in rows:
            runs = []
            path = Path(tmp) / "message.eml"
            for i in range(args.runs):
                data = fixed if fixed is not None else message(int(float(label.split()[0]) * MB), f"{label}-{i}",
                                                              args.text)
                path.write_bytes(data)
                size = len(data)
                del data
                runs.append(peak(env, path))
            kb = [r[1] for r in runs]
            print(f"{label:>14} ({size:>11,} bytes): exit {sorted({r[0] for r in runs})}, peak RSS "
                  f"median {statistics.median(kb) / 1024:,.0f} MiB (runs {', '.join(f'{k / 1024:,.0f}' for k in kb)})",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
