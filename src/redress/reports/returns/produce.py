"""Producing a return: the one writer of `ReturnProduction` (DESIGN rule 1 for reports).

`return_produce` checks who asks and for what (a return the pack declares, a period
written as the return's kind, ended, and not before the institution's first complaint),
computes the tables, writes both files and records them with their SHA-256 in one
transaction. A refusal is a `ValidationFailed` naming the field, or `NotPermitted`,
before anything is computed or written: never an empty file presented as a return.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Min
from django.utils import translation
from django.utils.translation import gettext as _

from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.models import Complaint, Institution, Staff
from redress.policy.returns_schema import RegulatorReturn
from redress.policy.schema import Pack
from redress.reports.models import ReturnProduction
from redress.reports.returns import files
from redress.reports.returns.compute import Result, compute
from redress.reports.returns.periods import EXAMPLES, Period, parse
from redress.sla.calendar import WorkCalendar

# The complaints office makes the returns and compliance answers to the regulator for them.
PRODUCER_ROLES = ("complaints_office", "compliance")


@dataclass(frozen=True)
class Produced:
    record: ReturnProduction
    result: Result


def may_produce(staff: Staff) -> bool:
    return staff.is_superuser or bool(staff.role_set() & set(PRODUCER_ROLES))


def find_return(pack: Pack, code: str) -> RegulatorReturn:
    ret = pack.regulator_return(code or "")
    if ret is None:
        known = ", ".join(r.code for r in pack.returns) or _("none")
        raise ValidationFailed("return_code", _("the policy declares no return %(code)s; it declares: %(known)s")
                               % {"code": (code or "")[:40], "known": known})
    return ret


def first_day_of_data(cal: WorkCalendar):
    """The day the institution's first complaint was received (None: none yet)."""
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    return first.astimezone(cal.tz).date() if first else None


def check_period(ret: RegulatorReturn, text: str, *, now: datetime, cal: WorkCalendar) -> Period:
    try:
        period = parse(ret.period, text or "")
    except ValueError:
        raise ValidationFailed("period", _("write the period as %(example)s") % {"example": EXAMPLES[ret.period]}) \
            from None
    today = now.astimezone(cal.tz).date()
    if period.end > today:
        raise ValidationFailed("period", _("%(period)s has not ended yet (its last day is %(last)s): a return is made "
                                           "for an ended period") % {"period": period.label, "last": period.last_day})
    first = first_day_of_data(cal)
    if first is None or period.end <= first:
        since = _("no complaint is recorded yet") if first is None else _("the first complaint was received on "
                                                                          "%(day)s") % {"day": first}
        raise ValidationFailed("period", _("%(period)s is before the institution's records: %(since)s")
                               % {"period": period.label, "since": since})
    return period


def _role(staff: Staff) -> str:
    held = [r for r in PRODUCER_ROLES if r in staff.role_set()]
    return held[0] if held else ("superuser" if staff.is_superuser else "")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def return_produce(*, staff: Staff, pack: Pack, code: str, period: str, now: datetime, cal: WorkCalendar,
                   language: str) -> Produced:
    """Compute the return `code` for `period`, write its xlsx and CSV and record them."""
    if not may_produce(staff):
        raise NotPermitted(_("Producing a regulator return needs the complaints office or compliance role."))
    ret = find_return(pack, code)
    chosen = check_period(ret, period, now=now, cal=cal)
    language = ret.language or language
    institution = Institution.objects.order_by("pk").first()
    with translation.override(language):
        result = compute(ret, chosen, staff=staff, pack=pack, cal=cal, language=language)
        name = (institution.name_en or institution.name) if institution and language == "en" else \
            (institution.name if institution else "")
        who = getattr(staff, "display_name", "") or staff.get_username()
        at = now.astimezone(cal.tz)
        xlsx = files.xlsx_bytes(result, institution=name, produced_by=who, at=at)
        csv = files.csv_bytes(result, institution=name, produced_by=who, at=at)
    with transaction.atomic():
        record = ReturnProduction.objects.create(
            return_code=ret.code, policy_code=pack.code, period=chosen.label, period_start=chosen.start,
            period_end=chosen.last_day, staff=staff, role=_role(staff), at=now, language=language,
            rows=result.row_count, unmapped=[u.as_json() for u in result.unmapped],
            xlsx=xlsx, xlsx_sha256=_sha256(xlsx), csv=csv, csv_sha256=_sha256(csv))
    return Produced(record=record, result=result)


def latest(code: str, period: str) -> ReturnProduction | None:
    """The last production of a return for a period (the one to file)."""
    return (ReturnProduction.objects.filter(return_code=code, period=period).select_related("staff")
            .order_by("-at", "-pk").defer("xlsx", "csv").first())
