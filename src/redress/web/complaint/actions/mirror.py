"""Who may plausibly take an action: the services' role rules, mirrored cheaply so the
page offers only buttons that can work. This is never the permission check — the
service checks everything again, inside its transaction — so a rule mirrored a little
too generously costs a refusal with its reason, never a wrong change.

At most five small queries, each only when the state makes it relevant: the pending
proposal, the waiting extension request, the clocks, a hand-over waiting for this person,
a remedy still owed (the office, in the states a remedy can be waived in).
"""

from __future__ import annotations

from functools import cached_property

from redress.complaints.duties import INSPECTING_ROLES
from redress.complaints.models import Complaint, Staff
from redress.complaints.selectors import remedies as owed
from redress.complaints.services.pausing import working_roles
from redress.policy.schema import Pack

OFFICE = "complaints_office"
HANDLING = ("handler", "dept_head")
READ_ONLY = INSPECTING_ROLES  # SPEC §1: they inspect, they do not work cases


class Who:
    def __init__(self, staff: Staff, complaint: Complaint, pack: Pack):
        self.staff, self.c, self.pack = staff, complaint, pack
        self.roles = staff.role_set()

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def me(self) -> int:
        return self.staff.pk

    def in_responsible_unit(self) -> bool:
        return (self.has(*HANDLING) and self.staff.unit_id is not None
                and self.staff.unit_id == self.c.responsible_unit_id and not self.staff.is_marketing)

    def may_accept(self) -> bool:
        """services.handling.assignment_accept: a work order sent to a person is theirs (or the head's)."""
        return self.in_responsible_unit() and (self.c.handler_id in (None, self.me) or self.has("dept_head"))

    def handles(self) -> bool:
        """services.handling._ensure_handling: the handler, or the head of the unit."""
        if self.staff.is_marketing:
            return False
        return self.c.handler_id == self.me or (self.has("dept_head")
                                                 and self.staff.unit_id == self.c.responsible_unit_id)

    def may_waive_remedy(self) -> bool:
        """services.remedies.remedy_waive: the office, while a remedy is still owed."""
        return self.has(OFFICE) and owed.outstanding(self.c.remedies.all()).exists()

    def works_on(self) -> bool:
        return bool(self.roles - READ_ONLY)

    @cached_property
    def pending_proposal(self) -> dict | None:
        return (self.c.proposals.filter(status="pending").order_by("-id")
                .values("proposed_by_id", "approver_roles").first())

    def may_decide_proposal(self) -> bool:
        p = self.pending_proposal
        if p is None or p["proposed_by_id"] == self.me:
            return False
        mine = self.roles & set(p["approver_roles"])
        if mine == {"dept_head"} and self.staff.unit_id != self.c.responsible_unit_id:
            return False  # a department head decides for their own unit only
        return bool(mine)

    @cached_property
    def waiting_extension_by(self) -> int | None:
        return self.c.extensions.filter(status="requested").values_list("requested_by_id", flat=True).first()

    def may_request_extension(self) -> bool:
        return (self.pack.extension is not None and self.has(*HANDLING, OFFICE)
                and self.waiting_extension_by is None)

    def may_decide_extension(self) -> bool:
        policy = self.pack.extension
        return (policy is not None and self.has(*[str(r) for r in policy.approver_roles])
                and self.waiting_extension_by not in (None, self.me))

    @cached_property
    def clock_states(self) -> set[str]:
        return set(self.c.clocks.values_list("status", flat=True))

    def may_pause(self) -> bool:
        """services.pausing: the pack lets clocks pause, and this person works the case in a
        role the pack allows."""
        policy = self.pack.pausing
        return (policy is not None and "running" in self.clock_states and not self.staff.is_marketing
                and bool(set(working_roles(self.staff, self.c)) & {str(r) for r in policy.roles}))

    def may_resume(self) -> bool:
        return "paused" in self.clock_states and bool(working_roles(self.staff, self.c))

    @cached_property
    def undecided_pause_by(self) -> int | None:
        return (self.c.pauses.filter(ended_at=None).exclude(approval__in=("approved", "refused"))
                .values_list("paused_by_id", flat=True).first())

    def may_decide_pause(self) -> bool:
        policy = self.pack.pausing
        return (policy is not None and self.has(*[str(r) for r in policy.approver_roles])
                and self.undecided_pause_by not in (None, self.me))

    @cached_property
    def transfer_waits_for_me(self) -> bool:
        return self.c.transfers.filter(status="pending", to_staff_id=self.me).exists()

    @cached_property
    def open_reports(self) -> bool:
        return self.c.authority_reports.filter(status="open").exists()

    def may_record_report(self) -> bool:
        """services.reports.authority_report_record: the pack's recorder roles."""
        recorders = [str(r) for r in self.pack.authority_reports.recorder_roles]
        return self.has(*recorders) and self.open_reports

    def owns(self) -> bool:
        return self.c.owner_id == self.me

    def is_handler(self) -> bool:
        return self.c.handler_id == self.me
