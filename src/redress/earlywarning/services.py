"""The two writes of early warning: the sweep raising warnings, and a person
acknowledging one with a note. Each warning is written with its outbox messages in one
transaction; an acknowledgment changes the warning and appends its record in one.

De-duplication: a series or matter (the warning's key) is not raised again while its
last warning is open, nor, once acknowledged, within that warning's window (7 days for
a 7-day spike, the mass-complaint days, the repeat period): the complaints that made it
are still in the window. A longer window of a series stays quiet while a shorter one
of the same series is raised, open or quiet (the 30-day test is for a slow rise no
single week shows). A mass complaint in similar words is also quiet while a warning
of that kind still in its window covers any of the same complaints."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from redress.complaints.errors import NotFound, NotPermitted, ValidationFailed
from redress.complaints.models import Staff
from redress.complaints.timesource import now as current_time
from redress.earlywarning import mass, repeat, spikes
from redress.earlywarning.candidates import Candidate
from redress.earlywarning.models import Acknowledgment, EarlyWarning
from redress.notify.models import OutboxMessage
from redress.policy.loader import active_pack
from redress.policy.schema import EarlyWarningPolicy

NOTE_MAX = 2000
FIELDS = ("kind", "key", "window_start", "window_end", "window_days", "count", "complaint_ids", "unit_id", "category",
          "product", "matter", "party_staff_id", "excerpt", "customer_id", "customers", "baseline_count",
          "baseline_days", "expected", "overall_change", "p_value")


def warning_roles() -> frozenset[str]:
    return frozenset(str(r) for r in active_pack().early_warning.roles)


def role_for_warnings(staff: Staff) -> str | None:
    """The role that lets `staff` see and acknowledge warnings (the pack's
    early_warning.roles), or None."""
    return next((r for r in sorted(warning_roles()) if staff.has_role(r)), None)


def may_see_warnings(staff: Staff) -> bool:
    return role_for_warnings(staff) is not None


def _live(at: datetime, policy: EarlyWarningPolicy) -> list[EarlyWarning]:
    """Warnings that keep their key quiet now: open ones, and acknowledged ones still in
    their window."""
    longest = max([*policy.windows_days, policy.mass_within_days, policy.repeat_within_days])
    recent = Q(raised_at__gte=at - timedelta(days=longest))
    rows = EarlyWarning.objects.filter(Q(status=EarlyWarning.Status.OPEN) | recent).only(
        "key", "kind", "matter", "status", "raised_at", "window_days", "complaint_ids")
    return [w for w in rows if w.status == EarlyWarning.Status.OPEN or w.raised_at + timedelta(days=w.window_days) > at]


def candidates(policy: EarlyWarningPolicy, at: datetime) -> list[Candidate]:
    """Everything the detectors find now, shortest spike window first."""
    return [*spikes.find(policy, at), *mass.find(policy, at), *repeat.find(policy, at)]


def raise_warnings(*, at: datetime | None = None, policy: EarlyWarningPolicy | None = None) -> list[EarlyWarning]:
    """Run the detectors and raise the warnings that are new (run by the sweep). Each is
    sent to the pack's early_warning.roles through the outbox. (`policy`: another than
    the pack's, for the benchmark.)"""
    at = at or current_time()
    policy = policy or active_pack().early_warning
    live = _live(at, policy)
    quiet_keys = {w.key for w in live}
    # A spike series' shortest window live: a longer window of it stays quiet, a shorter one may still be raised.
    quiet_series: dict[str, int] = {}
    for w in live:
        if w.kind == EarlyWarning.Kind.SPIKE:
            series = w.key.rsplit("|", 1)[0]
            quiet_series[series] = min(quiet_series.get(series, w.window_days), w.window_days)
    similar_words = set().union(*[set(w.complaint_ids) for w in live if w.matter == EarlyWarning.Matter.TEXT])
    raised = []
    for found in candidates(policy, at):
        if found.key in quiet_keys or quiet_series.get(found.series, found.window_days + 1) <= found.window_days:
            continue
        if found.matter == EarlyWarning.Matter.TEXT and similar_words & set(found.complaint_ids):
            continue
        warning = _write(found, at, policy)
        if warning is None:
            continue
        raised.append(warning)
        quiet_keys.add(found.key)
        if found.series:
            quiet_series[found.series] = min(quiet_series.get(found.series, found.window_days), found.window_days)
        if found.matter == EarlyWarning.Matter.TEXT:
            similar_words |= set(found.complaint_ids)
    return raised


def _write(found: Candidate, at: datetime, policy: EarlyWarningPolicy) -> EarlyWarning | None:
    try:
        with transaction.atomic():
            warning = EarlyWarning.objects.create(raised_at=at, **{f: getattr(found, f) for f in FIELDS})
            OutboxMessage.objects.bulk_create([
                OutboxMessage(kind="early_warning", to_role=str(role), created_at=at,
                              payload={"warning": warning.pk, "kind": warning.kind})
                for role in policy.roles])
    except IntegrityError:
        return None  # another sweep raised it a moment ago (warning_open_once)
    return warning


def warning_acknowledge(warning_id: int, *, actor: Staff, note: str) -> EarlyWarning:
    """`actor` has seen the warning and says what is being done (or why nothing need
    be). The note is required; the acknowledgment is recorded and never changed."""
    role = role_for_warnings(actor)
    if role is None:
        raise NotPermitted(_("Acknowledging an early warning needs one of the roles: %(roles)s")
                           % {"roles": ", ".join(sorted(warning_roles()))})
    note = (note or "").replace("\x00", "").strip()
    if not note:
        raise ValidationFailed("note", _("say what is being done about the warning, or why nothing need be"))
    if len(note) > NOTE_MAX:
        raise ValidationFailed("note", _("at most %(max)s characters") % {"max": NOTE_MAX})
    at = current_time()
    with transaction.atomic():
        warning = EarlyWarning.objects.select_for_update().filter(pk=warning_id).first()
        if warning is None:
            raise NotFound(_("no early warning %(pk)s") % {"pk": warning_id})
        if warning.status != EarlyWarning.Status.OPEN:
            raise ValidationFailed("status", _("this warning was already acknowledged"))
        warning.status, warning.acknowledged_at, warning.acknowledged_by = EarlyWarning.Status.ACKNOWLEDGED, at, actor
        warning.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        Acknowledgment.objects.create(warning=warning, actor=actor, role=role, at=at, note=note)
    return warning
