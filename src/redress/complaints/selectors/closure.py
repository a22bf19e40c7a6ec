"""Deemed closure offered (001 第二十二条): a complaint followed up since the customer
was not satisfied at the callback, with no repeat or escalated complaint and no fault
of staff found, may be deemed closed once the pack's follow-up time has passed
(`deemed_closure.follow_up`, 6 months for cn-securities, on the institution's
calendar). A person decides (services.outcome.deem_closed).

One rule for the office's worklist, the dashboard tile and the service: the service
refuses exactly what this list leaves out, so a case listed here is one the office can
deem closed when it opens it.

Built for a million complaints: "eligible by now" is turned into one bound on the
follow-up start (the latest start whose follow-up time has run out by now), so the
list is a range of a partial index on (follow_up_since, id) over the follow-up cases,
sorted and paged through it; the obstacles (a re-complaint link, an accountability
record) are probed per row through their foreign-key indexes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from redress.complaints.lifecycle import State
from redress.complaints.models import Accountability, Complaint, ComplaintLink
from redress.policy.schema import DeemedClosure, Pack
from redress.sla.calendar import WorkCalendar

RESOLUTION = timedelta(microseconds=1)  # the database keeps times to the microsecond


def eligible_from(since: datetime, rule: DeemedClosure, cal: WorkCalendar) -> datetime:
    """When a case followed up since `since` may be deemed closed."""
    return cal.due(since, rule.follow_up)


def latest_eligible_start(rule: DeemedClosure, cal: WorkCalendar, now: datetime) -> datetime:
    """The latest follow-up start whose follow-up time has run out by `now`: a case is
    eligible by date exactly when it started on or before this. A due time never comes
    earlier for a later start, in any unit, so the bound is found by halving the
    interval (about 45 steps to the microsecond) and holds for months (with their month
    ends), working days and the rest alike."""
    if eligible_from(now, rule, cal) <= now:
        return now  # no waiting at all (amount 0): everything started by now
    gap = timedelta(days=1)
    early = now - gap
    while eligible_from(early, rule, cal) > now:
        gap *= 2
        early = now - gap
    late = now  # not eligible yet
    while late - early > RESOLUTION:
        middle = early + (late - early) / 2
        if eligible_from(middle, rule, cal) <= now:
            early = middle
        else:
            late = middle
    return early


def _recomplained() -> Q:
    return Q(Exists(ComplaintLink.objects.filter(target=OuterRef("pk"), kind=ComplaintLink.Kind.RECOMPLAINT)))


def _accountability() -> Q:
    return Q(Exists(Accountability.objects.filter(complaint=OuterRef("pk"))))


def obstacles(rule: DeemedClosure) -> list[tuple[str, Q, str]]:
    """What keeps a followed-up case from being deemed closed, as the field the service
    names, the condition, and the message (001 第二十二条)."""
    found = []
    if rule.requires_no_repeat_complaint:
        found.append(("repeat", _recomplained() | Q(escalated=True),
                      _("the customer complained again or the case was escalated (001 第二十二条)")))
    if rule.requires_no_staff_fault:
        found.append(("staff_fault", Q(staff_fault_found=True) | _accountability(),
                      _("a fault of staff was found, so it cannot be deemed closed (001 第二十二条)")))
    return found


def deemable(pack: Pack, cal: WorkCalendar, now: datetime, qs: QuerySet | None = None) -> QuerySet:
    """The complaints (of `qs`, all by default) that may be deemed closed at `now`."""
    qs = Complaint.objects.all() if qs is None else qs
    condition = deemable_condition(pack, cal, now)
    return qs.none() if condition is None else qs.filter(condition)


def deemable_condition(pack: Pack, cal: WorkCalendar, now: datetime) -> Q | None:
    """`deemable` as a condition on complaint rows (None: the pack has no deemed closure)."""
    rule = pack.deemed_closure
    if rule is None:
        return None
    condition = Q(state=State.FOLLOW_UP, follow_up_since__lte=latest_eligible_start(rule, cal, now))
    for _field, obstacle_condition, _message in obstacles(rule):
        condition &= ~obstacle_condition
    return condition


def obstacle(complaint: Complaint, rule: DeemedClosure) -> tuple[str, str] | None:
    """The first obstacle that applies to `complaint` (field, message), or None; read
    with the same conditions the list leaves cases out by."""
    for field, condition, message in obstacles(rule):
        if Complaint.objects.filter(pk=complaint.pk).filter(condition).exists():
            return field, message
    return None
