"""Who reaches the action forms, and which buttons each person is offered."""

from __future__ import annotations

import pytest

from redress.complaints.models import Staff, StaffRole
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.registry import action_url, available_actions
from redress.web.complaint.actions.table import SPECS
from tests.conftest import at
from tests.web.complaint.actions.conftest import events


@pytest.fixture
def other_branch(org):
    """A handler and a department head of 越秀营业部, which has nothing to do with the case."""
    people = []
    for name, role in (("yuexiu_handler", "handler"), ("yuexiu_head", "dept_head")):
        person = Staff.objects.create_user(username=name, password="x" * 12, unit=org.branch2, display_name=name)
        StaffRole.objects.create(staff=person, role=role)
        people.append(person)
    return people


def test_another_branch_gets_404_for_every_action_url(org, walk, signed_in, other_branch, client):
    # Given a case of 天河营业部 under investigation
    w = walk().assess().dispatch().accept()
    before = events(w.c)
    for person in other_branch:
        client.force_login(person)
        # When someone of another branch opens or sends any action form
        with frozen(at(2026, 3, 3)):
            for action in SPECS:
                url = action_url(w.c, action.value)
                # Then it does not exist for them, whatever the action
                assert client.get(url).status_code == 404, action
                assert client.post(url, {"version": w.c.version, "reason": "x", "note": "x"}).status_code == 404, action
                assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404, action
            assert client.post(f"/complaints/{w.c.reference}/act/check-phrases/", {"body": "不可能"}).status_code == 404
    # And a reference that does not exist is the same 404
    assert client.get("/complaints/TS-2026-999999/act/assess/").status_code == 404
    assert events(w.c) == before


def test_signed_out_visitors_are_sent_to_sign_in(walk, client):
    w = walk()
    r = client.get(action_url(w.c, "assess"))
    assert r.status_code == 302 and "/login" in r.url


def test_an_unknown_action_is_404(walk, signed_in):
    w = walk()
    assert signed_in("office").get(f"/complaints/{w.c.reference}/act/view_personal_data/").status_code == 404
    assert signed_in("office").get(f"/complaints/{w.c.reference}/act/no_such_thing/").status_code == 404


def test_each_person_is_offered_the_next_step_of_their_part(org, walk):
    # Given a case the handler is investigating
    w = walk().assess().dispatch().accept()
    codes = lambda person: [a.code for a in available_actions(person, w.c)]  # noqa: E731
    # Then the handler's first button is the proposal, marked primary, in their language
    first = available_actions(org.handler, w.c)[0]
    assert (first.code, first.primary, first.url) == ("propose", True, f"/complaints/{w.c.reference}/act/propose/")
    assert {"add_finding", "record_contact", "request_extension"} <= set(codes(org.handler))
    # the second handler of the unit, not named on the case, may not work it
    assert "propose" not in codes(org.handler2)
    # the office supervises but does not propose; the callback comes later
    assert "propose" not in codes(org.office) and "request_extension" in codes(org.office)
    assert "record_callback" not in codes(org.callback)
    # the page never offers what it or the sweep does itself
    assert not {"view_personal_data", "mark_breach"} & set(codes(org.office))
