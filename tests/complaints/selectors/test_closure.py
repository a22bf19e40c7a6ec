"""selectors.closure: the cases the complaints office may deem closed (001 第二十二条)
and the day each became eligible, one rule with services.outcome.deem_closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import ValidationFailed
from redress.complaints.lifecycle import State
from redress.complaints.selectors import closure
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.policy.schema import DeemedClosure, Duration, Unit
from tests.conftest import at


def listed(when) -> dict[str, str]:
    pack, cal = active_pack(), calendar_for(active_pack())
    return {c.reference: format(closure.eligible_from(c.follow_up_since, pack.deemed_closure, cal), "%Y-%m-%d")
            for c in closure.deemable(pack, cal, when)}


def followed_up(walk, when):
    return walk(when).to_awaiting_callback().callback(satisfied=False)


def test_six_months_less_a_day_is_not_listed_and_six_months_is_with_the_date(org, walk):
    w = followed_up(walk, at(2026, 3, 2))
    assert listed(at(2026, 9, 1, 10)) == {}
    assert listed(at(2026, 9, 2, 9, 59)) == {}  # the same hour of the day it began
    assert listed(at(2026, 9, 2, 10)) == {w.c.reference: "2026-09-02"}
    with frozen(at(2026, 9, 2, 10)):
        svc.deem_closed(w.c, actor=org.office)  # the office decides, with the existing action
    assert w.c.state == State.DEEMED_CLOSED and listed(at(2026, 9, 3)) == {}


def test_month_ends_clamp_as_the_service_counts_them(org, walk):
    # 31 August + 6 months is 28 February: three starts become eligible on one day.
    cases = [followed_up(walk, at(2026, 8, d)) for d in (28, 29, 31)]
    assert listed(at(2027, 2, 27, 10)) == {}
    assert listed(at(2027, 2, 28, 10)) == {w.c.reference: "2027-02-28" for w in cases}
    with frozen(at(2027, 2, 28, 10)):
        for w in cases:
            svc.deem_closed(w.c, actor=org.office)


def test_a_repeat_complaint_removes_it(org, walk):
    w = followed_up(walk, at(2026, 3, 2))
    with frozen(at(2026, 5, 6)):
        svc.complaint_recomplain(w.c, actor=org.intake, cause="仍不认可处理结果", channel="phone")
    assert listed(at(2026, 9, 10)) == {}


def test_an_escalation_removes_it_and_the_service_refuses_alike(org, walk):
    w = followed_up(walk, at(2026, 3, 2))
    with frozen(at(2026, 4, 1)):
        svc.complaint_escalate(w.c, actor=org.office, reason="客户称将向证监局投诉")
    assert listed(at(2026, 9, 10)) == {}
    with frozen(at(2026, 9, 10)), pytest.raises(ValidationFailed) as err:
        svc.deem_closed(w.c, actor=org.office)
    assert err.value.field == "repeat" and "001 第二十二条" in str(err.value)


def test_an_accountability_record_for_staff_removes_it(org, walk):
    w = followed_up(walk, at(2026, 3, 2))
    other = followed_up(walk, at(2026, 3, 2))
    with frozen(at(2026, 4, 1)):
        svc.accountability_record(w.c, actor=org.compliance, staff=org.handler2, action="warning",
                                  description="未按规定提示风险")
    assert set(listed(at(2026, 9, 10))) == {other.c.reference}


def test_an_accountability_record_for_a_unit_removes_it_too(org, walk):
    # The service refused on any accountability record; the list leaves the same out.
    w = followed_up(walk, at(2026, 3, 2))
    with frozen(at(2026, 4, 1)):
        svc.accountability_record(w.c, actor=org.compliance, unit=org.branch, action="rectify",
                                  description="营业部整改")
    assert listed(at(2026, 9, 10)) == {}
    with frozen(at(2026, 9, 10)), pytest.raises(ValidationFailed) as err:
        svc.deem_closed(w.c, actor=org.office)
    assert err.value.field == "staff_fault"


def test_a_policy_without_deemed_closure_lists_nothing(org, walk, settings):
    followed_up(walk, at(2026, 3, 2))
    settings.REDRESS_POLICY = "cn-futures"
    assert listed(at(2027, 3, 2)) == {}


@pytest.mark.parametrize("limit", [Duration(amount=6, unit=Unit.MONTHS), Duration(amount=20, unit=Unit.WORKING_DAYS),
                                   Duration(amount=90, unit=Unit.CALENDAR_DAYS), Duration(amount=0, unit=Unit.MONTHS)])
def test_the_latest_eligible_start_is_exactly_where_eligibility_ends(db, limit):
    rule, cal = DeemedClosure(follow_up=limit), calendar_for(active_pack())
    for now in (at(2027, 2, 28, 10), at(2026, 10, 8, 18), at(2026, 12, 31, 23, 59)):
        bound = closure.latest_eligible_start(rule, cal, now)
        assert closure.eligible_from(bound, rule, cal) <= now
        if bound < now:
            assert closure.eligible_from(bound + timedelta(microseconds=1), rule, cal) > now
