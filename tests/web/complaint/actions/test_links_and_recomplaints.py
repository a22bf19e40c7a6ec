"""Re-complaints and links: the two actions whose services take no version, so the form
checks the version it was opened at itself."""

from __future__ import annotations

from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint, ComplaintLink
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.complaint.actions.conftest import action_url, events


def test_recomplaint_opens_a_new_linked_complaint_and_lands_on_it(org, walk, signed_in, send):
    # Given the customer was not satisfied at the callback
    w = walk().to_awaiting_callback().callback(satisfied=False)
    assert w.c.state == State.FOLLOW_UP
    with frozen(at(2026, 3, 5)):
        # When the call centre takes the re-complaint
        r = send(signed_in("intake"), w.c, "recomplain", cause="仍不认可废单说明,要求上级部门复查", channel="phone")
    # Then a new complaint exists, linked to the original, and the agent lands on it
    new = Complaint.objects.exclude(pk=w.c.pk).get()
    assert r.status_code == 302 and r.url == new.get_absolute_url()
    assert ComplaintLink.objects.filter(source=new, target=w.c, kind="recomplaint").exists()
    w.c.refresh_from_db()
    assert w.c.state == State.CLOSED and events(w.c)[-1] == E.RECOMPLAINED


def test_link_form_refuses_a_stale_version_and_an_invisible_reference(org, walk, signed_in, send):
    first, second = walk().assess(), walk().assess()
    office, intake2 = signed_in("office"), signed_in("intake2", "en")
    with frozen(at(2026, 3, 3)):
        # an intake agent of the branch cannot link to a complaint they may not see
        r = send(intake2, first.c, "link", other=second.c.reference, kind="related")
        assert r.status_code == 404  # nor open the first one, taken at the call centre
        r = send(office, first.c, "link", version=first.c.version - 1, other=second.c.reference, kind="related")
        assert r.status_code == 409 and "投诉已被更改" in r.content.decode()
        r = send(office, first.c, "link", other="TS-2026-999999", kind="related")
        assert "没有您可查看的投诉 TS-2026-999999" in r.content.decode()
        r = send(office, first.c, "link", other=second.c.reference.lower(), kind="duplicate")
    assert r.status_code == 302
    assert ComplaintLink.objects.filter(source=first.c, target=second.c, kind="duplicate").exists()
    assert events(first.c)[-1] == E.LINKED


def test_the_dispatch_form_of_a_re_complaint_names_where_the_policy_sends_it(org, walk, signed_in, send):
    # Given a re-complaint about a case the Tianhe branch handled, assessed by the office
    w = walk().to_awaiting_callback().callback(satisfied=True)
    with frozen(at(2026, 3, 5)):
        send(signed_in("intake"), w.c, "recomplain", cause="仍不认可处理结果", channel="letter")
    new = Complaint.objects.exclude(pk=w.c.pk).get()
    office = signed_in("office")
    with frozen(at(2026, 3, 5, 11)):
        r = send(office, new, "assess", category="counter", severity="medium", urgency="normal")
        assert r.status_code == 302
        # When the office opens the dispatch form, the empty choice names the unit above
        page = office.get(action_url(new, "dispatch")).content.decode()
        assert "按制度的再投诉流转:零售客户总部" in page
        # and sending it without choosing one sends the work order there
        assert send(office, new, "dispatch", unit="", handler="", instructions="").status_code == 302
    new.refresh_from_db()
    assert new.state == State.DISPATCHED and new.responsible_unit == org.hq
