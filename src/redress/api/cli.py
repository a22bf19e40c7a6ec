"""`redress token create|list|revoke`: integration tokens from the command line, for
the operators who set up a call-centre system or a regulator feed."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub) -> None:
    token = sub.add_parser("token", help="API tokens for integrations: create, list, revoke")
    verbs = token.add_subparsers(dest="verb", required=True)
    create = verbs.add_parser("create", help="create a token; prints it once")
    create.add_argument("--name", required=True, help="which integration it is for")
    create.add_argument("--staff", required=True, help="username of the service account it acts as")
    create.add_argument("--scope", action="append", required=True,
                        help="complaints:create, complaints:read, complaints:act, evidence:write, "
                             "reports:read, personal_data:read (repeat)")
    create.add_argument("--unit", default="", help="org unit code, if the token belongs to one unit")
    verbs.add_parser("list", help="every token: id, prefix, name, account, scopes, last used, status")
    revoke = verbs.add_parser("revoke", help="revoke a token by id or by the prefix a listing shows")
    revoke.add_argument("token")
    token.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from redress.api import tokens
    from redress.complaints.errors import ValidationFailed
    from redress.complaints.models import OrgUnit, Staff

    try:
        if args.verb == "create":
            staff = Staff.objects.filter(username=args.staff).first()
            if staff is None:
                raise ValidationFailed("staff", f"no member of staff {args.staff!r}")
            unit = OrgUnit.objects.filter(code=args.unit).first() if args.unit else None
            if args.unit and unit is None:
                raise ValidationFailed("unit", f"no org unit {args.unit!r}")
            issued = tokens.issue(name=args.name, staff=staff, scopes=args.scope, unit=unit)
            print(issued.secret)
            print(f"token {issued.token.pk} ({issued.token.prefix}…) for {staff.username}: "
                  "shown this once and stored only as a digest; keep it in the integration's secret store",
                  file=sys.stderr)
        elif args.verb == "list":
            for t in tokens.for_listing():
                status = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
                print(f"{t.pk}\t{t.prefix}\t{t.name}\t{t.staff.username}\t{','.join(t.scopes)}\t{used}\t{status}")
        else:
            row = tokens.revoke(args.token)
            print(f"token {row.pk} ({row.prefix}…) revoked at {row.revoked_at:%Y-%m-%d %H:%M}")
    except ValidationFailed as err:
        print(f"redress token {args.verb}: {err.message}", file=sys.stderr)
        return 2
    return 0
