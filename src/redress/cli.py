"""`redress` — the command line: init, demo, serve, sweep, verify.

Every command configures Django from the environment (REDRESS_* variables) first, so
the same settings apply as in the web server.
"""

from __future__ import annotations

import argparse
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redress.settings")
    import django

    django.setup()


def cmd_init(args) -> int:
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from redress.policy.loader import active_pack

    pack = active_pack()  # fail now, with the file and path, if the policy is broken
    print(f"database ready: {settings.DATABASES['default']['NAME']} (policy {pack.code})")
    return 0


def cmd_demo(args) -> int:
    cmd_init(args)
    from redress.complaints.demo import build_demo

    report = build_demo(complaints=args.complaints, seed=args.seed, reset=args.reset)
    print(report)
    return 0


def cmd_serve(args) -> int:
    cmd_init(args)
    from waitress import serve

    from redress.wsgi import application

    print(f"Redress on http://{args.host}:{args.port}/ (Ctrl-C stops it)")
    serve(application, host=args.host, port=args.port, threads=args.threads)
    return 0


def cmd_sweep(args) -> int:
    from redress.complaints.sweep import sweep

    print(sweep())
    return 0


def cmd_verify(args) -> int:
    from redress.complaints import ledger
    from redress.complaints.timesource import now

    if args.checkpoint:
        cp = ledger.take_checkpoint(now=now())
        if cp:
            print(f"checkpoint {cp.pk}: {cp.entry_count} chain heads, {cp.hash}")
    result = ledger.verify()
    if not result.ok:
        print(f"LEDGER BROKEN after {result.events} good events: {result.problem}", file=sys.stderr)
        return 1
    print(f"ledger intact: {result.events} events in {result.complaints} complaints, "
          f"{result.checkpoints} checkpoints; head {result.head}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="redress", description="Complaint handling for financial institutions")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or migrate the database").set_defaults(func=cmd_init)
    demo = sub.add_parser("demo", help="load a demo institution with staff and complaints; prints logins")
    demo.add_argument("--complaints", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--reset", action="store_true", help="rebuild even if demo data exists")
    demo.set_defaults(func=cmd_demo)
    serve = sub.add_parser("serve", help="run the web server on the embedded defaults")
    serve.add_argument("--host", default=os.environ.get("REDRESS_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("REDRESS_PORT", "8000")))
    serve.add_argument("--threads", type=int, default=8)
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("sweep", help="mark late clocks, take a ledger checkpoint, send queued notifications").set_defaults(
        func=cmd_sweep)
    verify = sub.add_parser("verify", help="recompute the ledger; exit 1 naming the first broken link")
    verify.add_argument("--checkpoint", action="store_true", help="take a checkpoint first")
    verify.set_defaults(func=cmd_verify)
    args = parser.parse_args(argv)
    _django()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
