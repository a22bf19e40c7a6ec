"""`redress mail-in` answers 75 ("try again") only for what a retry can fix; a message
that can never be taken as it is goes to the quarantine, where the complaints office
reads it and releases or discards it, on the record."""

from __future__ import annotations

import errno
import json

import pytest
from django.db import DatabaseError, DataError, InterfaceError, OperationalError

from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, Event, Evidence
from redress.complaints.timesource import frozen
from redress.mailin import intake, quarantine
from redress.mailin.models import InboundMail, QuarantinedMail
from tests.conftest import at
from tests.mailin.conftest import PDF, message

LATER = at(2026, 3, 3, 9, 30)


def failing(exc: BaseException):
    def route(*args, **kwargs):
        raise exc

    return route


def held_actions(item: QuarantinedMail) -> list[str]:
    return list(item.actions.values_list("kind", flat=True))


@pytest.mark.django_db
def test_a_300_character_chinese_attachment_name_gets_in_and_is_downloaded_under_its_name(org, pipe, client):
    # given a complaint whose scan is named with 300 Chinese characters
    name = "二〇二六年三月二日委托未成交截图" * 18 + "客户扫描原件附件.pdf"
    assert len(name) == 300
    msg = message()
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename=name)

    # when the mail server pipes it in, it is taken (not 75 for ever)
    result = pipe(msg)
    assert result.code == 0, result.err
    item = Evidence.objects.get()
    assert item.original_name.startswith("二〇二六年三月二日委托未成交截图") and item.original_name.endswith("….pdf")
    assert len(item.original_name) == 255 and len(item.file.name) < 100

    # and the office downloads it under that name
    client.force_login(org.office)
    response = client.get(f"{item.complaint.get_absolute_url()}evidence/{item.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "filename*=utf-8''%E4%BA%8C%E3%80%87" in response["Content-Disposition"]


@pytest.mark.django_db
def test_nul_characters_in_a_mail_are_removed_and_the_record_says_so(org, pipe):
    result = pipe(message(body="My order\x00 was never\x00\x00 executed."))
    assert result.code == 0, result.err
    c = Complaint.objects.get()
    assert "\x00" not in c.cause and c.cause.startswith("My order was never executed.")
    assert "3 NUL character(s) removed" in c.cause
    assert InboundMail.objects.get().nul_stripped == 3


@pytest.mark.django_db
def test_a_data_error_holds_the_mail_with_exit_0_and_the_office_releases_it(org, pipe, monkeypatch):
    # given intake that fails on this message with a data error (as a bug would)
    monkeypatch.setattr(intake, "_open", failing(DataError("value too long for type character varying(100)")))
    msg = message()
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="statement.pdf")
    raw = msg.as_bytes()

    # when the mail server pipes it in
    result = pipe(raw)

    # then the mail server is told it was taken, and the message is held, byte for byte
    assert result.code == 0, result.err
    held = QuarantinedMail.objects.get()
    assert result.out.strip() == (f"mail-in: quarantined #{held.pk} (DataError); the complaints office will see it "
                                  "in the workbench")
    assert bytes(held.raw) == raw and held.status == "held" and held.message_id == "<m1@mail.example.org>"
    assert held.reason == "DataError: value too long for type character varying(100)"
    assert not Complaint.objects.exists() and not InboundMail.objects.exists()
    assert held_actions(held) == ["held"]

    # and once the cause is fixed the office releases it into intake
    monkeypatch.undo()
    with frozen(LATER):
        released = quarantine.release(held.pk, actor=org.office, note="fixed in 1.4.2")
    c = Complaint.objects.get()
    assert released.ok and released.reference == c.reference
    assert c.channel == "email" and c.state == "registered" and Evidence.objects.filter(complaint=c).count() == 1
    assert Event.objects.filter(complaint=c, type=EventType.RECEIVED).exists()
    held.refresh_from_db()
    assert (held.status, held.decided_by, held.decided_at, held.note, held.complaint) == (
        "released", org.office, LATER, "fixed in 1.4.2", c)
    assert held_actions(held) == ["held", "released"]
    assert held.actions.last().reference == c.reference


@pytest.mark.django_db
def test_the_same_message_delivered_again_while_held_is_held_once(org, pipe, monkeypatch):
    monkeypatch.setattr(intake, "_open", failing(ValueError("a bug")))
    assert pipe(message()).code == 0
    again = pipe(message())
    assert again.code == 0 and "already held" in again.out
    assert QuarantinedMail.objects.count() == 1


@pytest.mark.django_db
def test_a_release_that_fails_again_keeps_the_message_held_and_records_why(org, pipe, monkeypatch):
    monkeypatch.setattr(intake, "_open", failing(ValueError("still broken")))
    pipe(message())
    held = QuarantinedMail.objects.get()
    with frozen(LATER):
        outcome = quarantine.release(held.pk, actor=org.office)
    assert not outcome.ok and outcome.reason == "ValueError: still broken"
    held.refresh_from_db()
    assert held.status == "held" and held_actions(held) == ["held", "release_failed"]
    assert held.actions.last().actor == org.office and not Complaint.objects.exists()


@pytest.mark.django_db
def test_the_office_discards_a_held_message_with_a_note_and_it_cannot_be_released_after(org, pipe, monkeypatch):
    monkeypatch.setattr(intake, "_open", failing(ValueError("a bug")))
    pipe(message())
    held = QuarantinedMail.objects.get()
    with pytest.raises(ValidationFailed) as no_note:
        quarantine.discard(held.pk, actor=org.office, note="  ")
    assert no_note.value.field == "note"
    with frozen(LATER):
        quarantine.discard(held.pk, actor=org.office2, note="test message from the mail administrator")
    held.refresh_from_db()
    assert (held.status, held.decided_by, held.note) == ("discarded", org.office2,
                                                          "test message from the mail administrator")
    assert held_actions(held) == ["held", "discarded"]
    with pytest.raises(ValidationFailed):
        quarantine.release(held.pk, actor=org.office)


@pytest.mark.django_db
def test_only_the_complaints_office_decides_on_held_mail(org, pipe, monkeypatch):
    monkeypatch.setattr(intake, "_open", failing(ValueError("a bug")))
    pipe(message())
    held = QuarantinedMail.objects.get()
    with pytest.raises(NotPermitted):
        quarantine.release(held.pk, actor=org.handler)
    with pytest.raises(NotPermitted):
        quarantine.discard(held.pk, actor=org.intake, note="spam")
    assert held_actions(held) == ["held"]


@pytest.mark.django_db
@pytest.mark.parametrize("outage", [
    OperationalError("could not connect to server: Connection refused"),
    InterfaceError("connection already closed"),
    OSError(errno.ENOSPC, "No space left on device"),
    OSError(errno.EIO, "Input/output error"),
], ids=["database down", "connection lost", "disk full", "disk failing"])
def test_what_a_retry_can_fix_is_75_and_nothing_is_held(org, pipe, monkeypatch, outage):
    monkeypatch.setattr(intake, "handle", failing(outage))
    result = pipe(message())
    assert result.code == 75
    assert result.err.startswith("redress mail-in: temporary failure, try again later")
    assert not QuarantinedMail.objects.exists()


@pytest.mark.django_db
def test_a_driver_error_wrapped_by_django_is_judged_by_what_it_is(org):
    try:
        try:
            raise RuntimeError("psycopg: value too long")
        except RuntimeError as driver:
            raise DataError("value too long") from driver
    except DataError as wrapped:
        assert not quarantine.is_temporary(wrapped)
    try:
        raise ValueError("a bug") from OperationalError("server closed the connection")
    except ValueError as caused:
        assert quarantine.is_temporary(caused)


@pytest.mark.django_db
def test_when_even_the_quarantine_cannot_be_written_for_a_database_reason_it_is_75(org, pipe, monkeypatch):
    monkeypatch.setattr(intake, "_open", failing(DataError("bad data")))
    monkeypatch.setattr(quarantine, "hold", failing(DatabaseError("relation mailin_quarantinedmail does not exist")))
    result = pipe(message())
    assert result.code == 75 and not QuarantinedMail.objects.exists()


@pytest.mark.django_db
def test_a_message_that_cannot_be_parsed_at_all_is_held_by_its_digest(org, pipe, monkeypatch):
    def broken(raw, *envelope_sender):
        raise UnicodeError("unreadable")

    monkeypatch.setattr(intake, "parse", broken)
    monkeypatch.setattr("redress.mailin.parse.parse", broken)
    result = pipe(b"From: x@example.org\r\nSubject: \xff\xfe\r\n\r\nbody\r\n")
    assert result.code == 0
    held = QuarantinedMail.objects.get()
    assert held.message_id == "" and len(held.key) == 64 and held.reason == "UnicodeError: unreadable"


def test_the_quarantine_reason_keeps_no_nul_and_one_line():
    assert quarantine.describe(ValueError("a\x00b\nsecond line")) == "ValueError: ab"
    assert json.dumps(quarantine.describe(KeyError()))  # no message: the type alone
