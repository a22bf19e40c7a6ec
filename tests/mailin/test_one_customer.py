"""One customer, one record, by mail (issue 13 item 8): five messages from one address
used to make five customer records, so the open-complaint warning never fired for mail.
The address a customer writes from is verified by their writing from it; their next
message is on the same record, and the complaint page says what else they have open."""

from __future__ import annotations

from django.test import Client

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, Customer, CustomerMatch
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input
from tests.mailin.conftest import message


def test_five_messages_from_one_address_are_one_customer(org, pipe):
    senders = ["Alice Walker <alice@example.org>", "alice@example.org", "A. Walker <ALICE@example.org>",
               "Alice <alice@Example.org>", "alice walker <alice@example.org>"]
    for n, sender in enumerate(senders, start=1):
        assert pipe(message(sender=sender, subject=f"Problem {n}", message_id=f"<m{n}@example.org>"),
                    when=at(2026, 3, n + 1)).code == 0

    assert Complaint.objects.count() == 5 and Customer.objects.count() == 1
    customer = Customer.objects.get()
    assert customer.email == "alice@example.org" and customer.email_verified_at is not None
    assert customer.name == "Alice Walker"  # the first display name; later ones do not rename the record
    assert Complaint.objects.filter(events__type=EventType.CUSTOMER_MATCHED).count() == 4


def test_the_complaint_page_warns_of_the_customers_other_open_complaints(org, pipe):
    pipe(message(message_id="<a@example.org>", subject="Order not executed"), when=at(2026, 3, 2))
    pipe(message(message_id="<b@example.org>", subject="Fee charged twice"), when=at(2026, 3, 3))
    first, second = Complaint.objects.order_by("id")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(org.office)

    page = client.get(second.get_absolute_url()).content.decode()

    assert "该客户还有 1 件未办结的投诉" in page and first.reference in page


def test_mail_from_an_address_someone_typed_elsewhere_is_offered_not_merged(org, pipe):
    # typed on the portal or by an API client: nobody showed the address is theirs
    data = complaint_input(customer=svc.CustomerInput(name="Alice Walker", email="alice@example.org"))
    with frozen(at(2026, 3, 1)):
        typed = svc.complaint_receive(actor=org.intake, data=data, register=True)

    assert pipe(message(), when=at(2026, 3, 2)).code == 0

    mailed = Complaint.objects.exclude(pk=typed.pk).get()
    assert mailed.customer_id != typed.customer_id
    offer = CustomerMatch.objects.get()
    assert (offer.complaint, offer.candidate_id, offer.shared) == (mailed, typed.customer_id, ["email"])
    # Once the person confirms it, the next message goes on that record by itself.
    svc.customer_match_decide(mailed, actor=org.office, match_id=offer.pk, same=True)
    assert pipe(message(message_id="<again@example.org>", subject="And again"), when=at(2026, 3, 3)).code == 0
    assert Customer.objects.count() == 1 and Complaint.objects.filter(customer_id=typed.customer_id).count() == 3
