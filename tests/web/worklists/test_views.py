"""/cases/?view=...: each worklist shows the cases it promises, and nothing of another
unit's."""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.models import CalendarDay, Complaint
from redress.complaints.timesource import frozen
from tests.conftest import at


def refs(response) -> set[str]:
    """The reference numbers listed in the table."""
    import re

    return set(re.findall(r'class="ref">([A-Z]+-\d{4}-\d+)<', response.content.decode()))


def test_handler_sees_only_their_units_cases(org, walk, signed_in, yuexiu_handler):
    ours = walk(at(2026, 3, 2)).assess().dispatch().accept()
    theirs = walk(at(2026, 3, 2)).assess()
    with frozen(at(2026, 3, 2)):
        svc.complaint_dispatch(theirs.c, actor=org.office, unit=org.branch2)
        svc.assignment_accept(theirs.c, actor=yuexiu_handler)
    with frozen(at(2026, 3, 3)):
        listed = refs(signed_in("handler2").get("/cases/?view=unit"))
    assert ours.c.reference in listed
    assert theirs.c.reference not in listed


@pytest.fixture
def other_units_cases(org, walk, yuexiu_handler) -> list[Complaint]:
    """Cases of the Yuexiu branch in every condition a view picks: unassigned, being
    handled, awaiting approval, awaiting callback, due today and overdue (on 2026-03-31)."""
    def to_yuexiu(w, accept=True):
        with frozen(w.when):
            svc.complaint_dispatch(w.c, actor=org.office, unit=org.branch2)
            if accept:
                svc.assignment_accept(w.c, actor=yuexiu_handler)
        return w

    unassigned = to_yuexiu(walk(at(2026, 3, 2)).assess(), accept=False)
    handled = to_yuexiu(walk(at(2026, 3, 3)).assess())
    proposed = to_yuexiu(walk(at(2026, 3, 4)).assess())
    proposed.propose()
    called = to_yuexiu(walk(at(2026, 3, 4)).assess())
    called.propose().approve().communicate()
    return [w.c for w in (unassigned, handled, proposed, called)]


VIEWS_OF = {
    "handler": ["mine", "unit", "due_today", "due_soon", "overdue", "open"],
    "dept_head": ["mine", "unit", "unassigned", "due_today", "due_soon", "overdue", "approvals", "open"],
    "intake2": ["mine", "due_today", "due_soon", "overdue", "open"],
}


@pytest.mark.parametrize("who,view", [(w, v) for w, views in VIEWS_OF.items() for v in views])
def test_another_units_case_never_appears_in_any_view(org, signed_in, other_units_cases, who, view):
    with frozen(at(2026, 3, 31, 12)):
        response = signed_in(who).get(f"/cases/?view={view}")
        office_sees = refs(signed_in("office").get(f"/cases/?view={view}"))
    assert response.status_code == 200
    assert not refs(response) & {c.reference for c in other_units_cases}
    if view in ("unassigned", "overdue", "open"):
        assert office_sees & {c.reference for c in other_units_cases}  # the cases do qualify


def test_mine_lists_what_i_own_or_handle(org, walk, signed_in):
    handled = walk(at(2026, 3, 2)).assess().dispatch().accept()
    walk(at(2026, 3, 2)).assess().dispatch().accept(handler=org.handler2)
    with frozen(at(2026, 3, 3)):
        assert refs(signed_in("handler").get("/cases/?view=mine")) == {handled.c.reference}
        # The intake agent who took both down still owns them (首问负责制).
        assert len(refs(signed_in("intake").get("/cases/?view=mine"))) == 2


def test_unassigned_lists_the_case_no_one_accepted_yet(org, walk, signed_in):
    waiting = walk(at(2026, 3, 2)).assess().dispatch()
    walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        assert refs(signed_in("dept_head").get("/cases/?view=unassigned")) == {waiting.c.reference}


def test_overdue_view_lists_the_case_whose_clock_passed_on_a_working_weekend(org, walk, signed_in):
    # Received Monday 26 January 2026: the 20th working day is Saturday 28 February, a
    # working Saturday (调休) after the Spring Festival, not Monday 2 March.
    w = walk(at(2026, 1, 26)).assess().dispatch().accept()
    handler = signed_in("handler")
    with frozen(at(2026, 2, 28, 16)):
        assert w.c.reference in refs(handler.get("/cases/?view=due_today"))
        assert w.c.reference not in refs(handler.get("/cases/?view=overdue"))
    with frozen(at(2026, 2, 28, 17, 30)):
        response = handler.get("/cases/?view=overdue")
    assert w.c.reference in refs(response)
    assert 'class="late"' in response.content.decode()


def test_an_administrators_closed_day_moves_the_case_out_of_due_soon(org, walk, signed_in):
    CalendarDay.objects.create(date=at(2026, 3, 4).date(), working=False, reason="台风停业")
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()  # due 31 March with the closure
    with frozen(at(2026, 3, 26, 10)):  # Thursday: Fri, Mon, Tue are the next three working days
        assert w.c.reference in refs(signed_in("handler").get("/cases/?view=due_soon"))
    with frozen(at(2026, 3, 25, 10)):
        assert w.c.reference not in refs(signed_in("handler").get("/cases/?view=due_soon"))


def test_approvals_lists_proposals_my_role_may_approve_but_not_my_own(org, walk, signed_in):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept().propose()  # no money: the office approves
    with frozen(at(2026, 3, 3)):
        assert w.c.reference in refs(signed_in("office").get("/cases/?view=approvals"))
        assert w.c.reference not in refs(signed_in("cro").get("/cases/?view=approvals"))


def test_approvals_lists_extension_requests_for_the_complaints_office_but_not_their_own(org, walk, signed_in):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 20)):
        svc.extension_request(w.c, actor=org.office2, working_days=5, reason="需调取交易所记录",
                              plan="调取后答复")
        assert w.c.reference in refs(signed_in("office").get("/cases/?view=approvals"))
        assert w.c.reference not in refs(signed_in("office2").get("/cases/?view=approvals"))


def test_a_compensation_proposal_waits_for_the_chief_risk_officer(org, walk, signed_in):
    w = walk(at(2026, 3, 2), amount_claimed="5000").assess().dispatch().accept().propose(compensation="500")
    with frozen(at(2026, 3, 3)):
        listed = refs(signed_in("cro").get("/cases/?view=approvals"))
    assert w.c.reference in listed


def test_callback_agent_never_sees_the_cases_they_handled(org, walk, signed_in):
    from tests.conftest import grant

    grant(org.handler2, "callback")
    theirs = walk(at(2026, 3, 2)).assess().dispatch().accept(handler=org.handler2).propose().approve().communicate()
    other = walk(at(2026, 3, 2)).assess().dispatch().accept().propose().approve().communicate()
    with frozen(at(2026, 3, 10)):
        assert refs(signed_in("handler2").get("/cases/?view=callback")) == {other.c.reference}
        assert refs(signed_in("callback").get("/cases/?view=callback")) == {theirs.c.reference, other.c.reference}


@pytest.mark.parametrize("who,view", [("intake", "needs_me"), ("handler", "needs_me"), ("dept_head", "needs_me"),
                                      ("office", "needs_me"), ("callback", "needs_me"), ("auditor", "open")])
def test_each_role_starts_on_its_own_worklist(org, signed_in, who, view):
    response = signed_in(who, "en").get("/cases/")
    assert response.status_code == 200
    assert response.context["view"] == view


def test_a_view_the_role_does_not_have_is_refused_by_name(org, signed_in):
    response = signed_in("intake", "en").get("/cases/?view=callback")
    assert response.status_code == 400
    assert "View: Select a valid choice." in response.content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(client, org):
    response = client.get("/cases/?view=overdue")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_office_is_offered_cases_eligible_for_deemed_closure_with_the_date(org, walk, signed_in):
    eligible = walk(at(2026, 3, 2)).to_awaiting_callback().callback(satisfied=False)
    later = walk(at(2026, 3, 20)).to_awaiting_callback().callback(satisfied=False)  # eligible 20 Sep
    office = signed_in("office")
    with frozen(at(2026, 9, 2, 10)):
        response = office.get("/cases/?view=deemable")
        tabs = {t["view"]: t for t in office.get("/cases/").context["tabs"]}
    html = response.content.decode()
    assert response.status_code == 200 and refs(response) == {eligible.c.reference}
    assert "可视为办结" in html and "2026-09-02" in html
    assert tabs["deemable"]["count"] == "1"
    # The office decides, with the existing action; the case leaves the list
    with frozen(at(2026, 9, 2, 11)):
        svc.deem_closed(eligible.c, actor=org.office)
        assert refs(office.get("/cases/?view=deemable")) == set()
    with frozen(at(2026, 9, 21)):
        assert refs(office.get("/cases/?view=deemable")) == {later.c.reference}


def test_only_the_office_has_the_deemed_closure_list(org, signed_in):
    assert signed_in("handler").get("/cases/?view=deemable").status_code == 400


def test_paused_time_shows_on_the_rows_and_a_case_paused_too_long_can_be_picked_out(org, walk, signed_in):
    long = walk(at(2026, 3, 2)).assess().dispatch().accept()
    short = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        for w in (long, short):
            svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="鉴定",
                             ask_approval=True)
    with frozen(at(2026, 3, 4)):
        svc.pause_decide(long.c, actor=org.office, pause_id=long.c.pauses.get().pk, approve=True)
        svc.resume_clocks(short.c, actor=org.handler)
    with frozen(at(2026, 3, 20)):  # 13 working days paused: past cn-securities' 10
        svc.settle_pauses()
        office = signed_in("office")
        page = office.get("/cases/?view=open").content.decode()
        assert "paused-too-long" in page and "13 个工作日" in page
        assert refs(office.get("/cases/?view=open&paused=too_long")) == {long.c.reference}
        assert refs(office.get("/cases/?view=open&paused=now")) == {long.c.reference}


def test_a_pause_waiting_for_approval_is_in_the_approvers_list(org, walk, signed_in):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="鉴定", ask_approval=True)
        assert w.c.reference in refs(signed_in("office").get("/cases/?view=approvals"))
