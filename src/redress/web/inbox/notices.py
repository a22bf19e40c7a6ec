"""Reads and the two small writes of the inbox. A notice's read mark and a person's
choice of delivery are that person's own, not a change of any complaint, so they are
written here rather than through the complaint services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redress.complaints.models import ClockAlert, Complaint, Staff
from redress.complaints.timesource import now
from redress.notify import alert_texts
from redress.notify.models import Delivery, InboxNotice, NoticePreference
from redress.policy.schema import HOLDER, UNIT_HEAD, Role


def unread_count(staff: Staff) -> int:
    """The navigation's figure: an index-only count (notice_unread)."""
    return InboxNotice.objects.filter(staff=staff, read_at__isnull=True).count()


@dataclass(frozen=True)
class Shown:
    notice: InboxNotice
    text: alert_texts.Text
    unread: bool
    reference: str


def listed(staff: Staff, notices, language: str) -> list[Shown]:
    """The notices, each written in the language the page is read in (an email is
    written in the person's own, Staff.language)."""
    return [Shown(n, alert_texts.write(n.kind, n.payload, language), n.read_at is None, n.payload.get("reference", ""))
            for n in notices]


def mark_read(staff: Staff, ids: list[int] | None) -> int:
    """Mark the person's own notices read (all of them when `ids` is None)."""
    mine = InboxNotice.objects.filter(staff=staff, read_at__isnull=True)
    if ids is not None:
        mine = mine.filter(pk__in=ids)
    return mine.update(read_at=now())


def delivery_of(staff: Staff) -> str:
    return NoticePreference.objects.filter(staff=staff).values_list("delivery", flat=True).first() or Delivery.BOTH


def set_delivery(staff: Staff, delivery: str) -> None:
    if delivery not in Delivery.values:
        raise ValueError(delivery)
    NoticePreference.objects.update_or_create(staff=staff, defaults={"delivery": delivery})


@dataclass(frozen=True)
class CaseEscalation:
    alert: ClockAlert
    clock_name: str
    to: list[str]
    told: list[str]
    may_answer: bool
    at: datetime


def may_answer(staff: Staff, alert: ClockAlert) -> bool:
    """The rule services/alerts.escalation_acknowledge applies, asked before drawing a form."""
    roles = [r for r in alert.recipients if r not in (HOLDER, UNIT_HEAD)]
    return alert.acknowledged_at is None and (staff.pk in alert.staff or staff.has_role(*roles, Role.COMPLAINTS_OFFICE))


def case_escalations(staff: Staff, complaint: Complaint, pack, language: str) -> list[CaseEscalation]:
    from redress.web.labels import ROLES

    alerts = list(ClockAlert.objects.filter(complaint=complaint, kind=ClockAlert.Kind.ESCALATION, skipped=False)
                  .select_related("clock", "acknowledged_by").order_by("sent_at", "step"))
    people = {s.pk: str(s) for s in Staff.objects.filter(pk__in={p for a in alerts for p in a.staff})}
    words = {HOLDER: ROLES_EXTRA[HOLDER], UNIT_HEAD: ROLES_EXTRA[UNIT_HEAD]}
    shown = []
    for alert in alerts:
        definition = pack.clock(alert.clock.code)
        shown.append(CaseEscalation(
            alert=alert, clock_name=definition.name.get(language) if definition else alert.clock.code,
            to=[str(words.get(r) or ROLES.get(r, r)) for r in alert.recipients],
            told=[people.get(p, "—") for p in alert.staff], at=alert.sent_at,
            # A form where the reader was told (or, told to nobody, for the office): the
            # service lets the office answer any step, but four forms on a page is noise.
            may_answer=may_answer(staff, alert) and (staff.pk in alert.staff or not alert.staff)))
    return shown


def _extra_roles():
    from django.utils.translation import gettext_lazy as _

    return {HOLDER: _("the person holding the case"), UNIT_HEAD: _("the unit head")}


ROLES_EXTRA = _extra_roles()
