"""Mass complaints (several customers, the same matter within days: 001 第二十条) and
repeat complainants (one customer three times in 90 days)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from redress.complaints.timesource import frozen
from redress.earlywarning import similarity
from redress.earlywarning.models import EarlyWarning
from redress.earlywarning.services import raise_warnings
from tests.earlywarning.conftest import NOW

pytestmark = pytest.mark.django_db

OUTAGE = ("今天上午9点35分到10点20分App一直无法登录,提示网络异常,电话也打不进去,当时行情大跌,我想卖出却下不了单。")


def sweep_at(when):
    with frozen(when):
        return raise_warnings()


def test_three_customers_in_similar_words_within_three_days_are_a_mass_complaint(org, make):
    # The same outage told three ways by three customers, and one unrelated complaint.
    texts = [OUTAGE, OUTAGE.replace("9点35分", "九点半左右").replace("卖出", "卖掉股票"),
             "今天上午App一直无法登录,提示网络异常,电话也打不进去,行情大跌我想卖出却下不了单,损失很大。"]
    made = [make(NOW - timedelta(hours=30 - i * 10), category="info_system", subject="App无法登录", cause=t)
            for i, t in enumerate(texts)]
    make(NOW - timedelta(hours=5), category="counter")
    # Independently: every pair of the three is at least half alike in bigrams.
    grams = [similarity.bigrams("App无法登录", t) for t in texts]
    assert min(similarity.jaccard(a, b) for a in grams for b in grams) >= 0.5
    [warning] = sweep_at(NOW)
    assert (warning.kind, warning.matter, warning.customers) == ("mass", "text", 3)
    assert warning.complaint_ids == [c.pk for c in made]


def test_the_same_product_from_three_customers_is_a_mass_complaint(org, make):
    made = [make(NOW - timedelta(days=2, hours=-i * 12), product="鑫盈1号", category="suitability") for i in range(3)]
    [warning] = sweep_at(NOW)
    assert (warning.kind, warning.matter, warning.product, warning.count) == ("mass", "product", "鑫盈1号", 3)
    assert warning.complaint_ids == [c.pk for c in made]


def test_the_same_employee_named_by_three_customers_is_a_mass_complaint(org, make):
    for i in range(3):
        make(NOW - timedelta(days=1, hours=i), category="marketing", staff_party=org.marketer)
    [warning] = sweep_at(NOW)
    assert (warning.matter, warning.party_staff_id, warning.customers) == ("party", org.marketer.pk, 3)


def test_one_customer_three_times_is_not_a_crowd(org, make):
    for i in range(3):
        make(NOW - timedelta(days=2, hours=i), product="鑫盈1号", customer="620099990000")
    kinds = [w.kind for w in sweep_at(NOW)]
    assert kinds == ["repeat"]  # a repeat complainant, not a mass complaint


def test_days_apart_are_not_a_mass_complaint(org, make):
    for i in range(3):
        make(NOW - timedelta(days=2 * i, hours=1), product="鑫盈1号")  # over four days: never three in three
    assert sweep_at(NOW) == []


def test_dissimilar_words_are_not_a_mass_complaint(org, make):
    for i in range(5):
        make(NOW - timedelta(hours=10 + i))  # random words of their own
    assert sweep_at(NOW) == []


def test_a_customer_three_times_in_ninety_days_is_a_repeat_complainant(org, make):
    made = [make(NOW - timedelta(days=d), customer="620011112222") for d in (80, 40, 1)]
    [warning] = sweep_at(NOW)
    assert (warning.kind, warning.count, warning.window_days) == ("repeat", 3, 90)
    assert warning.customer_id == made[0].customer_id
    assert warning.complaint_ids == [c.pk for c in made]


def test_twice_in_ninety_days_or_three_times_in_longer_is_not(org, make):
    make(NOW - timedelta(days=95), customer="620011112222")
    for d in (40, 1):
        make(NOW - timedelta(days=d), customer="620011112222")
    assert sweep_at(NOW) == []


def test_a_mass_complaint_is_not_raised_again_as_it_grows(org, make):
    for i in range(3):
        make(NOW - timedelta(hours=20 - i), category="info_system", subject="App无法登录", cause=OUTAGE)
    assert len(sweep_at(NOW)) == 1
    make(NOW + timedelta(hours=1), category="info_system", subject="App无法登录", cause=OUTAGE)
    assert sweep_at(NOW + timedelta(hours=2)) == []
    assert EarlyWarning.objects.count() == 1


def test_a_repeat_complainant_is_raised_once(org, make):
    for d in (30, 20, 10):
        make(NOW - timedelta(days=d), customer="620011112222")
    assert len(sweep_at(NOW)) == 1
    make(NOW + timedelta(hours=1), customer="620011112222")
    assert sweep_at(NOW + timedelta(hours=2)) == []
