"""Issue 14 item 1, walked as the attacker did: signed in as a branch's intake desk,
recover another unit's customer's phone number from the masked lookup one digit at a
time, and walk the customer pages by counting. On main at d89d0cb the digit walk
recovered the whole number (the lookup matched any prefix of two digits or more) and
/intake/customers/<pk>/ answered for every pk with the customer's open references.
Now a lookup needs a whole number (or a full name and the last four digits), every
probe is logged and counted against a per-person limit, and customer pages are named
by a random public id and scoped like complaints."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings

from redress.complaints.models import Customer, CustomerLookup
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.intake.conftest import read_back, typed

PHONE = "13800138000"  # the walk's customer, 张三, taken in by the customer service centre


def search(client, q: str):
    return client.get("/intake/customers/", {"q": q}, HTTP_HX_REQUEST="true")


def found_someone(page: str) -> bool:
    return 'class="pick"' in page


@override_settings(REDRESS_LOOKUPS_PER_MINUTE=10_000, REDRESS_LOOKUPS_PER_DAY=10_000)
def test_a_phone_number_cannot_be_walked_out_of_the_lookup_digit_by_digit(org, signed_in, walk):
    """With the limits out of the way: what the lookup itself gives away."""
    walk(at(2026, 3, 2))
    attacker = signed_in("intake2")
    known, probes = "", 0
    with frozen(at(2026, 3, 3, 10)):
        while len(known) < len(PHONE):
            # The lookup wanted two characters at least: the first step tries two digits.
            steps = [f"{a}{b}" for a in "0123456789" for b in "0123456789"] if not known else list("0123456789")
            for step in steps:
                probes += 1
                if found_someone(search(attacker, known + step).content.decode()):
                    known += step
                    break
            else:
                break  # no digit extends it: the walk is stuck
    assert known != PHONE, f"the whole number was recovered in {probes} lookups"
    assert known == ""  # not even its first digits
    logged = CustomerLookup.objects.filter(staff=org.intake2)
    assert logged.count() == probes  # every probe is on the record
    assert not logged.filter(matches__gt=0).exists()
    assert not any(PHONE[:7] in row.key_hash for row in logged)  # the keys are hashed, not kept


def test_lookups_are_limited_per_person_with_a_clear_refusal(org, signed_in, walk):
    walk(at(2026, 3, 2))
    desk, colleague = signed_in("intake2"), signed_in("intake2", "en")
    start = at(2026, 3, 3, 10)
    with frozen(start):
        for _ in range(30):
            assert search(desk, PHONE).status_code == 200
        refused = search(desk, PHONE)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "在过去一分钟内已查询客户 30 次" in page and "张*" not in page
    with frozen(start + timedelta(seconds=30)):
        english = search(colleague, PHONE)  # the same person in another browser: the same count
    assert english.status_code == 429 and "30 customer lookups in the last minute" in english.content.decode()
    assert search(signed_in("intake"), PHONE).status_code == 200  # someone else is not held up
    with frozen(start + timedelta(minutes=1, seconds=1)):
        assert found_someone(search(desk, PHONE).content.decode())  # a minute later, again
    logged = CustomerLookup.objects.filter(staff=org.intake2)
    assert logged.filter(outcome="throttled").count() == 2 and logged.filter(outcome="answered").count() == 31


@override_settings(REDRESS_LOOKUPS_PER_MINUTE=1000, REDRESS_LOOKUPS_PER_DAY=40)
def test_the_daily_limit_holds_across_minutes(org, signed_in, walk):
    walk(at(2026, 3, 2))
    desk = signed_in("intake2")
    start = at(2026, 3, 3, 9)
    for n in range(40):
        with frozen(start + timedelta(minutes=n)):
            search(desk, f"1390000{n:04d}")
    with frozen(start + timedelta(hours=5)):
        refused = search(desk, PHONE)
    assert refused.status_code == 429 and "今天已查询客户 40 次" in refused.content.decode()
    with frozen(start + timedelta(days=1, minutes=1)):
        assert search(desk, PHONE).status_code == 200


def test_customer_pages_cannot_be_walked_by_counting(org, signed_in, walk):
    open_one = walk(at(2026, 3, 2)).c
    customer = Customer.objects.get()
    attacker = signed_in("intake2")
    for pk in range(1, customer.pk + 5):
        assert attacker.get(f"/intake/customers/{pk}/", HTTP_HX_REQUEST="true").status_code == 404
    # The public id, learnt somehow, opens nothing either: the branch neither took a
    # complaint of this customer nor found them in a lookup of its own.
    page = attacker.get(f"/intake/customers/{customer.public_id}/", HTTP_HX_REQUEST="true")
    assert page.status_code == 404 and open_one.reference not in page.content.decode()


def test_a_record_named_on_the_form_must_be_one_the_agent_may_use(org, signed_in, walk):
    walk(at(2026, 3, 2))
    customer = Customer.objects.get()
    attacker = signed_in("intake2")
    shown = read_back(attacker, typed(customer_public_id=str(customer.public_id), name="", phone=""))
    assert shown.status_code == 422 and "138****8000" not in shown.content.decode()
    assert "您选用的客户档案不可用" in shown.content.decode()
    old_way = read_back(attacker, typed(customer_id=str(customer.pk), name="", phone="", account_number=""))
    assert "138****8000" not in old_way.content.decode()  # the sequential id names nothing now


def test_after_a_whole_number_lookup_the_branch_may_use_the_record_without_reading_other_units_cases(
        org, signed_in, walk):
    open_one = walk(at(2026, 3, 2)).c
    customer = Customer.objects.get()
    desk = signed_in("intake2")
    assert found_someone(search(desk, "138-0013-8000").content.decode())
    picked = desk.get(f"/intake/customers/{customer.public_id}/", HTTP_HX_REQUEST="true")
    assert picked.status_code == 200
    page = picked.content.decode()
    assert open_one.reference not in page and "该客户在其他部门有 1 件未办结的投诉" in page


def test_the_complaints_office_reviews_the_log_and_finds_who_looked_up_a_number(org, signed_in, walk):
    walk(at(2026, 3, 2))
    with frozen(at(2026, 3, 3, 10)):
        search(signed_in("intake2"), "+86 138 0013 8000")
        search(signed_in("intake2"), "1380013")
        search(signed_in("intake"), "13912345678")
    office = signed_in("office")
    everything = office.get("/intake/lookups/").content.decode()
    assert everything.count("<tr><td") == 3 and PHONE not in everything and "1380013" not in everything
    by_number = office.get("/intake/lookups/", {"key": PHONE}).content.decode()  # typed another way
    assert by_number.count("<tr><td") == 1 and "intake2" in by_number and "整个电话号码" in by_number
    assert signed_in("intake2").get("/intake/lookups/").status_code == 403
    assert signed_in("compliance").get("/intake/lookups/").status_code == 200
