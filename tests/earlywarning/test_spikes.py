"""A series' recent complaints against its own baseline (003 §7 预警): spikes injected
into a flat baseline are all found, flat data raises nothing, and a warning is not
raised again while it is open or still in its window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from redress.complaints.timesource import frozen
from redress.earlywarning.models import EarlyWarning
from redress.earlywarning.poisson import upper_tail
from redress.earlywarning.services import raise_warnings
from redress.earlywarning.spikes import expected_count
from redress.notify.models import OutboxMessage
from tests.earlywarning.conftest import NOW, weekly

pytestmark = pytest.mark.django_db
START = NOW - timedelta(weeks=14)  # two weeks more history than the 12-week baseline


def sweep_at(when):
    with frozen(when):
        return raise_warnings()


def spikes():
    return list(EarlyWarning.objects.filter(kind="spike").order_by("id"))


def test_flat_data_raises_no_warning(org, make):
    # Two complaints a week in four series for fourteen weeks, up to now.
    for unit, category in [(org.branch, "counter"), (org.branch, "marketing"), (org.branch2, "counter"),
                           (org.branch2, "service_quality")]:
        weekly(make, START, 14, 2, unit=unit, category=category)
    assert sweep_at(NOW) == []
    assert not EarlyWarning.objects.exists()


def test_every_injected_spike_is_found_and_only_those(org, make):
    series = [(org.branch, "counter"), (org.branch, "marketing"), (org.branch2, "counter"),
              (org.branch2, "service_quality")]
    for unit, category in series:
        weekly(make, START, 13, 1, unit=unit, category=category)  # one a week, none in the last week
    # Injected: six counter complaints at the first branch and five marketing complaints
    # at the second (a series with nothing before) in the last seven days.
    for i in range(6):
        make(NOW - timedelta(days=6, hours=-i * 20), unit=org.branch, category="counter")
    for i in range(5):
        make(NOW - timedelta(days=5, hours=-i * 20), unit=org.branch2, category="marketing")
    raised = sweep_at(NOW)
    found = {(w.unit_id, w.category, w.window_days) for w in raised}
    assert found == {(org.branch.pk, "counter", 7), (org.branch2.pk, "marketing", 7)}
    tianhe = next(w for w in raised if w.category == "counter")
    # The figures, counted plainly over the complaints made: six in the window, the
    # first branch's counter complaints in the 12 weeks before it as the baseline.
    window_start = NOW - timedelta(days=7)
    baseline = [c for c in make.made if c.branch_id == org.branch.pk and c.category == "counter"
                and window_start - timedelta(weeks=12) <= c.received_at < window_start]
    recent = [c.pk for c in make.made if c.branch_id == org.branch.pk and c.category == "counter"
              and c.received_at >= window_start]
    assert (tianhe.count, tianhe.baseline_count, tianhe.baseline_days) == (6, len(baseline), 84)
    assert tianhe.complaint_ids == recent
    assert tianhe.expected == pytest.approx(len(baseline) * 7 / 84)
    assert tianhe.p_value == pytest.approx(upper_tail(6, len(baseline) * 7 / 84))


def test_a_product_spike_is_found(org, make):
    weekly(make, START, 13, 1, product="鑫盈1号私募证券投资基金(R4)", category="suitability")
    weekly(make, START, 13, 1, unit=org.branch2, category="suitability")
    # Seven in six days, spread over two branches so that neither branch's series spikes.
    for i in range(7):
        make(NOW - timedelta(days=6, hours=-i * 20), product="鑫盈1号私募证券投资基金(R4)", category="suitability",
             unit=org.branch2 if i % 2 else org.branch)
    raised = sweep_at(NOW)
    assert [(w.product, w.unit_id, w.count, w.window_days) for w in raised if w.kind == "spike"] == [
        ("鑫盈1号私募证券投资基金(R4)", None, 7, 7)]


def test_a_slow_rise_is_found_over_thirty_days_not_seven(org, make):
    weekly(make, START, 10, 1, unit=org.branch, category="counter")
    weekly(make, NOW - timedelta(weeks=4), 4, 4, unit=org.branch, category="counter")  # four a week for a month
    raised = sweep_at(NOW)
    assert [(w.category, w.window_days) for w in raised] == [("counter", 30)]
    assert raised[0].count == 16
    # Four in a week against one a week is not improbable enough on its own...
    assert upper_tail(4, expected_count(raised[0].baseline_count, 84, 7)) > 0.001
    # ...but a sharp week on top of the slow rise is its own warning, though the
    # 30-day one is still open.
    for i in range(8):
        make(NOW + timedelta(hours=2 + i), unit=org.branch, category="counter")
    later = sweep_at(NOW + timedelta(hours=12))
    assert [(w.category, w.window_days) for w in later] == [("counter", 7)]


def test_too_little_history_judges_nothing(org, make):
    for i in range(8):
        make(NOW - timedelta(days=20, hours=-i * 50), unit=org.branch, category="counter")
    assert sweep_at(NOW) == []


def test_a_warning_is_not_raised_again_while_open_or_in_its_window(org, make):
    weekly(make, START, 13, 1)
    for i in range(6):
        make(NOW - timedelta(days=6, hours=-i * 20))
    first = sweep_at(NOW)
    assert len(first) == 1
    messages = OutboxMessage.objects.filter(kind="early_warning").count()
    # The next sweeps see the same spike: nothing new while it is open...
    assert sweep_at(NOW + timedelta(minutes=5)) == []
    assert sweep_at(NOW + timedelta(hours=6)) == []
    # ...nor once acknowledged while its complaints are still in the window.
    from redress.earlywarning.services import warning_acknowledge

    with frozen(NOW + timedelta(hours=7)):
        warning_acknowledge(first[0].pk, actor=org.office, note="已通知天河营业部排查柜台流程")
    assert sweep_at(NOW + timedelta(days=2)) == []
    assert OutboxMessage.objects.filter(kind="early_warning").count() == messages
    assert EarlyWarning.objects.count() == 1


def test_a_warning_is_sent_to_the_office_and_compliance(org, make):
    weekly(make, START, 13, 1)
    for i in range(6):
        make(NOW - timedelta(days=6, hours=-i * 20))
    [warning] = sweep_at(NOW)
    sent = OutboxMessage.objects.filter(kind="early_warning")
    assert sorted(sent.values_list("to_role", flat=True)) == ["complaints_office", "compliance"]
    assert {m.payload["warning"] for m in sent} == {warning.pk}


def general_rise(org, make):
    """Four series at one a week for thirteen weeks, then six each in the last week."""
    series = [(org.branch, "counter"), (org.branch, "marketing"), (org.branch2, "counter"),
              (org.branch2, "service_quality")]
    for unit, category in series:
        weekly(make, START, 13, 1, unit=unit, category=category)
        for i in range(6):
            make(NOW - timedelta(days=6, hours=-i * 20), unit=unit, category=category)


def test_a_general_rise_is_each_series_by_default(org, make):
    general_rise(org, make)
    found = list(spikes_find(NOW))
    # Each series, and not all complaints: the four series hold the whole rise.
    assert sorted((c.unit_id, c.category, c.count, c.window_days) for c in found) == sorted(
        [(org.branch.pk, "counter", 6, 7), (org.branch.pk, "marketing", 6, 7), (org.branch2.pk, "counter", 6, 7),
         (org.branch2.pk, "service_quality", 6, 7)])


def test_allowing_for_the_overall_rise_leaves_one_warning_for_all_complaints(org, make):
    general_rise(org, make)
    from redress.policy.loader import active_pack

    policy = active_pack().early_warning.model_copy(update={"allow_for_overall_rise": True})
    found = list(spikes_find(NOW, policy))
    # (The sweep raises the 7-day one only: a longer window yields to a shorter.)
    assert [(c.unit_id, c.product, c.count, c.window_days) for c in found] == [(None, "", 24, 7), (None, "", 36, 30)]
    recent = sorted((c for c in make.made if c.received_at >= NOW - timedelta(days=7)),
                    key=lambda c: (c.received_at, c.pk))
    assert found[0].complaint_ids == [c.pk for c in recent]
    # Expected: the 52 complaints of the 12 weeks before, a week's worth.
    before = [c for c in make.made if NOW - timedelta(days=7 + 84) <= c.received_at < NOW - timedelta(days=7)]
    assert found[0].expected == pytest.approx(len(before) * 7 / 84)


def spikes_find(when, policy=None):
    from redress.earlywarning import spikes as detector
    from redress.policy.loader import active_pack

    return detector.find(policy or active_pack().early_warning, when)


def test_the_sentence_says_why_in_the_readers_language(org, make):
    from django.utils import translation

    from redress.earlywarning.sentences import why

    weekly(make, START, 13, 1)  # twelve in the 84 days before the window: one a week
    for i in range(6):
        make(NOW - timedelta(days=6, hours=-i * 20))
    [warning] = sweep_at(NOW)
    with translation.override("zh-hans"):
        assert why(warning) == "天河营业部 柜台业务类:近 7 天投诉 6 件,此前 12 周平均每周 1 件。"
    with translation.override("en"):
        assert why(warning) == "branch_tianhe, Counter business: 6 complaints in 7 days, against 1 a week in the 12 " \
                               "weeks before."


def test_a_spike_seen_in_both_windows_is_one_warning_the_shorter(org, make):
    weekly(make, START, 13, 1)
    for i in range(12):
        make(NOW - timedelta(days=6, hours=-i * 12))
    windows = {c.window_days for c in spikes_find(NOW) if c.unit_id is not None}
    assert windows == {7, 30}  # both windows see it...
    assert [w.window_days for w in sweep_at(NOW)] == [7]  # ...the sweep says it once
    assert sweep_at(NOW + timedelta(hours=1)) == []
