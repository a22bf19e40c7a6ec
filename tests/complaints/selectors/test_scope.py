"""Who sees which complaint: the scope every page and API call starts from."""

from datetime import date

import pytest

from redress.complaints import period_tally
from redress.complaints import services as svc
from redress.complaints.errors import NotFound
from redress.complaints.models import Complaint, OrgUnit
from redress.complaints.selectors.scope import get_visible, unit_view_condition, visible_complaints
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.reports import statistics as stats
from redress.reports import statistics_tallied
from redress.reports.periods import Period
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


def _cases_with_work_orders_elsewhere(org, walk) -> dict:
    """Cases that someone sees by a work order alone: the unit that sent it back, the
    handler the customer then named in a complaint about them."""
    sent_back = walk(at(2026, 3, 3)).assess().dispatch().c
    with frozen(at(2026, 3, 4, 9)):
        svc.assignment_return(sent_back, actor=org.dept_head, reason="非本营业部客户")
    sent_on = walk(at(2026, 3, 3)).assess().dispatch().c
    with frozen(at(2026, 3, 4, 9)):
        svc.assignment_return(sent_on, actor=org.dept_head, reason="非本营业部客户")
        svc.complaint_dispatch(sent_on, actor=org.office, unit=org.branch2)
    named = walk(at(2026, 3, 3)).assess().dispatch().accept().c
    with frozen(at(2026, 3, 4, 9)):
        svc.party_add(named, actor=org.office, kind="employee", staff=org.handler, description="态度恶劣")
    return {"sent back": sent_back, "sent on": sent_on, "handler named": named}


def test_a_complaint_is_marked_when_a_work_order_went_elsewhere_and_only_then(org, walk):
    """Complaint.orders_elsewhere, which lets the scope skip the work-order probes, is set
    by the step that leaves a work order outside the unit and handler columns: a return
    (no unit now), a dispatch to another unit after it, the handler named in the
    complaint. Dispatched and accepted in the unit, nothing is elsewhere."""
    plain = walk(at(2026, 3, 3)).assess().dispatch()
    assert not Complaint.objects.get(pk=plain.c.pk).orders_elsewhere
    plain.accept(handler=org.handler2)  # the head names another handler: the order names them too
    assert not Complaint.objects.get(pk=plain.c.pk).orders_elsewhere
    cases = _cases_with_work_orders_elsewhere(org, walk)
    for name, c in cases.items():
        assert Complaint.objects.get(pk=c.pk).orders_elsewhere, name
    # Each is seen through that work order alone.
    assert cases["sent back"].pk in visible_complaints(org.handler2).values_list("pk", flat=True)
    assert cases["sent on"].pk in visible_complaints(org.dept_head).values_list("pk", flat=True)
    assert cases["handler named"].pk in visible_complaints(org.handler).values_list("pk", flat=True)


def test_the_row_condition_for_lists_sees_exactly_what_the_scope_rule_says(org, walk):
    """visible_condition (EXISTS probes, for lists) and the rules written with joins
    agree for everyone in the cast, at every stage of a case."""
    from django.db.models import Q

    from redress.complaints.models import Complaint

    walk()
    walk().assess().dispatch()
    walk().assess().dispatch().accept()
    walk().to_awaiting_callback()
    _cases_with_work_orders_elsewhere(org, walk)
    for person in vars(org).values():
        if not isinstance(person, type(org.handler)):
            continue
        rule = _scope_by_joins(person)
        expected = set(Complaint.objects.filter(rule if rule is not None else Q()).values_list("pk", flat=True))
        assert set(visible_complaints(person).values_list("pk", flat=True)) == expected, person.username


def test_a_unit_sees_the_same_complaints_in_its_lists_its_statistics_and_its_tallies(org, walk):
    """What a unit sees is said once (scope.UNIT_LINKS), and the lists' condition, the
    statistics' and the period tallies' units agree on every case, for the heads of a
    branch, of a desk under it and of the other branch. A work order to the desk is the
    desk's: the branch's head sees that case only when it concerns the branch."""
    desk = OrgUnit.objects.create(institution=org.branch.institution, code="branch_tianhe_desk", name="天河柜台",
                                  name_en="desk", kind=OrgUnit.Kind.DEPARTMENT, parent=org.branch)
    desk_head = type(org.handler).objects.create_user(username="desk_head", password="x" * 12, unit=desk)
    desk_head.roles.create(role="dept_head")
    far_head = type(org.handler).objects.create_user(username="far_head", password="x" * 12, unit=org.branch2)
    far_head.roles.create(role="dept_head")

    def sent_to(unit, **assessed):
        w = walk(at(2026, 3, 3)).assess(**assessed)
        with frozen(at(2026, 3, 3, 11)):
            svc.complaint_dispatch(w.c, actor=org.office, unit=unit)
        return w.c

    moved = walk(at(2026, 3, 3)).assess().dispatch().c
    with frozen(at(2026, 3, 4, 9)):
        svc.assignment_return(moved, actor=org.dept_head, reason="非本营业部客户")
        svc.complaint_dispatch(moved, actor=org.office, unit=org.branch2)
    cases = {
        "the branch's": walk(at(2026, 3, 3)).assess().dispatch().c,
        "the desk's, concerning the branch": sent_to(desk, branch=org.branch),
        "the desk's alone": sent_to(desk),
        "returned by the branch, sent to the other": moved,
        "not dispatched": walk(at(2026, 3, 3)).assess().c,
    }
    expected = {
        org.dept_head: {"the branch's", "the desk's, concerning the branch", "returned by the branch, sent to the other"},
        desk_head: {"the desk's, concerning the branch", "the desk's alone"},
        far_head: {"returned by the branch, sent to the other"},
    }
    cal = calendar_for(active_pack())
    names = {c.pk: name for name, c in cases.items()}
    seen_by = {names[pk]: f.seen_by for pk, f in period_tally.facts(names, cal).items()}
    march = Period.containing("month", date(2026, 3, 1))
    for head, sees in expected.items():
        listed = {names[pk] for pk in visible_complaints(head).values_list("pk", flat=True)}
        by_unit = {names[pk] for pk in Complaint.objects.filter(unit_view_condition(head.unit_id))
                   .values_list("pk", flat=True)}
        tallied = {name for name, units in seen_by.items() if head.unit_id in units}
        assert listed == by_unit == tallied == sees, head.username
        # Their statistics, from their unit's tallies and counted from the rows alike.
        scope = stats.Scope(head)
        assert statistics_tallied.usable(scope, [march])
        with stats.transaction.atomic():
            from_tallies = statistics_tallied.TalliedPasses(scope, [march], at(2026, 4, 1), cal).figures(0)
            from_rows = stats._Passes(scope, [march], at(2026, 4, 1), cal).figures(0)
        assert from_tallies["received"].value == from_rows["received"].value == len(sees), head.username


@pytest.mark.parametrize("listed_up_to", [1000, 0])
def test_a_list_within_a_condition_sees_what_the_probes_see(org, walk, monkeypatch, listed_up_to):
    """A list confined to cases work orders seldom reach (the register's cases without a
    unit, its inquiries) reads the person's work orders within it first, as ids
    (visible_condition's `within`): it sees exactly what the probes see, for everyone in
    the cast, among them a case the branch sent back to the office (no unit now, the
    branch's by its work order); past the cap the probes again."""
    from django.db.models import Q

    from redress.complaints.selectors import scope

    monkeypatch.setattr(scope, "ORDERS_LISTED_UP_TO", listed_up_to)
    walk()
    walk().assess().dispatch()
    walk().assess().dispatch().accept()
    walk().to_awaiting_callback()
    sent_back = walk(at(2026, 3, 3)).assess().dispatch().c
    with frozen(at(2026, 3, 4, 9)):
        svc.assignment_return(sent_back, actor=org.dept_head, reason="非本营业部客户")
    for within in (Q(responsible_unit__isnull=True), Q(kind=Complaint.Kind.COMPLAINT)):
        for person in vars(org).values():
            if not isinstance(person, type(org.handler)):
                continue
            probed = set(visible_complaints(person).filter(within).values_list("pk", flat=True))
            listed = set(visible_complaints(person, within=within).filter(within).values_list("pk", flat=True))
            assert listed == probed, person.username
    assert sent_back.pk in visible_complaints(org.handler, within=Q(responsible_unit__isnull=True)).values_list(
        "pk", flat=True)


def test_the_indexes_a_list_walks_to_its_end_carry_every_column_the_scope_tests(org, walk):
    """Migration 0044's SCOPE_COLUMNS (INCLUDEd in the partial indexes a handler's list
    walks to its end) names every column of the complaint row the scope's rules test,
    for everyone in the cast, inside its work-order probes too (the flag they test
    first): a column left out would send the walk back to the table."""
    import importlib
    import re

    from redress.complaints.selectors.scope import visible_condition

    carried = importlib.import_module("redress.complaints.migrations.0044_complaint_orders_elsewhere").SCOPE_COLUMNS
    walk().assess().dispatch()
    for person in vars(org).values():
        if isinstance(person, type(org.handler)) and (q := visible_condition(person)) is not None:
            sql = str(Complaint.objects.filter(q).values("pk").query)
            where = sql[sql.index(" WHERE "):]
            tested = set(re.findall(r'"complaints_complaint"\."(\w+)"', where)) - {"id"}
            assert tested and tested <= set(carried), (person.username, tested - set(carried))
