"""One customer, one record (issue 13 item 8): a complaint goes on the record of the
customer it is from when a verified contact says so, is offered to a person when a
contact is shared without that proof, and two different people are never merged
without a person deciding — who is in the ledger."""

from __future__ import annotations

import json

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType, verify
from redress.complaints.models import Complaint, Customer, CustomerMatch
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input


def take(org, when=None, **customer) -> Complaint:
    """A complaint taken down with this customer (verified=(...) as the channel proves)."""
    data = complaint_input(customer=svc.CustomerInput(**customer))
    with frozen(when or at(2026, 3, 2)):
        return svc.complaint_receive(actor=org.intake, data=data, register=True)


def events(complaint: Complaint, type_: EventType) -> list[dict]:
    return [json.loads(e.payload) for e in complaint.events.filter(type=type_).order_by("seq")]


def test_a_phone_read_back_at_intake_links_the_next_call_from_the_same_person(org):
    first = take(org, name="王小明", phone="139 1234 5678", verified=("phone",))
    assert first.customer.phone == "13912345678" and first.customer.phone_verified_at is not None

    again = take(org, at(2026, 3, 3), name="王 小明", phone="+86 139-1234-5678", verified=("phone",))

    assert again.customer_id == first.customer_id and Customer.objects.count() == 1
    assert events(again, EventType.CUSTOMER_MATCHED) == [{"customer": first.customer_id, "by": ["phone"]}]
    assert not CustomerMatch.objects.exists()


def test_the_same_phone_under_another_name_is_offered_not_merged(org):
    first = take(org, name="王小明", phone="13912345678", verified=("phone",))

    other = take(org, at(2026, 3, 3), name="王小红", phone="13912345678", verified=("phone",))

    assert other.customer_id != first.customer_id and Customer.objects.count() == 2
    offer = CustomerMatch.objects.get()
    assert (offer.complaint, offer.candidate_id, offer.shared, offer.status) == (
        other, first.customer_id, ["phone"], CustomerMatch.Status.OPEN)
    assert events(other, EventType.CUSTOMER_MATCH_OFFERED) == [
        {"candidates": [{"customer": first.customer_id, "shared": ["phone"]}]}]
    assert "13912345678" not in other.events.get(type=EventType.CUSTOMER_MATCH_OFFERED).payload


def test_a_contact_nobody_verified_only_offers_even_under_the_same_name(org):
    first = take(org, name="王小明", phone="13912345678")  # typed by an API client: not verified
    assert first.customer.phone_verified_at is None

    again = take(org, at(2026, 3, 3), name="王小明", phone="13912345678")

    assert again.customer_id != first.customer_id
    assert CustomerMatch.objects.get().candidate_id == first.customer_id


def test_an_unproved_channel_with_a_verified_contact_and_the_same_name_links_but_overwrites_nothing(org):
    first = take(org, name="王小明", phone="13912345678", email="wang@example.cn", verified=("phone",))

    again = take(org, at(2026, 3, 3), name="王小明", phone="13912345678", email="someone.else@example.cn",
                 address="广州市天河路 1 号")

    customer = Customer.objects.get()
    assert again.customer_id == first.customer_id
    assert customer.email == "wang@example.cn"  # the portal's typing does not replace what was verified
    assert customer.address == "广州市天河路 1 号"  # what the record lacked is added


def test_two_verified_records_for_one_contact_decide_nothing_by_themselves(org):
    a = take(org, name="王小明", phone="13912345678", account_number="A1", verified=("phone",))
    b = take(org, name="王小明", phone="13912345678", account_number="A2", verified=("phone",))
    assert a.customer_id != b.customer_id  # two accounts, two records

    third = take(org, at(2026, 3, 3), name="王小明", phone="13912345678", verified=("phone",))

    assert third.customer_id not in (a.customer_id, b.customer_id)
    assert sorted(CustomerMatch.objects.filter(complaint=third).values_list("candidate_id", flat=True)) == sorted(
        [a.customer_id, b.customer_id])


def test_the_same_customer_confirmed_on_the_case_moves_it_and_forgets_the_spare_record(org):
    first = take(org, name="王小明", phone="13912345678", verified=("phone",))
    other = take(org, at(2026, 3, 3), name="王晓明", phone="13912345678", email="wxm@example.cn")
    spare = other.customer_id
    offer = CustomerMatch.objects.get()

    with frozen(at(2026, 3, 3, 11)):
        svc.customer_match_decide(other, actor=org.intake, match_id=offer.pk, same=True,
                                  expected_version=other.version)

    other.refresh_from_db()
    offer.refresh_from_db()
    assert other.customer_id == first.customer_id and not Customer.objects.filter(pk=spare).exists()
    assert (offer.status, offer.decided_by) == (CustomerMatch.Status.SAME, org.intake)
    assert Customer.objects.get().email == "wxm@example.cn"  # the contact the record lacked
    confirmed = other.events.get(type=EventType.CUSTOMER_CONFIRMED)
    assert json.loads(confirmed.payload) == {"customer": first.customer_id, "previous": spare, "at": "case"}
    assert confirmed.actor == org.intake
    assert verify().ok


def test_a_different_person_keeps_both_records(org):
    take(org, name="王小明", phone="13912345678", verified=("phone",))
    other = take(org, at(2026, 3, 3), name="王小红", phone="13912345678", verified=("phone",))
    offer = CustomerMatch.objects.get()

    svc.customer_match_decide(other, actor=org.office, match_id=offer.pk, same=False)

    offer.refresh_from_db()
    assert offer.status == CustomerMatch.Status.DIFFERENT and Customer.objects.count() == 2
    assert events(other, EventType.CUSTOMER_MATCH_REJECTED) == [{"candidates": [offer.candidate_id], "at": "case"}]
    with pytest.raises(ValidationFailed):
        svc.customer_match_decide(other, actor=org.office, match_id=offer.pk, same=True)


def test_a_handler_may_not_decide_and_nothing_is_written(org):
    take(org, name="王小明", phone="13912345678", verified=("phone",))
    other = take(org, at(2026, 3, 3), name="王小红", phone="13912345678", verified=("phone",))
    offer = CustomerMatch.objects.get()
    before = other.events.count()

    with pytest.raises(NotPermitted):
        svc.customer_match_decide(other, actor=org.handler, match_id=offer.pk, same=True)

    offer.refresh_from_db()
    assert offer.status == CustomerMatch.Status.OPEN and other.events.count() == before


def test_the_agents_answer_at_intake_is_recorded(org):
    first = take(org, name="王小明", phone="13912345678", verified=("phone",))
    data = complaint_input(customer=svc.CustomerInput(name="王晓明", phone="13912345678", verified=("phone",),
                                                      known=first.customer, confirmed=first.customer_id))
    with frozen(at(2026, 3, 3)):
        same = svc.complaint_receive(actor=org.intake, data=data, register=True)
    data = complaint_input(customer=svc.CustomerInput(name="王小红", phone="13912345678", verified=("phone",),
                                                      not_same=frozenset({first.customer_id})))
    with frozen(at(2026, 3, 3)):
        other = svc.complaint_receive(actor=org.intake, data=data, register=True)

    assert same.customer_id == first.customer_id
    assert events(same, EventType.CUSTOMER_CONFIRMED) == [{"customer": first.customer_id, "at": "intake"}]
    assert other.customer_id != first.customer_id and not CustomerMatch.objects.exists()
    assert events(other, EventType.CUSTOMER_MATCH_REJECTED) == [{"candidates": [first.customer_id], "at": "intake"}]


def test_a_re_complaint_stays_on_the_customers_record(org, walk):
    w = walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="020-8765 4321"))
    original = w.c
    w.assess()
    w.dispatch()
    w.accept()
    w.propose()
    w.approve()
    w.communicate()
    with frozen(at(2026, 3, 20)):
        new = svc.complaint_recomplain(original, actor=org.intake, cause="结果不能接受", channel="phone")
    assert new.customer_id == original.customer_id and Customer.objects.count() == 1


def test_a_phone_that_is_no_number_is_refused_on_every_channel_and_nothing_is_written(org):
    with pytest.raises(ValidationFailed) as refused:
        take(org, name="王小明", phone="abc-123")
    assert refused.value.field == "customer.phone" and "not a phone number" in refused.value.rule
    assert not Customer.objects.exists() and not Complaint.objects.exists()


@pytest.mark.parametrize(("field", "value", "limit"), [
    ("cause", "我" * 50_001, "50,000"), ("request", "x" * 120_000, "50,000"), ("subject", "题" * 201, "200"),
    ("customer.address", "路" * 301, "300"),
])
def test_every_text_has_a_maximum_and_a_longer_one_is_refused_naming_it(org, field, value, limit):
    if field.startswith("customer."):
        data = complaint_input(customer=svc.CustomerInput(name="王小明", phone="13912345678", address=value))
    else:
        data = complaint_input(**{field: value})
    with pytest.raises(ValidationFailed) as refused:
        svc.complaint_receive(actor=org.intake, data=data, register=True)
    assert refused.value.field == field and f"at most {limit} characters" in refused.value.rule
    assert not Complaint.objects.exists()


def test_a_record_kept_before_phones_were_checked_can_still_take_a_complaint(org):
    old = Customer.objects.create(name="老客户", phone="无", account_number="310000000001", created_at=at(2020, 1, 1))
    data = complaint_input(customer=svc.CustomerInput(name="老客户", phone="无", known=old))
    with frozen(at(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=data, register=True)
    assert c.customer_id == old.pk and Customer.objects.get().phone == "无"


def test_the_records_looked_at_are_those_the_orm_query_finds(org):
    """Intake's look-up of the records a complaint could go on is the ORM's query, on
    PostgreSQL compiled once and prepared: it finds the same records, in the same order,
    for an account number, an email, a phone however typed, any of them together."""
    from redress.complaints.services import customers as cs

    stored = [("甲", "13912345678", "a@example.com", "ACC-1"), ("乙", "021-6234 5678", "", ""),
              ("丙", "+86 139 1234 5678", "A@Example.com", ""), ("丁", "", "d@example.com", "ACC-1"),
              ("戊", "13800000000", "", "ACC-2")]
    for name, phone, email, account in stored:
        Customer.objects.create(name=name, phone=phone, email=email, account_number=account, created_at=at(2026, 3, 1))
    asked = [{"phone": "139-1234-5678"}, {"email": "A@EXAMPLE.COM"}, {"account_number": "ACC-1"},
             {"phone": "02162345678", "email": "d@example.com", "account_number": "ACC-2"},
             {"phone": "13700000000"}, {}]
    for typed in asked:
        data = svc.CustomerInput(name="某", **typed)
        phone = cs.typed_phone(data)
        keys = cs.phone_keys(phone.stored) if phone is not None else []
        wanted = {v for v in [typed.get("account_number", "")] if v}, {v.lower() for v in [typed.get("email", "")] if v}
        orm = list(cs._candidates_query(cs._condition(*wanted, keys))) if any(wanted) or keys else []
        found = cs._candidates(data, phone)
        assert [(c.pk, c.name, c.phone, c.public_id) for c in found] == \
            [(c.pk, c.name, c.phone, c.public_id) for c in orm], typed
        assert all(not c._state.adding and c._state.db == "default" for c in found)
    assert [c.name for c in cs._candidates(svc.CustomerInput(name="某", phone="139 1234 5678"),
                                           cs.typed_phone(svc.CustomerInput(name="某", phone="139 1234 5678")))] \
        == ["甲", "丙"]
