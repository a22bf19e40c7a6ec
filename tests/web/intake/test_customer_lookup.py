"""Finding the customer at intake, and the warning when they already have an open
complaint (SPEC §9: repeat-complaint linking)."""

from __future__ import annotations

from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, ComplaintLink, Customer
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.intake.conftest import latest, read_back, token_of, typed


def search(client, q: str) -> str:
    return client.get("/intake/customers/", {"q": q}, HTTP_HX_REQUEST="true").content.decode()


def test_lookup_by_whole_account_whole_phone_or_name_and_last_digits_shows_masked_data(org, signed_in, walk):
    walk(at(2026, 3, 2))  # 张三, 13800138000, account 310000123456
    client = signed_in("intake")
    for q in ("310000123456", "138 0013 8000", "+86 138-0013-8000", "张三 8000", "张三 3456"):
        page = search(client, q)
        assert "张*" in page and "138****8000" in page and "3100****3456" in page, q
        assert "13800138000" not in page and "310000123456" not in page and "张三<" not in page
    assert "没有与“王五 1234”匹配的客户" in search(client, "王五 1234")


def test_a_piece_of_a_number_or_a_bare_name_finds_no_one(org, signed_in, walk):
    walk(at(2026, 3, 2))
    client = signed_in("intake")
    for q in ("31000", "张三", "3", "张三 800", "13", ""):
        page = search(client, q)
        assert "请输入客户完整的电话号码" in page and "张*" not in page, q
    # Long enough to be an account number or a local number: looked up exactly, so a piece
    # of the customer's numbers matches nothing.
    for q in ("310000", "1380013800", "138 0013"):
        page = search(client, q)
        assert "没有与" in page and "张*" not in page, q
    english = search(signed_in("intake", "en"), "13800")
    assert "Type the customer&#x27;s whole phone number" in english and "A part of a number finds no one" in english


def test_customer_with_an_open_complaint_gets_a_warning(org, signed_in, walk):
    open_one = walk(at(2026, 3, 2)).c
    client = signed_in("intake")  # the unit that took it in
    assert open_one.reference in search(client, "310000123456")
    customer = Customer.objects.get()
    picked = client.get(f"/intake/customers/{customer.public_id}/", HTTP_HX_REQUEST="true").content.decode()
    assert "该客户已有 1 件未办结的投诉" in picked and open_one.reference in picked
    assert f'name="customer_public_id" value="{customer.public_id}"' in picked
    assert 'placeholder="138****8000"' in picked and "13800138000" not in picked


def test_another_units_open_complaint_is_counted_not_shown(org, signed_in, walk):
    """001 首问负责制: the first responder at a branch must know a case is in progress, but
    the reference and state of another unit's complaint are not theirs to read (issue 14)."""
    open_one = walk(at(2026, 3, 2)).c  # taken in by the customer service centre
    client = signed_in("intake2")  # at a branch
    found = search(client, "310000123456")
    assert "张*" in found and open_one.reference not in found and "1 件在其他部门" in found
    customer = Customer.objects.get()
    picked = client.get(f"/intake/customers/{customer.public_id}/", HTTP_HX_REQUEST="true").content.decode()
    assert "该客户在其他部门有 1 件未办结的投诉" in picked and open_one.reference not in picked


def test_chosen_customer_keeps_the_record_for_what_is_left_blank(org, signed_in, walk, save):
    open_one = walk(at(2026, 3, 2)).c
    customer = Customer.objects.get()
    client = signed_in("intake")
    data = typed(customer_public_id=str(customer.public_id), name="", phone="", account_number="",
                 email="zhang@example.com")
    with frozen(at(2026, 3, 3, 10, 0)):
        shown = read_back(client, data)
        page = shown.content.decode()
        assert "138****8000(来自客户档案)" in page and "该客户已有 1 件未办结的投诉" in page
        client.post("/intake/confirm/", {**data, "token": token_of(shown), "step": "confirm"})
    new = latest()
    assert new != open_one and new.customer_id == customer.pk  # the same customer, not a copy
    customer.refresh_from_db()
    assert (customer.phone, customer.email) == ("13800138000", "zhang@example.com")
    assert not ComplaintLink.objects.exists()  # "do not link" was the default


def test_new_complaint_is_linked_to_the_open_one_when_chosen(org, signed_in, walk, save):
    open_one = walk(at(2026, 3, 2)).c
    client = signed_in("intake")
    with frozen(at(2026, 3, 3, 10, 0)):
        save(client, typed(name="张三", phone="13800138000", account_number="310000123456"),
             link_to=open_one.reference, link_kind="duplicate")
    new = latest()
    link = ComplaintLink.objects.get()
    assert (link.source, link.target, link.kind) == (new, open_one, "duplicate")
    assert [e.type for e in new.events.order_by("seq")] == [EventType.RECEIVED, EventType.REGISTERED,
                                                            EventType.LINKED]


def test_a_link_to_someone_elses_complaint_is_ignored(org, signed_in, walk, save):
    other = walk(at(2026, 3, 2)).c  # 张三's complaint
    client = signed_in("intake")
    with frozen(at(2026, 3, 3, 10, 0)):
        save(client, typed(), link_to=other.reference, link_kind="related")  # 李四 is someone else
    assert Complaint.objects.count() == 2 and not ComplaintLink.objects.exists()
