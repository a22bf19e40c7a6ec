"""Bad input is refused with the field and the rule, and nothing is half-written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, Customer, Event, Evidence
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input

NOW = at(2026, 3, 2)


def refused(org, **overrides) -> ValidationFailed:
    with frozen(NOW), pytest.raises(ValidationFailed) as err:
        svc.complaint_receive(actor=org.intake, data=complaint_input(**overrides), register=True)
    assert Complaint.objects.count() == 0 and Event.objects.count() == 0 and Customer.objects.count() == 0
    return err.value


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"customer": svc.CustomerInput(name="李四")}, "customer.contact", "at least one way"),
        ({"customer": svc.CustomerInput(name=" ", phone="138")}, "customer.name", "required"),
        ({"customer": svc.CustomerInput(name="李四", email="not-an-email")}, "customer.email", "not an email"),
        ({"amount_claimed": "-5"}, "amount_claimed", "negative"),
        ({"amount_claimed": "五百"}, "amount_claimed", "number"),
        ({"amount_claimed": "NaN"}, "amount_claimed", "finite"),
        ({"received_at": NOW + timedelta(days=1)}, "received_at", "future"),
        ({"channel": "pigeon"}, "channel", "unknown channel"),
        ({"cause": "  "}, "cause", "事由"),
        ({"referral_source": "mars"}, "referral_source", "unknown authority"),
    ],
)
def test_intake_refuses_bad_input_naming_field_and_rule(org, overrides, field, rule):
    error = refused(org, **overrides)
    assert error.field == field
    assert rule in str(error)


def test_unknown_category_is_refused(org, walk):
    w = walk()
    with frozen(NOW), pytest.raises(ValidationFailed) as err:
        svc.complaint_assess(w.c, actor=org.office, category="astrology", severity="low")
    assert err.value.field == "category"
    w.c.refresh_from_db()
    assert w.c.category == "" and w.c.state == "registered"


def test_a_contact_with_the_customer_needs_what_was_said_and_a_known_channel(org, walk):
    w = walk().assess().dispatch().accept()
    with frozen(NOW), pytest.raises(ValidationFailed) as err:
        svc.contact_record(w.c, actor=org.handler, channel="phone", note="  ")
    assert (err.value.field, err.value.rule) == ("note", "record what was said")
    with frozen(NOW), pytest.raises(ValidationFailed) as err:
        svc.contact_record(w.c, actor=org.handler, channel="carrier_pigeon", note="已联系")
    assert (err.value.field, err.value.rule) == ("channel", "unknown channel 'carrier_pigeon'")
    with frozen(NOW), pytest.raises(NotPermitted) as err:
        svc.contact_record(w.c, actor=org.handler2, channel="phone", note="已联系")
    assert str(err.value) == "recording contact with the customer is for the handler or the head of the responsible unit"
    assert not w.c.communications.filter(kind="contact").exists()


def test_action_by_the_wrong_role_is_refused_and_names_the_roles(org, walk):
    w = walk()
    with frozen(NOW), pytest.raises(NotPermitted) as err:
        svc.complaint_assess(w.c, actor=org.handler, category="counter", severity="low")
    assert "complaints_office" in str(err.value)


def test_amount_claimed_makes_an_economic_dispute(org, walk):
    w = walk(amount_claimed="1,500.50")
    assert w.c.amount_claimed == pytest.approx(1500.50) and w.c.is_economic_dispute


def test_oversized_evidence_is_refused_before_anything_is_stored(org, walk, settings):
    w = walk()
    big = b"%PDF" + b"0" * (20 * 1024 * 1024)
    with frozen(NOW), pytest.raises(ValidationFailed) as err:
        svc.evidence_add(w.c, actor=org.intake, name="statement.pdf", content_type="application/pdf", data=big)
    assert err.value.field == "file" and "limit" in str(err.value)
    assert not Evidence.objects.exists()
    assert not (settings.MEDIA_ROOT / "evidence").exists()


def test_disallowed_evidence_type_is_refused(org, walk):
    w = walk()
    with frozen(NOW), pytest.raises(ValidationFailed) as err:
        svc.evidence_add(w.c, actor=org.intake, name="run.exe", content_type="application/x-msdownload",
                         data=b"MZ\x90\x00")
    assert err.value.field == "file.content_type"


def test_evidence_whose_content_does_not_match_its_type_is_refused(org, walk):
    w = walk()
    with frozen(NOW), pytest.raises(ValidationFailed, match="not a application/pdf"):
        svc.evidence_add(w.c, actor=org.intake, name="x.pdf", content_type="application/pdf", data=b"MZ\x90\x00")


def test_evidence_is_stored_with_its_sha256_in_the_ledger(org, walk):
    import hashlib

    w = walk()
    data = b"%PDF-1.4 statement"
    with frozen(NOW):
        item = svc.evidence_add(w.c, actor=org.intake, name="statement.pdf", content_type="application/pdf",
                                data=data)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.file.read() == data
    assert item.sha256 in w.c.events.get(type=32).payload


def test_forbidden_phrase_warns_before_the_reply_is_sent(org, walk):
    w = walk().assess().dispatch().accept()
    with frozen(NOW), pytest.raises(svc.ForbiddenPhrases) as err:
        svc.message_send(w.c, actor=org.handler, kind="progress", channel="phone",
                         body="您好,这事情的责任不在我公司,请理解。")
    assert err.value.phrases == ["这事情的责任不在我公司"]
    assert not w.c.communications.filter(kind="progress").exists()


def test_forbidden_phrase_in_english_is_caught_too(org, walk):
    w = walk().assess().dispatch().accept()
    with frozen(NOW), pytest.raises(svc.ForbiddenPhrases):
        svc.message_send(w.c, actor=org.handler, kind="progress", channel="email",
                         body="Having checked, we did nothing wrong.")


def test_a_critical_trigger_tells_exactly_the_roles_its_policy_names_and_which_trigger(org):
    """001 第三条(三): a threat of litigation goes to the complaints office and compliance
    (cn-securities), one message each naming the trigger; not to another trigger's roles."""
    from redress.notify.models import OutboxMessage

    with frozen(NOW):
        c = svc.complaint_receive(actor=org.intake, register=True, data=complaint_input(cause="再不处理我就去法院起诉你们"))
    assert c.critical_flags == ["litigation_threat"]
    told = OutboxMessage.objects.filter(complaint=c, kind="critical_trigger")
    assert sorted((m.to_role, m.payload["trigger"]) for m in told) == [
        ("complaints_office", "litigation_threat"), ("compliance", "litigation_threat")]
    # The ledger says which triggers and how they were found (words of the complaint,
    # or a person at the assessment: "manual").
    raised = json.loads(c.events.get(type=EventType.TRIGGER_RAISED).payload)
    assert (raised["triggers"], raised["source"]) == (["litigation_threat"], "keywords")


def test_a_trigger_named_at_the_assessment_is_recorded_as_named_by_a_person(org, walk):
    w = walk().assess(critical_flags=["litigation_threat"])
    raised = json.loads(w.c.events.get(type=EventType.TRIGGER_RAISED).payload)
    assert (raised["triggers"], raised["source"]) == (["litigation_threat"], "manual")


def test_critical_trigger_keywords_notify_at_once(org):
    from redress.notify.models import OutboxMessage

    with frozen(NOW):
        c = svc.complaint_receive(actor=org.intake, register=True, data=complaint_input(
            cause="我的账户资金被盗,证券被盗买盗卖,我要去法院起诉你们"))
    assert c.critical_flags
    assert OutboxMessage.objects.filter(complaint=c, kind="critical_trigger").exists()
    assert c.events.filter(type=11).exists()
