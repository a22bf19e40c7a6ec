"""Periods are named as people write them, end at midnight in the institution's time
zone, and a return falls due on the day its rule gives, on the institution's calendar."""

from __future__ import annotations

from datetime import date

import pytest

from redress.policy.loader import load_pack
from redress.policy.returns_schema import PeriodKind, ReturnDue
from redress.reports.returns import periods
from redress.sla.calendar import WorkCalendar


def finra():
    pack = load_pack("us-broker")
    return pack.regulator_return("finra-4530d"), WorkCalendar.from_policy(pack.calendar)


@pytest.mark.parametrize(("kind", "text", "start", "end"), [
    (PeriodKind.QUARTER, "2026-Q3", date(2026, 7, 1), date(2026, 10, 1)),
    (PeriodKind.QUARTER, "2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
    (PeriodKind.HALF_YEAR, "2026-H2", date(2026, 7, 1), date(2027, 1, 1)),
    (PeriodKind.MONTH, "2026-02", date(2026, 2, 1), date(2026, 3, 1)),
    (PeriodKind.YEAR, "2026", date(2026, 1, 1), date(2027, 1, 1)),
])
def test_a_period_is_read_from_its_label_and_gives_it_back(kind, text, start, end):
    period = periods.parse(kind, text)
    assert (period.start, period.end, period.label) == (start, end, text)


@pytest.mark.parametrize(("kind", "text"), [(PeriodKind.QUARTER, "2026-Q5"), (PeriodKind.QUARTER, "2026-H1"),
                                            (PeriodKind.MONTH, "2026-13"), (PeriodKind.YEAR, "26"),
                                            (PeriodKind.HALF_YEAR, "2026-H3"), (PeriodKind.QUARTER, "Q3 2026")])
def test_a_label_of_another_kind_or_out_of_range_is_refused(kind, text):
    with pytest.raises(ValueError):
        periods.parse(kind, text)


def test_the_last_ended_quarter_is_the_one_before_today():
    assert periods.last_ended(PeriodKind.QUARTER, date(2026, 12, 5)).label == "2026-Q3"
    assert periods.last_ended(PeriodKind.QUARTER, date(2026, 10, 1)).label == "2026-Q3"
    assert periods.last_ended(PeriodKind.QUARTER, date(2026, 9, 30)).label == "2026-Q2"


def test_finra_statistics_fall_due_on_the_15th_of_the_month_after_the_quarter():
    ret, cal = finra()
    assert periods.due_date(ret, periods.parse(PeriodKind.QUARTER, "2026-Q3"), cal) == date(2026, 10, 15)


def test_a_15th_on_a_weekend_moves_to_the_next_business_day_past_a_holiday():
    ret, cal = finra()
    # 15 January 2028 is a Saturday and Monday the 17th is Martin Luther King Jr. Day.
    assert periods.due_date(ret, periods.parse(PeriodKind.QUARTER, "2027-Q4"), cal) == date(2028, 1, 18)


def test_the_next_due_date_is_the_last_ended_quarters_until_it_passes():
    ret, cal = finra()
    assert periods.next_due(ret, date(2026, 10, 2), cal) == (periods.parse(PeriodKind.QUARTER, "2026-Q3"),
                                                             date(2026, 10, 15))
    assert periods.next_due(ret, date(2026, 10, 16), cal) == (periods.parse(PeriodKind.QUARTER, "2026-Q4"),
                                                              date(2027, 1, 15))


def test_a_due_rule_in_working_days_counts_the_institutions_working_days():
    pack = load_pack("cn-securities")
    cal = WorkCalendar.from_policy(pack.calendar)
    ret = pack.regulator_return("csrc-quarterly").model_copy(update={"due": ReturnDue(working_days=5)})
    # 2026-Q3 ends on 30 September; 1-7 October are the National Day holiday, the 8th a working day.
    due = periods.due_date(ret, periods.parse(PeriodKind.QUARTER, "2026-Q3"), cal)
    counted = [d for d in (date(2026, 10, n) for n in range(1, due.day + 1)) if cal.is_working_day(d)]
    assert len(counted) == 5 and counted[-1] == due


def test_a_due_rule_says_one_thing():
    with pytest.raises(ValueError, match="either day"):
        ReturnDue(day=15, working_days=30)
