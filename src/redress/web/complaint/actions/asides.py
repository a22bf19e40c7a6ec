"""What a form shows beside its fields so the person knows what they decide: the
proposal and who may approve it, what the archive still lacks, how much time is left
before an extension can no longer be asked for. Reads only."""

from __future__ import annotations

from django.utils.translation import get_language

from redress.complaints.models import Complaint, Extension, OrgUnit, OwnershipTransfer, Proposal
from redress.complaints.services.outcome import missing_for_archive
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import now as current_time
from redress.policy.schema import Pack
from redress.web.complaint import words
from redress.web.complaint.actions import labels
from redress.web.labels import ROLES


def proposal(c: Complaint, pack: Pack) -> dict:
    pending = (c.proposals.filter(status=Proposal.Status.PENDING).select_related("proposed_by")
               .prefetch_related("remedies").order_by("-id").first())
    if pending is None:
        return {"proposal": None}
    return {"proposal": pending, "approver_roles": pending.approver_roles,
            "responsibility": labels.RESPONSIBILITY.get(pending.responsibility, pending.responsibility),
            "remedies": [(r, labels.REMEDY_KINDS.get(r.kind, r.kind)) for r in pending.remedies.all()]}


def approvers(c: Complaint, pack: Pack) -> dict:
    """Who will have to approve: the authority matrix for the case as it stands, and the
    economic-dispute deciders once any money is claimed or offered (004 第十六条)."""
    matrix = [str(r) for r in pack.approver_roles(amount=c.amount_claimed, severity=c.severity or "low")]
    deciders = [str(r) for r in pack.economic_dispute.decider_roles]
    return {"approver_roles": deciders if c.is_economic_dispute else matrix, "decider_roles": deciders,
            "economic": c.is_economic_dispute}


def archive(c: Complaint, pack: Pack) -> dict:
    return {"missing": [labels.RECORD_PARTS.get(m, m) for m in missing_for_archive(c)]}


def extension(c: Complaint, pack: Pack) -> dict:
    policy = pack.extension
    if policy is None:
        return {}
    clock = c.clocks.filter(code=policy.clock, status__in=("running", "paused")).first()
    cal = calendar_for(pack)
    left = cal.working_days_between(current_time(), clock.due_at) if clock else None
    further = c.extensions.filter(status=Extension.Status.APPROVED).exists()
    waiting = list(c.extensions.filter(status=Extension.Status.REQUESTED).select_related("requested_by"))
    words.word_extension_days(waiting, pack)
    unit = words.extension_unit(pack)
    return {"clock": clock, "days_left": left, "further": further, "policy": policy,
            "in_calendar_days": unit == "calendar_days",
            "further_deciders": words.joined(ROLES.get(str(r), str(r)) for r in policy.deciders(2)),
            "due_local": clock.due_at.astimezone(cal.tz) if clock else None, "waiting": waiting}


def transfer(c: Complaint, pack: Pack) -> dict:
    return {"transfer": c.transfers.filter(status=OwnershipTransfer.Status.PENDING)
            .select_related("from_staff", "to_staff").first()}


def routing(c: Complaint, pack: Pack) -> dict:
    definition = pack.category(c.category) if c.category else None
    code = definition.default_unit if definition else None
    unit = OrgUnit.objects.filter(code=code).first() if code else (c.branch or c.intake_unit)
    return {"routed_to": unit}


def pausing(c: Complaint, pack: Pack) -> dict:
    """The pack's pausing rule and the case's paused time so far."""
    from redress.complaints.selectors.pausing import paused_time
    from redress.web.complaint import words

    policy = pack.pausing
    if policy is None:
        return {"policy": None}
    time = paused_time(c, pack=pack)
    return {"policy": policy, "time": time,
            "approval_after": words.duration(policy.approval_after.amount, policy.approval_after.unit.value),
            "max_total": words.duration(policy.max_total.amount, policy.max_total.unit.value),
            "total": words.duration(time.total, time.unit),
            "reasons": [(r, r.name.get(get_language())) for r in policy.reasons],
            "approver_roles": [str(r) for r in policy.approver_roles]}
