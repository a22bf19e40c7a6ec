"""selectors.decisions: what waits for a person's decision is what the services will
let them decide, and the dashboard's count is the approvals worklist's."""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted
from redress.complaints.models import Complaint, Staff
from redress.complaints.selectors import decisions
from redress.complaints.selectors import worklists as wl
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from tests.conftest import at, grant


def waiting_for(staff) -> set[str]:
    pack = active_pack()
    return set(Complaint.objects.filter(decisions.awaiting_decision(staff, pack)).values_list("reference", flat=True))


def head_of_other_branch_who_is_also(org, role: str) -> Staff:
    head = Staff.objects.create_user(username="head2", password="x" * 12, unit=org.branch2, display_name="head2")
    grant(head, "dept_head")
    grant(head, role)
    return head


def test_department_head_is_asked_to_decide_a_small_proposal_of_their_own_unit(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept().propose()  # approvers: dept_head, complaints_office
    assert w.c.reference in waiting_for(org.dept_head)


def test_department_head_who_is_also_cro_is_not_asked_for_another_branchs_small_proposal(org, walk):
    """The CRO role is not among this proposal's approvers, so only the department-head
    rule could let them decide it, and that rule is for their own unit
    (services.resolution_decide refuses them: the list must not offer it)."""
    w = walk(at(2026, 3, 2)).assess().dispatch().accept().propose()
    head = head_of_other_branch_who_is_also(org, "cro")
    assert w.c.reference not in waiting_for(head)
    with frozen(at(2026, 3, 3)), pytest.raises(NotPermitted):
        svc.resolution_decide(w.c, actor=head, approve=True)


def test_department_head_who_is_also_in_the_complaints_office_decides_for_any_branch(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept().propose()
    head = head_of_other_branch_who_is_also(org, "complaints_office")
    assert w.c.reference in waiting_for(head)
    with frozen(at(2026, 3, 3)):
        svc.resolution_decide(w.c, actor=head, approve=True)
    assert Complaint.objects.get(pk=w.c.pk).state == "approved"


def test_nobody_is_asked_to_decide_their_own_proposal(org, walk):
    grant(org.handler, "complaints_office")
    w = walk(at(2026, 3, 2)).assess().dispatch().accept().propose()  # proposed by the handler
    assert w.c.reference not in waiting_for(org.handler)
    assert w.c.reference in waiting_for(org.office)


def test_dashboard_counts_what_the_approvals_worklist_lists_extension_requests_included(org, walk, client):
    proposed = walk(at(2026, 3, 2)).assess().dispatch().accept().propose()
    extended = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 20)):
        svc.extension_request(extended.c, actor=org.handler, working_days=5, reason="需调取交易所记录",
                              plan="调取后答复")
        moment = wl.Moment(now=at(2026, 3, 20), cal=calendar_for(active_pack()))
        listed = set(wl.in_view(org.office, wl.APPROVALS, moment, active_pack()).values_list("reference", flat=True))
        client.force_login(org.office)
        groups = {g["code"]: g for g in client.get("/").context["groups"]}
    assert listed == waiting_for(org.office) == {proposed.c.reference, extended.c.reference}
    assert groups["approvals"]["count"] == 2
    assert {c.reference for c in groups["approvals"]["items"]} == listed
