"""Mail loops cannot start (issue 13 item 6). Delivery reports and auto-replies — a null
envelope sender, multipart/report, Auto-Submitted, X-Auto-Response-Suppress, an
out-of-office subject in Chinese or English — are recorded where the complaints office
sees them and ignored, with exit 0 so the mail server neither retries nor bounces; every
message Redress sends says it was sent automatically; and acknowledgments to one
address are rate limited, the ones held back recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as sent_mail

from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from redress.mailin import quarantine
from redress.mailin.models import InboundMail, QuarantineAction, QuarantinedMail
from redress.notify.dispatch import dispatch_outbox
from redress.notify.models import OutboxMessage
from tests.conftest import at
from tests.mailin.conftest import message

WHEN = at(2026, 3, 2, 10, 0)

# A Postfix bounce as local(8) pipes it: the envelope sender <> in Return-Path, no From.
NULL_SENDER_BOUNCE = (
    b"Return-Path: <>\r\nTo: complaints@broker.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
    b"Message-ID: <bounce-1@mx.broker.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
    b"I'm sorry to have to inform you that your message could not be delivered.\r\n"
)

# An Exchange non-delivery report about one of our acknowledgments: no Auto-Submitted,
# no null sender in the headers, a MicrosoftExchange... address, multipart/report.
EXCHANGE_NDR = (
    b'From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@bank.example>\r\n'
    b"To: complaints@broker.example\r\nSubject: Undeliverable: [Redress] TS-2026-000001 customer_message\r\n"
    b"Message-ID: <ndr-1@bank.example>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="NDR"\r\n\r\n'
    b"--NDR\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Delivery has failed to these recipients or groups: li.si@bank.example\r\n"
    b"--NDR\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns;mx.bank.example\r\n\r\n"
    b"Final-Recipient: rfc822;li.si@bank.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
    b"--NDR\r\nContent-Type: message/rfc822\r\n\r\nFrom: redress@localhost\r\nTo: li.si@bank.example\r\n"
    b"Subject: [Redress] TS-2026-000001 customer_message\r\n\r\nWe have registered your complaint.\r\n"
    b"--NDR--\r\n"
)


def ignored_as(reason_start: str) -> QuarantinedMail:
    item = QuarantinedMail.objects.get()
    assert item.status == QuarantinedMail.Status.IGNORED
    assert item.reason.startswith(reason_start), item.reason
    return item


@pytest.mark.django_db
def test_a_bounce_from_the_null_sender_is_recorded_and_ignored_with_exit_0(org, pipe):
    result = pipe(NULL_SENDER_BOUNCE)

    assert result.code == 0, result.err
    assert not Complaint.objects.exists() and not OutboxMessage.objects.exists()
    item = ignored_as("退信 delivery report")
    assert "null sender" in item.reason and bytes(item.raw) == NULL_SENDER_BOUNCE
    assert InboundMail.objects.get().outcome == InboundMail.Outcome.IGNORED


@pytest.mark.django_db
def test_the_null_envelope_sender_the_mail_server_passes_marks_a_bounce(org, pipe):
    # Postfix pipe(8): argv=redress mail-in --sender ${sender}; ${sender} is empty for a bounce
    bounce = message(sender="Mail System <noreply@mx.bank.example>", subject="Delivery failure",
                     body="Your message could not be delivered.", message_id="<dsn-2@mx.bank.example>")

    assert pipe(bounce, args=["--sender", ""]).code == 0

    assert not Complaint.objects.exists()
    assert "null sender" in ignored_as("退信 delivery report").reason


@pytest.mark.django_db
def test_a_customer_with_an_envelope_sender_is_taken_as_usual(org, pipe):
    assert pipe(message(), args=["--sender", "alice@example.org"]).code == 0

    assert Complaint.objects.count() == 1 and not QuarantinedMail.objects.exists()


@pytest.mark.django_db
def test_an_exchange_delivery_report_opens_no_complaint_and_queues_nothing(org, pipe):
    result = pipe(EXCHANGE_NDR)

    assert result.code == 0 and "ignored" in result.out
    assert not Complaint.objects.exists() and not OutboxMessage.objects.exists()
    assert "multipart/report" in ignored_as("退信 delivery report").reason


@pytest.mark.django_db
@pytest.mark.parametrize("headers, subject, evidence", [
    ({"Auto_Submitted": "auto-replied"}, "Re: your complaint", "Auto-Submitted: auto-replied"),
    ({"X_Auto_Response_Suppress": "All"}, "Re: your complaint", "X-Auto-Response-Suppress: All"),
    ({}, "自动答复: [Redress] TS-2026-000001 customer_message", "subject: 自动答复"),  # Outlook in Chinese
    ({}, "自动回复：您的来信已收到", "subject: 自动回复"),  # QQ Mail, full-width colon
    ({}, "自動回覆: 休假中", "subject: 自動回覆"),  # Traditional Chinese
    ({}, "Automatic reply: [Redress] TS-2026-000001", "subject: Automatic reply"),
    ({}, "Out of Office: back on 9 March", "subject: Out of Office"),
    ({}, "Auto-Reply: I am away", "subject: Auto-Reply"),
    ({"X_Autoreply": "yes"}, "Re: complaint", "X-Autoreply"),
])
def test_auto_replies_in_chinese_and_english_are_recorded_and_ignored(org, pipe, headers, subject, evidence):
    ooo = message(subject=subject, body="我目前不在办公室,3月9日返回。I am out of the office.", message_id="<ooo@x>",
                  **headers)

    result = pipe(ooo)

    assert result.code == 0 and result.out.startswith("mail-in: ignored")
    assert "来信" not in result.out and "March" not in result.out  # the subject is not repeated
    assert not Complaint.objects.exists() and not OutboxMessage.objects.exists()
    assert evidence in ignored_as("自动回复 auto-reply").reason


@pytest.mark.django_db
def test_a_complaint_that_mentions_an_out_of_office_reply_is_still_a_complaint(org, pipe):
    words = message(subject="Out of office all week and my card was blocked",
                    body="I was out of office; an automatic reply from your bank said nothing.")

    assert pipe(words).code == 0

    assert Complaint.objects.count() == 1 and not QuarantinedMail.objects.exists()


@pytest.mark.django_db
def test_the_same_bounce_delivered_twice_is_recorded_once(org, pipe):
    assert pipe(NULL_SENDER_BOUNCE).code == 0
    assert pipe(NULL_SENDER_BOUNCE).code == 0

    assert QuarantinedMail.objects.count() == 1 and InboundMail.objects.count() == 1


@pytest.mark.django_db
def test_the_office_releases_an_ignored_message_a_person_wrote(org, pipe):
    # a customer whose mail system adds X-Auto-Response-Suppress to everything
    assert pipe(message(X_Auto_Response_Suppress="All", message_id="<person@x>")).code == 0
    item = ignored_as("自动回复 auto-reply")

    with frozen(at(2026, 3, 2, 11, 0)):
        released = quarantine.release(item.pk, actor=org.office, note="a customer, not an auto-reply")

    c = Complaint.objects.get()
    assert released.ok and released.reference == c.reference
    item.refresh_from_db()
    assert item.status == QuarantinedMail.Status.RELEASED and item.complaint == c
    assert list(item.actions.values_list("kind", flat=True)) == [QuarantineAction.Kind.IGNORED,
                                                                QuarantineAction.Kind.RELEASED]
    record = InboundMail.objects.get()
    assert record.outcome == InboundMail.Outcome.OPENED and record.complaint == c
    # delivered again by the mail server after the release: handled once
    assert pipe(message(X_Auto_Response_Suppress="All", message_id="<person@x>")).out.startswith(
        "mail-in: already handled")
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_every_message_redress_sends_says_it_was_sent_automatically(org, pipe):
    assert pipe(message()).code == 0
    c = Complaint.objects.get()
    OutboxMessage.objects.create(complaint=c, kind="assignment_new", to_staff=org.office, created_at=WHEN,
                                 payload={"reference": c.reference})
    org.office.email = "office@broker.example"
    org.office.save()

    with frozen(WHEN):
        sent, failed = dispatch_outbox()

    assert (sent, failed) == (2, 0)
    headers = {tuple(m.to): m.message() for m in sent_mail.outbox}
    assert headers[("alice@example.org",)]["Auto-Submitted"] == "auto-replied"  # the acknowledgment
    assert headers[("office@broker.example",)]["Auto-Submitted"] == "auto-generated"
    assert all(m["X-Auto-Response-Suppress"] == "All" for m in headers.values())


def _acknowledged(pipe, n: int, sender="Alice Walker <alice@example.org>", when=WHEN) -> None:
    for i in range(n):
        assert pipe(message(sender=sender, message_id=f"<{sender.split('<')[1].split('@')[0]}-{when:%j%H}-{i}@x>",
                            subject=f"Complaint {i}"), when=when).code == 0


@pytest.mark.django_db
def test_acknowledgments_to_one_address_are_rate_limited_and_the_ones_held_back_recorded(org, pipe, settings):
    settings.REDRESS_ACK_LIMIT, settings.REDRESS_ACK_PERIOD_HOURS = 2, 24
    _acknowledged(pipe, 3)
    _acknowledged(pipe, 1, sender="Bob <bob@example.org>")

    with frozen(WHEN + timedelta(minutes=5)):
        dispatch_outbox()

    to_alice = OutboxMessage.objects.filter(to_address="alice@example.org").order_by("id")
    assert [m.status for m in to_alice] == ["sent", "sent", "held_back"]
    assert "2 acknowledgments to this address within 24 h" in to_alice[2].last_error
    assert OutboxMessage.objects.get(to_address="bob@example.org").status == "sent"
    assert sorted(tuple(m.to) for m in sent_mail.outbox) == [("alice@example.org",)] * 2 + [("bob@example.org",)]

    # a day later Alice's next complaint is acknowledged again; the one held back stays held back
    later = WHEN + timedelta(hours=25)
    _acknowledged(pipe, 1, when=later)
    with frozen(later + timedelta(minutes=5)):
        dispatch_outbox()
    assert [m.status for m in to_alice.all()] == ["sent", "sent", "held_back", "sent"]


@pytest.mark.django_db
def test_the_rate_limit_counts_acknowledgments_only(org, pipe, settings):
    settings.REDRESS_ACK_LIMIT, settings.REDRESS_ACK_PERIOD_HOURS = 1, 24
    _acknowledged(pipe, 1)
    c = Complaint.objects.get()
    from redress.complaints import services as svc
    with frozen(WHEN + timedelta(minutes=1)):
        svc.message_send(c, actor=org.office, kind="progress", body="We are looking into it.", channel="email")
        dispatch_outbox()
    assert [m.status for m in OutboxMessage.objects.filter(to_address="alice@example.org")] == ["sent", "sent"]


@pytest.mark.django_db
def test_the_null_sender_in_the_environment_marks_a_bounce(org, pipe, monkeypatch):
    # Postfix local(8) delivering to an alias `|redress mail-in`, and Exim's pipe, set SENDER
    monkeypatch.setenv("SENDER", "")
    bounce = message(sender="Mail System <noreply@mx.bank.example>", subject="Delivery failure",
                     body="Your message could not be delivered.", message_id="<dsn-3@mx.bank.example>")

    assert pipe(bounce).code == 0

    assert not Complaint.objects.exists() and "null sender" in ignored_as("退信 delivery report").reason


@pytest.mark.django_db
def test_a_customer_named_in_the_environment_is_taken_as_usual(org, pipe, monkeypatch):
    monkeypatch.setenv("SENDER", "alice@example.org")

    assert pipe(message()).code == 0

    assert Complaint.objects.count() == 1 and not QuarantinedMail.objects.exists()
