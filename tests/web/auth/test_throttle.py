"""Failed sign-ins are throttled across processes: the count lives in the database, so
every worker sees it. Time is pinned with timesource.frozen; nothing sleeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from redress.complaints.timesource import frozen
from redress.web.auth import throttle
from redress.web.models import LoginFailure
from tests.conftest import PASSWORD, at

T0 = at(2026, 3, 2, 9, 0)


def attempt(username, password, when, address="10.0.0.1", language="en"):
    with frozen(when):
        return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language).post(
            "/login/", {"username": username, "password": password})


def fail_five_times(username="handler", start=T0, address="10.0.0.1"):
    for i in range(5):
        attempt(username, "wrong", start + timedelta(minutes=i), address)


def signed_in(response) -> bool:
    return response.status_code == 302


def test_five_failures_lock_the_username_even_for_the_right_password(org):
    fail_five_times()
    response = attempt("handler", PASSWORD, T0 + timedelta(minutes=5))
    assert not signed_in(response)
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_lock_message_is_in_chinese_for_a_chinese_reader(org):
    fail_five_times()
    response = attempt("handler", PASSWORD, T0 + timedelta(minutes=5), language="zh-hans")
    assert "登录失败次数过多" in response.content.decode()


def test_four_failures_do_not_lock(org):
    for i in range(4):
        attempt("handler", "wrong", T0 + timedelta(minutes=i))
    assert signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=5)))


def test_lock_ends_fifteen_minutes_after_the_fifth_failure(org):
    fail_five_times()  # the fifth at 09:04
    assert not signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=18, seconds=59)))
    assert signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=19)))


def test_refused_attempts_do_not_prolong_the_lock(org):
    fail_five_times()
    for minute in range(5, 19):
        attempt("handler", "wrong", T0 + timedelta(minutes=minute))
    assert LoginFailure.objects.count() == 5
    assert signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=19)))


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(org):
    for i in range(5):
        attempt("handler", "wrong", T0 + timedelta(minutes=4 * i))  # 09:00 … 09:16
    assert signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=17)))


def test_unknown_username_is_locked_the_same_way(org):
    """The lock must not tell a guesser whether the username exists."""
    fail_five_times("handler")
    fail_five_times("nobody")
    known = attempt("handler", "wrong", T0 + timedelta(minutes=6))
    unknown = attempt("nobody", "wrong", T0 + timedelta(minutes=6))
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_lock_on_one_username_leaves_colleagues_alone(org):
    fail_five_times("handler")
    assert signed_in(attempt("handler2", PASSWORD, T0 + timedelta(minutes=6)))


def test_one_address_trying_many_usernames_is_locked(org):
    for i in range(20):
        attempt(f"guess{i}", "wrong", T0 + timedelta(seconds=20 * i), address="203.0.113.9")
    assert not signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=7), address="203.0.113.9"))
    assert signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=7), address="10.0.0.2"))


def test_address_limit_comes_from_settings(org, settings):
    settings.REDRESS_LOGIN_FAILURES_PER_ADDRESS = 5
    for i in range(5):
        attempt(f"guess{i}", "wrong", T0 + timedelta(minutes=i), address="203.0.113.9")
    assert not signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=6), address="203.0.113.9"))


def test_success_forgets_the_persons_own_failures(org):
    for i in range(4):
        attempt("handler", "wrong", T0 + timedelta(minutes=i))
    assert signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=5)))
    assert not LoginFailure.objects.filter(username="handler").exists()
    attempt("handler", "wrong", T0 + timedelta(minutes=6))
    assert signed_in(attempt("handler", PASSWORD, T0 + timedelta(minutes=7)))


def test_old_failures_are_purged(org):
    attempt("handler", "wrong", T0)
    attempt("handler2", "wrong", T0 + timedelta(minutes=31))
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["handler2"]


@pytest.mark.parametrize("minutes_later, left", [(0, 15), (7, 8), (14, 1)])
def test_lock_says_how_many_minutes_are_left(db, minutes_later, left):
    for _ in range(5):
        throttle.record_failure("handler", None, T0)
    lock = throttle.lock_on("handler", None, T0 + timedelta(minutes=minutes_later))
    assert lock.minutes_left(T0 + timedelta(minutes=minutes_later)) == left
