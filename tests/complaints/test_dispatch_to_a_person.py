"""The complaints office sends a work order to a person as well as to a unit (issue 12
item 2): through the service, with its ledger event, told to that person, and guarded."""

from __future__ import annotations

import json

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, StaleComplaint, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.models import Assignment, Event, Staff, StaffRole
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from tests.conftest import at

WHEN = at(2026, 3, 3, 10)


def dispatch(c, actor, **kw):
    with frozen(WHEN):
        return svc.complaint_dispatch(c, actor=actor, **kw)


def test_office_dispatches_to_a_handler_who_is_told_in_person(org, walk):
    c = walk(WHEN).assess().c
    order = dispatch(c, org.office, handler=org.handler2)
    c.refresh_from_db()
    # The work order names the person; the case is theirs and their unit's
    assert (order.handler, order.unit, order.status) == (org.handler2, org.branch, Assignment.Status.OPEN)
    assert (c.state, c.handler, c.responsible_unit) == ("dispatched", org.handler2, org.branch)
    event = Event.objects.filter(complaint=c, type=EventType.DISPATCHED).get()
    assert json.loads(event.payload)["handler"] == org.handler2.pk
    told = OutboxMessage.objects.filter(complaint=c, kind="assignment_new")
    assert [(m.to_staff, m.to_role) for m in told] == [(org.handler2, "")]


def test_a_person_in_another_unit_than_the_one_named_is_refused_and_nothing_written(org, walk):
    c = walk(WHEN).assess().c
    with pytest.raises(ValidationFailed) as refused:
        dispatch(c, org.office, unit=org.branch2, handler=org.handler)
    assert (refused.value.field, refused.value.rule) == ("handler", f"{org.handler.username} is not in unit branch_yuexiu")
    c.refresh_from_db()
    assert c.state == "assessed" and not Assignment.objects.filter(complaint=c).exists()


@pytest.mark.parametrize("who", ["intake", "marketer", "office2"])
def test_only_a_handler_or_department_head_may_be_sent_a_work_order(org, walk, who):
    c = walk(WHEN).assess().c
    with pytest.raises(ValidationFailed) as refused:
        dispatch(c, org.office, handler=getattr(org, who))
    assert (refused.value.field, refused.value.rule) == ("handler", f"{getattr(org, who).username} has no handler role")


def test_a_deactivated_handler_or_one_of_no_unit_is_not_sent_a_work_order(org, walk):
    c = walk(WHEN).assess().c
    org.handler2.is_active = False
    org.handler2.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed) as refused:
        dispatch(c, org.office, handler=org.handler2)
    assert (refused.value.field, refused.value.rule) == ("handler", f"{org.handler2.username} is deactivated")
    nowhere = Staff.objects.create_user(username="handler.nowhere", password="x" * 12, display_name="nowhere")
    StaffRole.objects.create(staff=nowhere, role="handler")
    with pytest.raises(ValidationFailed) as refused:
        dispatch(c, org.office, handler=nowhere)
    assert (refused.value.field, refused.value.rule) == ("handler", "handler.nowhere belongs to no unit")
    c.refresh_from_db()
    assert c.state == "assessed" and not Assignment.objects.filter(complaint=c).exists()


def test_an_employee_the_complaint_names_is_not_sent_it(org, walk):
    c = walk(WHEN).assess().c
    with frozen(WHEN):
        svc.party_add(c, actor=org.office, kind="employee", staff=org.handler2, description="经手人")
    with pytest.raises(ValidationFailed, match="001 第十四条") as refused:
        dispatch(c, org.office, handler=org.handler2)
    assert refused.value.field == "handler"


def test_a_colleague_may_not_accept_a_work_order_sent_to_someone_else(org, walk):
    c = walk(WHEN).assess().c
    dispatch(c, org.office, handler=org.handler2)
    with frozen(WHEN), pytest.raises(NotPermitted, match="handler2"):
        svc.assignment_accept(c, actor=org.handler)
    # The person sent it accepts; so may the head, who keeps the person as handler
    with frozen(WHEN):
        svc.assignment_accept(c, actor=org.dept_head)
    c.refresh_from_db()
    assert (c.state, c.handler) == ("investigating", org.handler2)


def test_returned_work_order_to_a_person_goes_back_to_the_office(org, walk):
    c = walk(WHEN).assess().c
    dispatch(c, org.office, handler=org.handler2)
    with frozen(WHEN):
        svc.assignment_return(c, actor=org.handler2, reason="不属本部门")
    c.refresh_from_db()
    assert (c.state, c.handler, c.responsible_unit) == ("assessed", None, None)


def test_the_role_is_checked_before_the_version(org, walk):
    """A stale form sent by someone without the role is refused for the role (403), never
    told that the case changed (409)."""
    c = walk(WHEN).assess().c
    old = c.version
    with frozen(WHEN):
        svc.complaint_assess(c, actor=org.office, category="counter", severity="high")
    with pytest.raises(NotPermitted):
        dispatch(c, org.handler, expected_version=old)
    with pytest.raises(StaleComplaint):
        dispatch(c, org.office, expected_version=old)
    c.refresh_from_db()
    assert c.state == "assessed" and not Assignment.objects.filter(complaint=c).exists()
