"""Where a re-complaint's work order goes when the complaints office names no unit:
the pack's `recomplaint.route` (004 第七条(七): 转交相关责任部门或上级部门处理)."""

from __future__ import annotations

from redress.complaints.models import Complaint, ComplaintLink, OrgUnit
from redress.policy.schema import Pack, RecomplaintRoute


def original_of(complaint: Complaint) -> Complaint | None:
    """The complaint this one re-complains about, if it is a re-complaint."""
    link = (ComplaintLink.objects.filter(source=complaint, kind=ComplaintLink.Kind.RECOMPLAINT)
            .select_related("target__responsible_unit__parent", "target__branch__parent",
                            "target__intake_unit__parent").first())
    return link.target if link else None


def unit_for(pack: Pack, original: Complaint) -> OrgUnit | None:
    """The unit that handled the original (or, resolved at intake, the branch it concerned
    or the unit that took it in); under `higher_unit` the unit above that one, if it is
    active (the top of the chart has nobody above: it keeps the work)."""
    handled = original.responsible_unit or original.branch or original.intake_unit
    if handled is None:
        return None
    above = handled.parent
    if pack.recomplaint.route == RecomplaintRoute.HIGHER_UNIT and above is not None and above.active:
        return above
    return handled


def route(pack: Pack, complaint: Complaint) -> OrgUnit | None:
    """The unit a re-complaint goes to under the pack; None for any other complaint."""
    original = original_of(complaint)
    return unit_for(pack, original) if original is not None else None
