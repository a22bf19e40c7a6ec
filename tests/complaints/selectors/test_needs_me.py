""""Needs my action" agrees with the services: for every member of the cast and every
case they may see, the case is on their list exactly when the service of its next step
would let them take it now. The services are run for real (and rolled back), so the
list cannot drift from the rules it says it is made of."""

from __future__ import annotations

import pytest
from django.db import transaction

from redress.complaints import services as svc
from redress.complaints.duties import NEXT_STEP
from redress.complaints.errors import NotPermitted
from redress.complaints.lifecycle import Action, State
from redress.complaints.selectors import worklists as wl
from redress.complaints.selectors.scope import visible_complaints
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from tests.conftest import at, complaint_input

NOW = at(2026, 3, 20, 10)
CAST = ("intake", "intake2", "marketer", "handler", "handler2", "dept_head", "office", "office2", "cro", "senior",
        "callback", "compliance", "auditor")


def moment():
    return wl.Moment(now=NOW, cal=calendar_for(active_pack()))


class RolledBack(Exception):
    pass


def _try(action: Action, c, who) -> bool:
    """Would the next step's service take `who`'s action? (Nothing is kept either way.)"""
    a = Action
    call = {
        a.REGISTER: lambda: svc.complaint_register(c, actor=who),
        a.ASSESS: lambda: svc.complaint_assess(c, actor=who, category="counter", severity="medium"),
        a.DISPATCH: lambda: svc.complaint_dispatch(c, actor=who),
        a.ACCEPT_ASSIGNMENT: lambda: svc.assignment_accept(c, actor=who),
        a.PROPOSE: lambda: svc.resolution_propose(c, actor=who, summary="说明规则", facts="废单", responsibility="customer",
                                                  legal_basis="交易规则"),
        a.APPROVE: lambda: svc.resolution_decide(c, actor=who, approve=True),
        a.COMMUNICATE_RESULT: lambda: svc.result_communicate(c, actor=who, channel="phone", body="经核实,依据交易规则。"),
        a.RECORD_CALLBACK: lambda: svc.callback_record(c, actor=who, satisfied=True),
    }[action]
    try:
        with frozen(NOW), transaction.atomic():
            call()
            raise RolledBack
    except RolledBack:
        return True
    except NotPermitted:
        return False


@pytest.fixture
def cases(org, walk):
    """A case waiting at each step of the normal path, taken in by org.intake."""
    with frozen(at(2026, 3, 2, 9)):
        received = svc.complaint_receive(actor=org.intake, data=complaint_input(), register=False)
    registered = walk(at(2026, 3, 2, 10)).c
    assessed = walk(at(2026, 3, 2, 11)).assess().c
    dispatched = walk(at(2026, 3, 3)).assess().dispatch().c
    to_handler2 = walk(at(2026, 3, 3, 11)).assess()
    with frozen(at(2026, 3, 3, 11)):
        svc.complaint_dispatch(to_handler2.c, actor=org.office, handler=org.handler2)
    investigating = walk(at(2026, 3, 4)).assess().dispatch().accept().c
    proposed = walk(at(2026, 3, 5)).assess().dispatch().accept().propose().c
    approved = walk(at(2026, 3, 6)).assess().dispatch().accept().propose().approve().c
    awaiting = walk(at(2026, 3, 9)).to_awaiting_callback().c
    return [received, registered, assessed, dispatched, to_handler2.c, investigating, proposed, approved, awaiting]


def test_the_list_holds_exactly_the_cases_whose_next_step_the_service_lets_each_person_take(org, cases):
    pack, checked = active_pack(), 0
    for who in CAST:
        person = getattr(org, who)
        listed = set(wl.in_view(person, wl.NEEDS_ME, moment(), pack).values_list("pk", flat=True))
        for c in visible_complaints(person).filter(pk__in=[x.pk for x in cases]):
            allowed = _try(NEXT_STEP[State(c.state)], c, person)
            assert (c.pk in listed) == allowed, (who, c.state, allowed)
            checked += 1
    assert checked > 40  # most of the cast sees most of the cases


def test_each_role_finds_its_own_step(org, cases):
    received, registered, assessed, dispatched, to_handler2, investigating, proposed, approved, awaiting = cases

    def needs(who):
        return set(wl.in_view(getattr(org, who), wl.NEEDS_ME, moment(), active_pack()).values_list("pk", flat=True))

    assert {received.pk, registered.pk, assessed.pk} <= needs("office")
    assert {dispatched.pk, investigating.pk} <= needs("handler") and to_handler2.pk not in needs("handler")
    assert to_handler2.pk in needs("handler2") and to_handler2.pk in needs("dept_head")
    assert needs("callback") == {awaiting.pk}
    # the intake agent owns every case (首问负责制): the result of the approved one is theirs to tell
    assert needs("intake") == {received.pk, registered.pk, approved.pk}
    assert needs("marketer") == set() and needs("auditor") == set()


def test_opened_by_me_is_what_i_took_in_and_others_work_on(org, cases):
    received, registered, assessed, dispatched, to_handler2, investigating, proposed, approved, awaiting = cases
    opened = set(wl.in_view(org.intake, wl.OPENED, moment(), active_pack()).values_list("pk", flat=True))
    assert opened == {assessed.pk, dispatched.pk, to_handler2.pk, investigating.pk, proposed.pk, awaiting.pk}
    # As the dashboard asks: "needs my action" first, read once, then its complement from the same ids.
    same = moment()
    needed = set(wl.in_view(org.intake, wl.NEEDS_ME, same, active_pack()).values_list("pk", flat=True))
    assert set(wl.in_view(org.intake, wl.OPENED, same, active_pack()).values_list("pk", flat=True)) == opened
    assert needed == {received.pk, registered.pk, approved.pk} and not needed & opened


def test_the_offices_triage_queue_is_what_waits_to_be_registered_assessed_or_dispatched(org, cases):
    received, registered, assessed, *_ = cases
    triage = wl.in_view(org.office, wl.TRIAGE, moment(), active_pack())
    assert set(triage.values_list("pk", flat=True)) == {received.pk, registered.pk, assessed.pk}
    assert wl.TRIAGE in wl.views_for(org.office, active_pack())
    assert wl.TRIAGE not in wl.views_for(org.handler, active_pack())


def test_a_named_employee_is_offered_nothing_about_the_case_that_names_them(org, walk):
    w = walk(at(2026, 3, 4)).assess().dispatch()
    with frozen(at(2026, 3, 4)):
        svc.party_add(w.c, actor=org.office, kind="employee", staff=org.handler, description="经手人")
    assert not wl.in_view(org.handler, wl.NEEDS_ME, moment(), active_pack()).filter(pk=w.c.pk).exists()
    assert wl.in_view(org.handler2, wl.NEEDS_ME, moment(), active_pack()).filter(pk=w.c.pk).exists()
