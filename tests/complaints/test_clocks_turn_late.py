"""When a clock is late (services/timing.py): stopped or swept at its due minute it is on
time, a moment later it is late; a paused clock counts up to its pause; a clock late from
the start says so once; the sweep marks each late running clock once, a batch at a time.
Written for the mutants of timing.py that no test noticed (docs/mutation.md)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import ComplaintClock
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from tests.concurrency import at_once
from tests.conftest import SH, at, complaint_input


def clock(c, code="resolution"):
    return ComplaintClock.objects.get(complaint=c, code=code)


def receive(org, now, received_at, register=True):
    with frozen(now):
        return svc.complaint_receive(actor=org.intake, data=complaint_input(received_at=received_at),
                                     register=register)


def test_a_result_told_at_the_due_minute_is_on_time_and_a_moment_later_is_late(org, walk):
    on_time = walk(at(2026, 3, 2)).assess().dispatch().accept().propose().approve()
    due = clock(on_time.c).due_at
    assert due.astimezone(SH) == at(2026, 3, 30, 17)
    on_time.when = due
    on_time.communicate()
    stopped = clock(on_time.c)
    assert stopped.status == ComplaintClock.Status.STOPPED and stopped.stopped_at == due
    assert not stopped.breached and stopped.breached_at is None

    late = walk(at(2026, 3, 2)).assess().dispatch().accept().propose().approve()
    late.when = due + timedelta(microseconds=1)
    late.communicate()
    stopped = clock(late.c)
    assert stopped.status == ComplaintClock.Status.STOPPED and stopped.breached
    assert stopped.breached_at == due  # the day the limit was missed, not the day it was noticed


def test_the_sweep_marks_a_clock_once_its_due_minute_has_passed(org, walk):
    w = walk(at(2026, 3, 2)).assess()
    due = clock(w.c).due_at
    with frozen(due):
        assert svc.mark_breaches() == 0
    assert not clock(w.c).breached
    with frozen(due + timedelta(microseconds=1)):
        assert svc.mark_breaches() == 1
    marked = clock(w.c)
    assert marked.breached and marked.breached_at == due and marked.status == ComplaintClock.Status.RUNNING
    event = w.c.events.get(type=EventType.CLOCK_BREACHED)
    assert json.loads(event.payload) == {"clocks": ["resolution"]}
    assert event.actor is None and event.channel == "sweep"
    told = OutboxMessage.objects.get(kind="clock_breached", complaint=w.c)
    assert told.to_role == "complaints_office"
    assert told.payload == {"reference": w.c.reference, "clocks": ["resolution"]}


def test_one_sweep_marks_every_late_clock_a_batch_at_a_time_each_once(org, walk):
    # Five late cases in batches of two: three transactions in one run, no cap per run.
    cases = [walk(at(2026, 3, 2)).assess() for _ in range(5)]
    with frozen(at(2026, 4, 1)):
        assert svc.mark_breaches(batch=2) == 5
        assert svc.mark_breaches(batch=2) == 0
    assert all(clock(w.c).breached for w in cases)
    assert all(w.c.events.filter(type=EventType.CLOCK_BREACHED).count() == 1 for w in cases)
    assert OutboxMessage.objects.filter(kind="clock_breached").count() == 5


def test_the_sweep_leaves_paused_and_stopped_clocks_alone(org, walk):
    paused = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 25)):
        svc.pause_clocks(paused.c, actor=org.handler, reason_code="external_appraisal")
    told = walk(at(2026, 3, 2)).to_awaiting_callback()  # resolution stopped on time
    with frozen(at(2026, 3, 31)):
        # Only the callback clock of the case told on 2 March is late (5 working days).
        assert svc.mark_breaches() == 1
    assert not clock(paused.c).breached and clock(paused.c).status == ComplaintClock.Status.PAUSED
    assert not clock(told.c).breached and clock(told.c, "callback").breached
    assert not paused.c.events.filter(type=EventType.CLOCK_BREACHED).exists()


def test_a_case_withdrawn_while_its_clock_is_paused_counts_only_up_to_the_pause(org, walk):
    # Paused on 25 March, before the limit (30 March); withdrawn on 2 April: the clock
    # stood still from the pause, so it did not run past its limit.
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 25)):
        svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal")
    with frozen(at(2026, 4, 2)):
        svc.complaint_withdraw(w.c, actor=org.office, reason="客户来电撤回投诉")
    stopped = clock(w.c)
    assert stopped.status == ComplaintClock.Status.STOPPED and stopped.stopped_at == at(2026, 4, 2)
    assert not stopped.breached


def test_closing_a_case_stops_every_clock_whatever_stage_it_stops_on(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 4, 1)):
        svc.complaint_withdraw(w.c, actor=org.office, reason="客户来电撤回投诉")
    stopped = clock(w.c)
    assert stopped.status == ComplaintClock.Status.STOPPED and stopped.breached
    assert stopped.breached_at == stopped.due_at
    w.c.refresh_from_db()
    assert w.c.due_at is None
    assert not ComplaintClock.objects.filter(complaint=w.c, status__in=["running", "paused"]).exists()


def test_a_registration_clock_due_at_the_moment_it_is_taken_down_is_not_yet_late(org):
    # Received at 10:00, typed in at 17:00, the close of that day, and left unregistered:
    # the registration clock (close of business of the day received) is due that minute,
    # not past it; typed in a moment later, it is late from the start, and said so once.
    on_time = receive(org, at(2026, 3, 2, 17), at(2026, 3, 2, 10), register=False)
    registration = clock(on_time, "registration")
    assert registration.due_at == at(2026, 3, 2, 17) and not registration.breached
    assert not on_time.events.filter(type=EventType.CLOCK_BREACHED).exists()

    late = receive(org, at(2026, 3, 2, 17) + timedelta(microseconds=1), at(2026, 3, 2, 10), register=False)
    registration = clock(late, "registration")
    assert registration.breached and registration.breached_at == at(2026, 3, 2, 17)
    assert registration.status == ComplaintClock.Status.RUNNING
    event = late.events.get(type=EventType.CLOCK_BREACHED)
    assert json.loads(event.payload) == {"clocks": ["registration"]}
    told = OutboxMessage.objects.get(kind="clock_breached", complaint=late)
    assert told.to_role == "complaints_office"
    assert told.payload == {"reference": late.reference, "clocks": ["registration"]}


def test_a_letter_registered_after_its_limits_names_only_the_clock_still_running_as_late(org):
    # Received 5 January, registered 20 March: the registration clock starts and stops
    # late in the same moment (written once, stopped and late); the resolution clock
    # runs on, late from the start. The ledger's "late" event names the one still
    # running; the stopped one is late on its own row.
    c = receive(org, at(2026, 3, 20, 10), at(2026, 1, 5, 10))
    registration = clock(c, "registration")
    assert registration.status == ComplaintClock.Status.STOPPED and registration.breached
    assert registration.stopped_at == at(2026, 3, 20, 10)
    assert registration.breached_at == registration.due_at == at(2026, 1, 5, 17)
    assert json.loads(c.events.get(type=EventType.CLOCK_BREACHED).payload)["clocks"] == ["resolution"]
    assert ComplaintClock.objects.filter(complaint=c).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_mark_each_late_clock_once(request):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: each transaction takes the database's write lock at BEGIN "
                    "(IMMEDIATE), so two sweeps run their batches one after the other; the race is PostgreSQL's")
    from tests.conftest import Walk

    org = request.getfixturevalue("org")
    cases = [Walk(org, at(2026, 3, 2)).assess() for _ in range(12)]

    def sweep():
        with frozen(at(2026, 4, 1)):
            return svc.mark_breaches(batch=2)

    # Three sweeps, batches of two: they take turns over the twelve, each skipping
    # the cases another holds, and between them mark all twelve once.
    assert sum(at_once(3, sweep)) == 12
    for w in cases:
        assert clock(w.c).breached
        assert w.c.events.filter(type=EventType.CLOCK_BREACHED).count() == 1
        assert OutboxMessage.objects.filter(kind="clock_breached", complaint=w.c).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_the_cases_another_sweep_holds_and_takes_the_rest(request, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (SKIP LOCKED): its writers run one after the other")
    import threading

    from django.db import connections

    from redress.complaints.services import timing
    from tests.conftest import Walk

    org = request.getfixturevalue("org")
    cases = [Walk(org, at(2026, 3, 2)).assess() for _ in range(6)]
    holding, go_on = threading.Event(), threading.Event()
    clocks_of = timing.clocks_of

    def first_sweep_stops_in_its_first_batch(steps):
        if threading.current_thread().name == "first" and not holding.is_set():
            holding.set()  # its first batch of two is locked; the second sweep runs now
            if not go_on.wait(15):  # (had the second waited for these rows, it would never come)
                raise AssertionError("the second sweep waited for the cases the first holds")
        return clocks_of(steps)

    monkeypatch.setattr(timing, "clocks_of", first_sweep_stops_in_its_first_batch)
    counts = {}

    def sweep(name):
        with frozen(at(2026, 4, 1)):
            counts[name] = svc.mark_breaches(batch=2)
        if name == "first":
            connections.close_all()

    first = threading.Thread(target=sweep, args=("first",), name="first")
    first.start()
    assert holding.wait(30)
    sweep("second")  # meanwhile: the two held cases skipped, the other four marked
    go_on.set()
    first.join(30)
    assert counts == {"second": 4, "first": 2}
    for w in cases:
        assert w.c.events.filter(type=EventType.CLOCK_BREACHED).count() == 1


def test_the_sweep_in_a_loop_marks_what_fell_late_between_runs_and_survives_a_failed_run(org, walk, monkeypatch,
                                                                                     capsys):
    # `redress sweep --loop` for deployments without cron: a run a minute, start to start.
    from redress.complaints import sweep as sweeping

    w = walk(at(2026, 3, 2)).assess()
    due = clock(w.c).due_at
    moments = iter([due - timedelta(minutes=1), due, due + timedelta(minutes=1)])
    waits = []
    real = sweeping.sweep

    def one_run():
        moment = next(moments)
        if moment == due:
            raise RuntimeError("the database went away")
        with frozen(moment):
            return real()

    monkeypatch.setattr(sweeping, "sweep", one_run)
    with frozen(due):
        assert sweeping.sweep_forever(every=60, runs=3, sleep=waits.append) == 0
    assert len(waits) == 2 and all(0 < s <= 60 for s in waits)
    out, err = capsys.readouterr()
    assert out.count("0 clocks newly late") == 1 and out.count("1 clocks newly late") == 1
    assert "redress sweep failed" in err and "the database went away" in err
    assert clock(w.c).breached
