"""A backlog in the outbox drains (issue 15 item 6): a morning with 30,000 late clocks
queues as many emails, and the sweep used to send 200 a run. Now it sends batch after
batch until the outbox is empty or its time budget (REDRESS_OUTBOX_BUDGET_SECONDS) is
spent, the rest at the next run; two sweeps at once claim different rows (SKIP LOCKED
on PostgreSQL), so nobody gets a message twice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from redress.complaints.timesource import frozen
from redress.notify import dispatch
from redress.notify.dispatch import dispatch_outbox
from redress.notify.models import DeliveryAttempt, OutboxMessage
from tests.concurrency import at_once
from tests.conftest import at

NOW = at(2026, 3, 2, 9)


def queue(n: int) -> list[int]:
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind="clock_breached",
            to_address=f"holder{i}@example.org",
            payload={"reference": f"TS-{i:05d}"},
            created_at=NOW,
        )
        for i in range(n)
    )
    return list(OutboxMessage.objects.order_by("id").values_list("id", flat=True))


def test_a_thousand_queued_messages_all_go_in_one_run_a_batch_at_a_time(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue(1000)
    with frozen(NOW):
        assert dispatch_outbox() == (1000, 0)  # five batches of 200
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 1000
    assert len(mail.outbox) == 1000
    assert len({m.to[0] for m in mail.outbox}) == 1000  # each addressee once
    assert DeliveryAttempt.objects.count() == 1000
    with frozen(NOW):
        assert dispatch_outbox() == (0, 0)  # nothing left, nothing sent again


class FakeTime:
    """Time that moves only when a batch is claimed: each batch costs `per_batch` s."""

    def __init__(self, per_batch: float):
        self.t, self.per_batch = 0.0, per_batch

    def monotonic(self) -> float:
        return self.t


def test_a_run_stops_claiming_when_its_time_budget_is_spent_and_the_next_run_goes_on(
    db, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue(1000)
    fake = FakeTime(per_batch=30)
    claim = dispatch._claim

    def slow_claim(after, batch):
        claimed = claim(after, batch)
        fake.t += fake.per_batch  # sending this batch takes 30 s
        return claimed

    monkeypatch.setattr(dispatch, "time", fake)
    monkeypatch.setattr(dispatch, "_claim", slow_claim)
    with frozen(NOW):
        # Budget 45 s: the first batch (0 → 30 s), the second (30 → 60 s), then no more.
        assert dispatch_outbox(budget=45) == (400, 0)
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 600
    assert not OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING
    ).exists()  # none left claimed
    monkeypatch.undo()
    with frozen(NOW):
        assert dispatch_outbox() == (600, 0)
    assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox) == 1000


def test_a_message_that_fails_is_tried_once_a_run_not_again_at_the_end_of_the_same_run(
    db, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = queue(450)
    send = dispatch.send_one

    def refuse_the_first(message):
        if message.pk == ids[0]:
            raise OSError("connection refused")
        return send(message)

    monkeypatch.setattr(dispatch, "send_one", refuse_the_first)
    with frozen(NOW):
        assert dispatch_outbox() == (449, 1)
    failed = OutboxMessage.objects.get(pk=ids[0])
    assert failed.status == OutboxMessage.Status.PENDING and failed.attempts == 1
    assert "connection refused" in failed.last_error


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_sending_at_once_send_each_message_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (SKIP LOCKED): its writers run one after the other")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue(1000)

    def sender():
        with frozen(NOW):
            return dispatch_outbox(batch=50)

    results = at_once(2, sender)
    assert sum(sent for sent, _ in results) == 1000 and all(failed == 0 for _, failed in results)
    assert len(mail.outbox) == 1000
    assert len({m.to[0] for m in mail.outbox}) == 1000  # nobody heard twice
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert DeliveryAttempt.objects.count() == 1000


def test_a_batch_whose_sender_died_goes_again_once_its_claim_is_stale_and_not_before(db, settings):
    """The batch's outcomes are written in one transaction after sending; a sender
    killed mid-batch leaves its claimed messages `sending`. They must not be lost: a
    quarter of an hour later (far past any run's budget) the next run sends them again."""
    from datetime import timedelta

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = queue(3)
    with frozen(NOW):
        claimed = dispatch._claim(0, 200)  # the sender claims, then dies before recording
    assert [m.pk for m in claimed] == ids
    with frozen(NOW + timedelta(minutes=14)):
        assert dispatch_outbox() == (0, 0)  # its sender may still be at work: left alone
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENDING}
    with frozen(NOW + timedelta(minutes=16)):
        assert dispatch_outbox() == (3, 0)
    assert len(mail.outbox) == 3
    for message in OutboxMessage.objects.all():
        assert message.status == OutboxMessage.Status.SENT
        assert message.attempts == 2
        assert "stopped before recording" in message.last_error
