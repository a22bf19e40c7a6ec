"""The intake screen and one customer, one record (issues 12.3 and 13.8): the read-back
says in full what the agent typed (it is read to the customer), a record that only
shares the phone is offered for the agent to ask about, the answer is in the ledger, and
the lookup pages through every match saying how many."""

from __future__ import annotations

import json
import re

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, Customer, CustomerMatch
from redress.complaints.timesource import frozen, now
from tests.conftest import at, complaint_input
from tests.web.intake.conftest import latest, read_back, typed


def known_customer(org, name="王小明", phone="13912345678") -> Complaint:
    data = complaint_input(customer=svc.CustomerInput(name=name, phone=phone, verified=("phone",)))
    with frozen(at(2026, 3, 1)):
        return svc.complaint_receive(actor=org.intake, data=data, register=True)


def test_the_read_back_says_the_typed_name_and_phone_in_full(org, signed_in):
    known_customer(org, name="李四", phone="13912345678")  # the same person called before
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        page = read_back(client, typed(name="李四", phone="139 1234 5678", account_number="")).content.decode()
    said = re.search(r'<dl class="said">(.*?)</dl>', page, re.S).group(1)
    assert "李四" in said and "13912345678" in said  # as it will be stored, for the customer to confirm
    assert "139****5678" not in said and "李*" not in said
    assert "该客户已有 1 件未办结的投诉" in page  # the verified phone and name found their record


def test_a_record_sharing_only_the_phone_is_offered_and_the_answer_recorded(org, signed_in, save):
    first = known_customer(org)
    client = signed_in("intake")
    data = typed(name="王晓明", phone="13912345678", account_number="")
    with frozen(at(2026, 3, 2, 10, 0)):
        page = read_back(client, data).content.decode()
        assert "这是已有档案的客户吗" in page and "与 王** 是同一人" in page and "电话相同 139****5678" in page
        assert "13912345678" not in page.split('id="customer-match"')[1].split("</section>")[0]
        assert f'value="{first.customer.public_id}"' in page and f'value="{first.customer_id}"' not in page
        save(client, data, customer_match=str(first.customer.public_id))

    new = latest()
    assert new.customer_id == first.customer_id and Customer.objects.count() == 1
    confirmed = new.events.get(type=EventType.CUSTOMER_CONFIRMED)
    assert json.loads(confirmed.payload) == {"customer": first.customer_id, "at": "intake"}
    assert confirmed.actor == org.intake


def test_a_different_person_and_not_sure_are_recorded_too(org, signed_in, save):
    first = known_customer(org)
    client = signed_in("intake", "en")
    with frozen(at(2026, 3, 2, 10, 0)):
        page = read_back(client, typed(name="王小红", phone="13912345678", account_number="")).content.decode()
        assert "Is this a customer we already know?" in page and "A different person" in page
        save(client, typed(name="王小红", phone="13912345678", account_number=""), customer_match="new")
        rejected = latest()
        save(client, typed(name="王晓红", phone="13912345678", account_number="", subject="再次来电"),
             customer_match="")
        later = latest()

    assert rejected.customer_id != first.customer_id and not CustomerMatch.objects.filter(complaint=rejected)
    assert rejected.events.filter(type=EventType.CUSTOMER_MATCH_REJECTED).exists()
    offered = CustomerMatch.objects.filter(complaint=later).values_list("candidate_id", flat=True)
    assert first.customer_id in offered  # not sure: decided later on the complaint page


def test_the_answer_cannot_name_a_record_that_was_not_offered(org, signed_in, save):
    known_customer(org)
    stranger = Customer.objects.create(name="赵六", phone="13700000000", created_at=now())
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        save(client, typed(name="王晓明", phone="13912345678", account_number=""), customer_match=str(stranger.public_id))
    assert latest().customer_id != stranger.pk


def test_the_case_page_offers_the_record_to_intake_and_moves_the_complaint(org, signed_in):
    first = known_customer(org)
    data = complaint_input(customer=svc.CustomerInput(name="王晓明", phone="13912345678"))
    with frozen(at(2026, 3, 2)):
        other = svc.complaint_receive(actor=org.intake, data=data, register=True)
    offer = CustomerMatch.objects.get()
    handler_view = signed_in("office", "en").get(other.get_absolute_url()).content.decode()
    assert "Same customer: move this complaint to that record" in handler_view
    assert "Is this a customer" not in signed_in("compliance").get(other.get_absolute_url()).content.decode()

    client = signed_in("intake")
    stale = client.post(f"{other.get_absolute_url()}customer-match/{offer.pk}/",
                        {"decision": "same", "version": str(other.version - 1)})
    assert stale.status_code == 409 and Complaint.objects.get(pk=other.pk).customer_id != first.customer_id
    done = client.post(f"{other.get_absolute_url()}customer-match/{offer.pk}/",
                       {"decision": "same", "version": str(other.version)})

    assert done.status_code == 302
    assert Complaint.objects.get(pk=other.pk).customer_id == first.customer_id
    page = client.get(other.get_absolute_url()).content.decode()
    assert "确认为同一客户" in page and "这是已有档案的客户吗" not in page
    assert f"{first.reference}" in page  # now the same customer's other open complaint


def test_a_handler_cannot_decide_who_the_customer_is(org, signed_in):
    known_customer(org)
    data = complaint_input(customer=svc.CustomerInput(name="王晓明", phone="13912345678"))
    with frozen(at(2026, 3, 2)):
        other = svc.complaint_receive(actor=org.intake, data=data, register=True)
    offer = CustomerMatch.objects.get()
    response = signed_in("office").post(f"{other.get_absolute_url()}customer-match/{offer.pk}/",
                                        {"decision": "different", "version": str(other.version)})
    assert response.status_code == 302  # the complaints office may
    other.refresh_from_db()
    offer.refresh_from_db()
    assert offer.status == CustomerMatch.Status.DIFFERENT


def search(client, q: str, page: int | None = None) -> str:
    params = {"q": q, **({"page": page} if page else {})}
    return client.get("/intake/customers/", params, HTTP_HX_REQUEST="true").content.decode()


def test_the_lookup_pages_beyond_ten_and_says_how_many(org, signed_in):
    for n in range(25):  # a number many records give: a company's switchboard
        Customer.objects.create(name=f"欧阳{n:02d}", phone="02087654321", created_at=now())
    client = signed_in("intake")

    first, third = search(client, "020-87654321"), search(client, "020-87654321", 3)

    assert "第 1–10 位,共 25 位客户" in first and first.count('class="pick"') == 10
    assert "下一页" in first and "上一页" not in first
    assert "第 21–25 位,共 25 位客户" in third and "下一页" not in third and "上一页" in third
    assert "欧阳24" not in third and "欧**" in third  # still masked
    english = search(signed_in("intake", "en"), "020 8765 4321", 2)
    assert "11–20 of 25 customers" in english


def test_the_lookup_finds_a_whole_phone_however_it_is_written(org, signed_in):
    known_customer(org, name="王小明", phone="13912345678")
    page = search(signed_in("intake"), "+86 139-1234-5678")
    assert "王**" in page and "第 1–1 位,共 1 位客户" in page
