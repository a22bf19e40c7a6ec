"""`redress` — the command line: init, demo, serve, sweep, verify, checkpoint, mail-in, import, tallies, token.

Every command configures Django from the environment (REDRESS_* variables) first, so
the same settings apply as in the web server.
"""

from __future__ import annotations

import argparse
import os
import sys

from redress.api import cli as api_cli


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
    _ledger_key_ready()
    return 0


def _ledger_key_ready() -> None:
    from redress.complaints import ledger_key

    key, created = ledger_key.ensure()
    if created:
        print(f"ledger signing key created: {key.source} (mode 0600; key {key.public.key_id}). Keep a copy "
              "away from the database and its backups: without it no checkpoint can be checked or signed")
    else:
        print(f"ledger signing key: {key.source} (key {key.public.key_id})")


def cmd_demo(args) -> int:
    cmd_init(args)
    from redress.complaints.demo import build_demo

    report = build_demo(complaints=args.complaints, seed=args.seed, reset=args.reset)
    print(report)
    return 0


def cmd_serve(args) -> int:
    if args.processes < 1:
        print("redress serve: --processes must be 1 or more", file=sys.stderr)
        return 2
    cmd_init(args)
    from redress import proxy, serving
    from redress.wsgi import django_application

    behind = proxy.waitress_options()
    print(f"Redress on http://{args.host}:{args.port}/ (Ctrl-C stops it)"
          + (f"; {args.processes} processes" if args.processes > 1 else "")
          + (f"; client address and scheme from the proxy at {behind['trusted_proxy']}" if behind else ""), flush=True)
    serving.serve(django_application, host=args.host, port=args.port, threads=args.threads,
                  processes=args.processes, **behind)
    return 0


def cmd_sweep(args) -> int:
    from redress.complaints.ledger_key import NoLedgerKey
    from redress.complaints.sweep import sweep

    if args.loop:
        from redress.complaints.sweep import sweep_forever

        return sweep_forever(every=args.every)
    try:
        print(sweep())
    except NoLedgerKey as exc:
        print(f"redress sweep: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_tallies(args) -> int:
    """Check the statistics' period tallies against a recount of the complaints, or
    rebuild them (a database that had complaints before they existed, or whose
    calendar's past working days changed): exit 1 when a check finds a difference."""
    from redress.complaints import period_tally
    from redress.complaints.services.timing import calendar_for
    from redress.policy.loader import active_pack

    cal = calendar_for(active_pack())
    if args.rebuild:
        written = period_tally.rebuild(cal)
        print(f"period tallies rebuilt: {written:,} rows")
        return 0
    kept, counted = period_tally.kept(), period_tally.recount(cal)
    differ = sorted((k for k in kept.keys() | counted.keys() if kept.get(k) != counted.get(k)), key=str)
    state = ("NOT BUILT (the statistics count the rows; run --rebuild)" if not period_tally.built()
             else "complete" if period_tally.built_for_viewers()
             else "complete for the institution, NOT for the units (a branch head's statistics count the rows; "
                  "run --rebuild)")
    print(f"period tallies: {len(kept):,} keys, {state}; {len(differ):,} differ from a recount")
    for key in differ[:20]:
        print(f"  {key}: kept {kept.get(key)}, recount {counted.get(key)}")
    return 1 if differ else 0


def cmd_verify(args) -> int:
    from pathlib import Path

    from redress.complaints import ledger, ledger_export, ledger_key
    from redress.complaints.timesource import now

    try:
        if args.checkpoint:
            cp = ledger.take_checkpoint(now=now())
            if cp:
                print(f"checkpoint {cp.pk}: {cp.entry_count} chain heads, {cp.hash}")
        result = ledger.verify()
        if not result.ok:
            print(f"LEDGER BROKEN after {result.events} good events: {result.problem}", file=sys.stderr)
            return 1
        print(f"ledger intact: {result.events} events in {result.complaints} complaints, "
              f"{result.checkpoints} signed checkpoints; head {result.head}"
              + (f"; {result.unanchored} events since the last checkpoint" if result.unanchored else ""))
        if args.against:
            extends = ledger_export.against(Path(args.against))
            if not extends.ok:
                print(f"LEDGER REWRITTEN since {args.against}: {extends.problem}", file=sys.stderr)
                return 1
            print(f"extends {args.against} (exported {extends.exported_at}): its {extends.exported} checkpoints "
                  f"are all here unchanged; {extends.since} taken since")
    except (ledger_key.NoLedgerKey, ledger_export.BadExport) as exc:
        print(f"redress verify: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_checkpoint(args) -> int:
    from redress.complaints import ledger_export, ledger_key
    from redress.complaints.timesource import now

    try:
        if args.action == "sign-existing":
            print(f"signed {ledger_export.sign_existing()} checkpoints taken before signing")
            return 0
        if args.output in (None, "-"):
            count = ledger_export.export(sys.stdout, exported_at=now())
        else:
            with open(args.output, "x", encoding="utf-8") as out:  # never overwrite a kept export
                count = ledger_export.export(out, exported_at=now())
            print(f"{count} signed checkpoint heads written to {args.output}: keep it away from this "
                  f"server; `redress verify --against {args.output}` later proves the ledger only grew")
    except (ledger_key.NoLedgerKey, ledger_export.BadExport, FileExistsError) as exc:
        print(f"redress checkpoint: {exc}", file=sys.stderr)
        return 2
    return 0


# sysexits.h: what a mail server understands from a delivery program.
EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75


def cmd_mail_in(args) -> int:
    """Read one message on standard input, the way an MTA pipes mail to a program
    (e.g. Postfix: `complaints: "|/path/to/redress mail-in"`). Exit 0 when handled
    (or already handled, or held in quarantine for the complaints office), 65 with a
    reason on stderr to bounce it, 75 to have the MTA keep it and retry — only for what
    a retry can fix: the database unreachable, the disk full, no institution set up yet
    (mailin/quarantine.py says why the rest is held rather than retried)."""
    import logging

    from django.conf import settings
    from django.db import DatabaseError

    from redress.mailin.intake import Refused, handle, read_message
    from redress.mailin.quarantine import hold, is_temporary

    log = logging.getLogger("redress.mailin")
    try:
        raw = read_message(sys.stdin.buffer, settings.REDRESS_MAIL_MAX_BYTES)
        # Postfix local(8) (an alias `|redress mail-in`) and Exim's pipe transport give the
        # envelope sender as SENDER, empty for a delivery report; --sender says it otherwise.
        sender = args.sender if args.sender is not None else os.environ.get("SENDER")
        result = handle(raw, envelope_sender=sender)
    except Refused as refused:
        print(f"redress mail-in: {refused.reason}", file=sys.stderr)
        return refused.code
    except Exception as exc:  # noqa: BLE001 — a complaint is never lost: retried or held
        # Only the exception type: its text may quote the message (personal data).
        if is_temporary(exc):
            print(f"redress mail-in: temporary failure, try again later ({type(exc).__name__})", file=sys.stderr)
            return EX_TEMPFAIL
        try:
            held, new = hold(raw, exc)
        except Exception as again:  # noqa: BLE001 — could not even keep it: let the mail server keep it
            log.error("mail-in failed (%s) and could not quarantine the message (%s)", type(exc).__name__,
                      type(again).__name__)
            if is_temporary(again) or isinstance(again, DatabaseError):
                print(f"redress mail-in: temporary failure, try again later ({type(exc).__name__}; "
                      f"quarantine: {type(again).__name__})", file=sys.stderr)
                return EX_TEMPFAIL
            print(f"redress mail-in: this message cannot be taken ({type(exc).__name__}; quarantine: "
                  f"{type(again).__name__})", file=sys.stderr)
            return EX_DATAERR
        print(f"mail-in: quarantined #{held.pk} ({type(exc).__name__}){'' if new else ', already held'}; "
              "the complaints office will see it in the workbench")
        return EX_OK
    print(result.summary())
    return EX_OK


IMPORT_REJECTED, IMPORT_UNUSABLE, IMPORT_STOPPED = 1, 2, 3
IMPORT_HELP = """\
An import writes every row of the file or none: the whole file is checked first (every
byte in the mapping's encoding, the columns, every row's values and rules), and a file
that passes is written in one transaction. Rows already imported (the same source and
source id) are passed over, so running a file again is harmless. On SQLite that one
transaction keeps the site's own writes waiting (20 s, then they fail): into a live
SQLite site, import a large file with --resume.

A file too large for one transaction: --resume writes it in batches of --batch rows.
Each batch is checked, then written with the run's progress; a problem stops the run
before the batch that has it, saying how many rows are in. Run the same command again
(after fixing the mapping) and it continues at the next row. A file changed since the
run stopped is refused; --resume --restart starts it again from the first row, passing
over the rows already in. A --resume run does not check the rows ahead of the batch it
is writing: run --dry-run first to see every problem in the file at once.

exit codes:
  0  every row of the file is in (a dry run: every row would go in)
  1  rows that cannot be imported, listed by row, field and reason; nothing written
     (with --resume: nothing after the rows it says are in)
  2  the file or the mapping cannot be used (no such file, a byte not in the mapping's
     encoding, the column names not found, the mapping invalid or for another policy,
     --resume on a changed file, --as unknown); nothing written
  3  writing stopped (a database error, the file changed, another import of the same
     rows at the same moment); nothing written (with --resume: nothing after the rows
     it says are in)
"""


def cmd_import(args) -> int:
    from django.db import DatabaseError

    from redress.complaints.models import Staff
    from redress.imports.mapping import MappingError
    from redress.imports.runner import run_import
    from redress.imports.system import NoIntakeUnit, system_account

    if args.restart and not args.resume:
        print("redress import: --restart goes with --resume", file=sys.stderr)
        return IMPORT_UNUSABLE
    try:
        if args.as_user:
            actor = Staff.objects.filter(username=args.as_user, is_active=True).first()
            if actor is None:
                print(f"redress import: --as {args.as_user}: no active member of staff by that name", file=sys.stderr)
                return IMPORT_UNUSABLE
        else:
            actor = system_account("import", "批量导入 Import")
        report = run_import(args.file, args.mapping, actor=actor, dry_run=args.dry_run, batch=args.batch,
                            resume=args.resume, restart=args.restart, header_row=args.header_row)
    except (MappingError, NoIntakeUnit) as exc:  # raised before the first write
        print(f"redress import: nothing written: {exc}", file=sys.stderr)
        return IMPORT_UNUSABLE
    except DatabaseError as exc:  # outside a write (those are in the report): connecting, looking up
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        print(f"redress import: the database failed ({type(exc).__name__}: {first}); run the same command again: "
              "a row already in is never written twice", file=sys.stderr)
        return IMPORT_STOPPED
    except KeyboardInterrupt:
        print("redress import: interrupted; the transaction being written was rolled back"
              + (" (run the same command again to continue)" if args.resume else ", so nothing is written"),
              file=sys.stderr)
        return 130
    print("\n".join(report.lines()))
    if report.failure:
        return IMPORT_STOPPED
    return IMPORT_REJECTED if report.rejected else 0


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
    serve.add_argument("--threads", type=int, default=8, help="threads in each process")
    serve.add_argument("--processes", type=int, default=int(os.environ.get("REDRESS_PROCESSES", "1")),
                       help="server processes sharing the port (one runs Python on one core at a time); "
                            "default 1, or REDRESS_PROCESSES")
    serve.set_defaults(func=cmd_serve)
    sweep = sub.add_parser("sweep", help="recompute due times if the calendar changed, mark late clocks, "
                           "send reminders and escalations, take a ledger checkpoint, send queued "
                           "notifications, merge day and period tallies, forget expired idempotency keys")
    sweep.add_argument("--loop", action="store_true", help="run it every minute until stopped "
                       "(for deployments without cron)")
    sweep.add_argument("--every", type=int, default=60, metavar="SECONDS",
                       help="with --loop: seconds from the start of one run to the start of the next")
    sweep.set_defaults(func=cmd_sweep)
    tallies = sub.add_parser("tallies", help="check the statistics' period tallies against a recount of the "
                             "complaints (exit 1 on a difference), or --rebuild them")
    tallies.add_argument("--rebuild", action="store_true", help="replace them by a recount and mark them complete")
    tallies.set_defaults(func=cmd_tallies)
    verify = sub.add_parser("verify", help="recompute the ledger and check the checkpoints' signatures; exit 1 "
                            "naming the first broken link, 2 without the signing key")
    verify.add_argument("--checkpoint", action="store_true", help="take a checkpoint first")
    verify.add_argument("--against", metavar="FILE", help="also prove the ledger extends an export written by "
                        "`redress checkpoint export`: every exported checkpoint is still here, unchanged")
    verify.set_defaults(func=cmd_verify)
    checkpoint = sub.add_parser("checkpoint", help="the ledger's signed checkpoints: export their heads for an "
                                "auditor; sign those of a ledger from before signing (once)")
    checkpoint.add_argument("action", choices=["export", "sign-existing"])
    checkpoint.add_argument("--output", "-o", metavar="FILE", help="export: write here (a new file) instead of "
                            "standard output")
    checkpoint.set_defaults(func=cmd_checkpoint)
    mail_in = sub.add_parser("mail-in", help="take one email message from standard input (for the mail server)")
    mail_in.add_argument("--sender", default=None, help="the envelope sender as the mail server passes it (Postfix "
                         "pipe: --sender ${sender}; default: $SENDER, as Postfix local and Exim set it); empty for a "
                         "delivery report, which is then recorded and ignored")
    mail_in.set_defaults(func=cmd_mail_in)
    imp = sub.add_parser("import", help="import historical complaints from CSV or xlsx: every row or none",
                         description=IMPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("file", help="a .csv or .xlsx file (the first sheet); the header row names the columns")
    imp.add_argument("--mapping", required=True, help="the mapping YAML, e.g. src/redress/imports/mappings/cfpb.yaml")
    imp.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
    imp.add_argument("--as", dest="as_user", default="", help="username to import as (default: system account import)")
    imp.add_argument("--header-row", type=int, default=1, metavar="N",
                     help="the row that names the columns, when a title or notes come above it (default 1)")
    imp.add_argument("--resume", action="store_true",
                     help="write in batches, each committed with the run's progress; start, or continue a run "
                          "of this file that stopped")
    imp.add_argument("--restart", action="store_true",
                     help="with --resume: give up the stopped run of a file that has changed since and start again")
    imp.add_argument("--batch", type=int, default=500,
                     help="rows per batch: per transaction with --resume, per database look-up otherwise")
    imp.set_defaults(func=cmd_import)
    api_cli.add_parser(sub)
    args = parser.parse_args(argv)
    _django()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
