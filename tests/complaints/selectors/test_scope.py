"""Who sees which complaint: the scope every page and API call starts from."""

import pytest

from redress.complaints.errors import NotFound
from redress.complaints.selectors.scope import get_visible, visible_complaints
from tests.conftest import at


def test_complaints_office_sees_every_complaint(org, walk):
    c = walk()
    assert list(visible_complaints(org.office)) == [c.c]


def test_handler_of_another_branch_cannot_see_the_complaint(org, walk):
    w = walk().assess().dispatch()  # dispatched to org.branch
    other = type(org.handler).objects.create_user(username="far", password="x" * 12, unit=org.branch2)
    other.roles.create(role="handler")
    assert visible_complaints(org.handler).filter(pk=w.c.pk).exists()
    assert not visible_complaints(other).filter(pk=w.c.pk).exists()


def test_missing_and_forbidden_complaints_give_the_same_error(org, walk):
    w = walk()
    outsider = type(org.handler).objects.create_user(username="far", password="x" * 12, unit=org.branch2)
    outsider.roles.create(role="handler")
    with pytest.raises(NotFound) as forbidden:
        get_visible(outsider, reference=w.c.reference)
    with pytest.raises(NotFound) as missing:
        get_visible(outsider, reference="TS-1999-000001")
    assert type(forbidden.value) is type(missing.value)


def test_intake_sees_what_their_desk_took_in_and_not_other_desks(org, walk):
    w = walk()  # taken in by org.intake at the customer service centre
    assert visible_complaints(org.intake).filter(pk=w.c.pk).exists()
    assert not visible_complaints(org.intake2).filter(pk=w.c.pk).exists()  # a branch counter


def test_callback_agent_sees_complaints_awaiting_callback_only(org, walk):
    early = walk(at(2026, 3, 2))
    done = walk(at(2026, 3, 2)).to_awaiting_callback()
    seen = set(visible_complaints(org.callback).values_list("pk", flat=True))
    assert done.c.pk in seen and early.c.pk not in seen


def test_scope_does_not_repeat_a_complaint_with_several_assignments(org, walk):
    w = walk().assess().dispatch()
    assert visible_complaints(org.dept_head).filter(pk=w.c.pk).count() == 1


def _scope_by_joins(staff):
    """The scope rules written the plain way, with joins (a row can repeat): the oracle
    the row condition for lists is checked against. None: everything."""
    from django.db.models import Q

    from redress.complaints.selectors.scope import CALLBACK_STATES, sees_everything

    if sees_everything(staff):
        return None
    roles = staff.role_set()
    q = Q(owner=staff) | Q(first_responder=staff) | Q(transfers__to_staff=staff, transfers__status="pending")
    if staff.unit_id:
        if roles & {"intake"}:
            q |= Q(intake_unit_id=staff.unit_id)
        if roles & {"handler", "dept_head"}:
            q |= Q(responsible_unit_id=staff.unit_id) | Q(assignments__unit_id=staff.unit_id)
        if "dept_head" in roles:
            q |= Q(branch_id=staff.unit_id)
    if "handler" in roles:
        q |= Q(handler=staff) | Q(assignments__handler=staff)
    if "callback" in roles:
        q |= Q(state__in=[s.value for s in CALLBACK_STATES])
    return q


def test_the_row_condition_for_lists_sees_exactly_what_the_scope_rule_says(org, walk):
    """visible_condition (EXISTS probes, for lists) and the rules written with joins
    agree for everyone in the cast, at every stage of a case."""
    from django.db.models import Q

    from redress.complaints.models import Complaint

    walk()
    walk().assess().dispatch()
    walk().assess().dispatch().accept()
    walk().to_awaiting_callback()
    for person in vars(org).values():
        if not isinstance(person, type(org.handler)):
            continue
        rule = _scope_by_joins(person)
        expected = set(Complaint.objects.filter(rule if rule is not None else Q()).values_list("pk", flat=True))
        assert set(visible_complaints(person).values_list("pk", flat=True)) == expected, person.username
