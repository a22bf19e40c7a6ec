"""Re-complaints (004 第七条(七)): a customer who does not accept how an earlier complaint
ended complains again. The first responder starts a new complaint from the old one,
whatever state it ended in; the new one is taken on today's channel with the sum claimed
now, is linked to the original, and its work order goes where the pack sends
re-complaints (a higher department under 004 and the securities pack)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import translation

from redress.complaints import services as svc
from redress.complaints.errors import InvalidTransition, NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint, ComplaintLink, Event
from redress.complaints.selectors.customers import finished_complaints_of
from redress.complaints.services import recomplaint_route
from redress.complaints.services.lookups import look_up
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.policy.schema import RecomplaintRoute
from tests.conftest import at, complaint_input

CAUSE = "客户不认可上次的处理结果,认为手续费应全额退还"


def archived(org, walk):
    w = walk().to_awaiting_callback().callback(satisfied=True)
    with frozen(at(2026, 3, 3)):
        svc.complaint_archive(w.c, actor=org.office, root_cause="customer_misunderstanding")
    w.c.refresh_from_db()
    assert w.c.state == State.ARCHIVED
    return w.c


def recomplain(original, actor, **kw):
    kw.setdefault("cause", CAUSE)
    kw.setdefault("channel", "walk_in")
    with frozen(at(2026, 4, 1, 10)):
        return svc.complaint_recomplain(original, actor=actor, **kw)


def test_an_archived_case_takes_a_re_complaint_on_todays_channel_with_the_sum_claimed_now(org, walk):
    original = archived(org, walk)
    assert original.channel == "phone"

    new = recomplain(original, org.intake, channel="walk_in", amount_claimed="1,500")

    assert new.state == State.REGISTERED and new.customer_id == original.customer_id
    assert new.channel == "walk_in"  # today's, not the original's phone
    assert new.amount_claimed == Decimal("1500.00")
    assert new.cause == CAUSE and original.reference in new.subject
    assert ComplaintLink.objects.get(source=new, kind="recomplaint").target == original
    original.refresh_from_db()
    assert original.state == State.ARCHIVED  # the archive stays as it was
    event = Event.objects.get(complaint=original, type=EventType.RECOMPLAINED)
    assert event.actor == org.intake
    said = json.loads(event.payload)
    assert said["new_reference"] == new.reference and said["channel"] == "walk_in"
    assert said["route_to"] == org.hq.code
    assert new.issued_access_code  # the receipt can read the portal code out once


def test_no_sum_claimed_now_is_none_not_the_originals(org, walk):
    w = walk(amount_claimed="300").assess().dispatch().accept().propose()
    w.approve(by=org.cro).communicate().callback(satisfied=True)  # a claim: an economic dispute
    new = recomplain(w.c, org.intake)
    assert w.c.amount_claimed == Decimal("300.00") and new.amount_claimed is None


@pytest.mark.parametrize("ended", ["closed", "deemed_closed", "resolved_on_spot"])
def test_every_way_a_case_ends_with_an_outcome_allows_one(org, walk, ended):
    if ended == "resolved_on_spot":
        with frozen(at(2026, 3, 2)):
            original = svc.complaint_receive(actor=org.intake, data=complaint_input())
            svc.resolve_on_spot(original, actor=org.intake, resolution="当场解释了手续费标准,客户表示接受")
    else:
        w = walk().to_awaiting_callback().callback(satisfied=ended == "closed")
        if ended == "deemed_closed":
            with frozen(at(2026, 9, 3, 11)):
                svc.deem_closed(w.c, actor=org.office)
        original = w.c
    original.refresh_from_db()
    assert original.state == ended
    new = recomplain(original, org.intake)
    assert ComplaintLink.objects.filter(source=new, target=original, kind="recomplaint").exists()


def test_the_work_order_goes_to_the_unit_above_the_one_that_handled_the_original(org, walk):
    original = archived(org, walk)
    assert original.responsible_unit == org.branch and org.branch.parent == org.hq
    assert active_pack().recomplaint.route == RecomplaintRoute.HIGHER_UNIT
    new = recomplain(original, org.intake)
    with frozen(at(2026, 4, 1, 11)):
        svc.complaint_assess(new, actor=org.office, category="counter", severity="medium")
        order = svc.complaint_dispatch(new, actor=org.office)  # no unit named: the pack routes it
    assert order.unit == org.hq
    new.refresh_from_db()
    assert new.responsible_unit == org.hq


def test_the_office_may_still_name_the_unit(org, walk):
    new = recomplain(archived(org, walk), org.intake)
    with frozen(at(2026, 4, 1, 11)):
        svc.complaint_assess(new, actor=org.office, category="counter", severity="medium")
        order = svc.complaint_dispatch(new, actor=org.office, unit=org.branch2)
    assert order.unit == org.branch2


def test_a_pack_that_keeps_re_complaints_in_the_same_unit(org, walk, settings, tmp_path):
    path = tmp_path / "institution.yaml"
    path.write_text("extends: cn-securities\ncode: example-securities\nrecomplaint:\n  route: same_unit\n",
                    encoding="utf-8")
    settings.REDRESS_POLICY = str(path)
    new = recomplain(archived(org, walk), org.intake)
    with frozen(at(2026, 4, 1, 11)):
        svc.complaint_assess(new, actor=org.office, category="counter", severity="medium")
        order = svc.complaint_dispatch(new, actor=org.office)
    assert order.unit == org.branch


def test_the_top_of_the_chart_keeps_the_work(org, walk):
    w = walk().assess()
    with frozen(w.when):
        svc.complaint_dispatch(w.c, actor=org.office, unit=org.hq)
    original = Complaint.objects.get(pk=w.c.pk)
    assert recomplaint_route.unit_for(active_pack(), original) == org.hq


def test_the_futures_pack_routes_re_complaints_higher_citing_004(settings):
    settings.REDRESS_POLICY = "cn-futures"
    assert active_pack().recomplaint.route == RecomplaintRoute.HIGHER_UNIT


def test_an_open_case_is_refused_with_what_to_do_instead(org, walk):
    w = walk().assess().dispatch().accept()
    assert w.c.state == State.INVESTIGATING
    before = Complaint.objects.count()
    with pytest.raises(InvalidTransition) as err:
        recomplain(w.c, org.intake)
    assert w.c.reference in err.value.message and "still being handled" in err.value.message
    with translation.override("zh-hans"), pytest.raises(InvalidTransition) as err:
        recomplain(w.c, org.intake)
    assert "仍在处理中" in err.value.message
    assert Complaint.objects.count() == before
    assert not Event.objects.filter(type=EventType.RECOMPLAINED).exists()


def test_a_role_that_does_not_take_complaints_is_refused_and_nothing_is_kept(org, walk):
    original = archived(org, walk)
    before = Complaint.objects.count()
    for who in (org.callback, org.handler, org.compliance):
        with pytest.raises(NotPermitted) as err:
            recomplain(original, who)
        assert err.value.roles_wanted == ["intake", "complaints_office"]
    with translation.override("zh-hans"), pytest.raises(NotPermitted) as err:
        recomplain(original, org.callback)
    assert err.value.message.startswith("受理再次投诉")
    assert Complaint.objects.count() == before
    assert not ComplaintLink.objects.exists()


@pytest.mark.parametrize(("given", "field"), [
    ({"channel": ""}, "channel"),
    ({"channel": "pigeon"}, "channel"),
    ({"cause": "  "}, "cause"),
    ({"amount_claimed": "一千"}, "amount_claimed"),
    ({"amount_claimed": "-5"}, "amount_claimed"),
])
def test_bad_input_names_the_field_and_keeps_nothing(org, walk, given, field):
    original = archived(org, walk)
    before = (Complaint.objects.count(), Event.objects.count(), original.version)
    with pytest.raises(ValidationFailed) as err:
        recomplain(original, org.intake, **given)
    assert err.value.field == field
    original.refresh_from_db()
    assert (Complaint.objects.count(), Event.objects.count(), original.version) == before


def test_the_lookup_lists_the_customers_finished_complaints_and_which_can_be_re_complained(org, walk):
    original = archived(org, walk)
    with frozen(at(2026, 3, 4)):
        withdrawn = svc.complaint_receive(actor=org.intake2, data=complaint_input(), register=True)
        svc.complaint_withdraw(withdrawn, actor=org.intake2, reason="客户撤回")
    with frozen(at(2026, 3, 5)):
        page = look_up(org.office, "138 0013 8000")  # the office sees every unit's cases
    [match] = page.matches
    assert match.open_complaints == []
    shown = {c.reference: c.recomplainable for c in match.finished.latest}
    assert shown == {original.reference: True, withdrawn.reference: False}
    assert match.finished.total == 2 and match.finished.more == 0
    assert finished_complaints_of(original.customer, shown=1).more == 1


def test_the_lookup_counts_another_units_finished_complaints_without_naming_them(org, walk):
    """Issue 14: a branch's intake desk reads no other unit's references, open or finished;
    it learns there are some, and the complaints office starts a re-complaint from them."""
    from redress.complaints.models import Staff, StaffRole

    original = archived(org, walk)
    other_desk = Staff.objects.create_user(username="hq_desk", password="x" * 12, unit=org.hq, display_name="hq")
    StaffRole.objects.create(staff=other_desk, role="intake")
    with frozen(at(2026, 3, 5)):
        [match] = look_up(other_desk, "13800138000").matches
    assert match.finished.latest == [] and match.finished.total == 0 and match.finished.elsewhere == 1
    office = finished_complaints_of(original.customer, org.office)
    assert [c.reference for c in office.latest] == [original.reference] and office.elsewhere == 0
