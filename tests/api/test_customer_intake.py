"""The API takes the complainant as every channel does (issues 12.3 and 13.8): the phone
checked and kept one way, its refusal a 422 naming the field and the rule, a record that
shares a contact offered to a person rather than merged."""

from __future__ import annotations

import pytest

from redress.complaints.models import Complaint, Customer, CustomerMatch
from tests.api.conftest import new_complaint


@pytest.mark.parametrize("phone", ["abc-123", "138", "1391234567"])
def test_a_phone_that_is_no_number_is_a_422_naming_the_field_and_the_rule(api_as, phone):
    response = api_as("intake").post("/complaints", new_complaint(customer={"name": "张三", "phone": phone}))
    assert response.status_code == 422
    error = response.json()
    assert error["field"] == "customer.phone" and "不是电话号码" in error["rule"]
    assert not Complaint.objects.exists() and not Customer.objects.exists()


def test_the_refusal_speaks_the_clients_language(api_as):
    response = api_as("intake").post("/complaints", new_complaint(customer={"name": "张三", "phone": "abc-123"}),
                                     **{"Accept-Language": "en"})
    assert response.status_code == 422 and "not a phone number" in response.json()["rule"]


@pytest.mark.parametrize(("typed", "kept"), [
    ("+86 138-0013-8000", "13800138000"), ("020 8765 4321", "020-87654321"), ("+852 9123 4567", "+852 9123 4567"),
])
def test_the_phone_is_kept_the_one_way(api_as, typed, kept):
    response = api_as("intake").post("/complaints", new_complaint(customer={"name": "张三", "phone": typed}))
    assert response.status_code == 201, response.content
    assert Customer.objects.get().phone == kept


def test_a_cause_past_its_limit_is_a_422_naming_it(api_as):
    response = api_as("intake").post("/complaints", new_complaint(cause="我" * 50_001))
    assert response.status_code == 422 and response.json()["field"] == "cause"


def test_a_second_complaint_with_the_same_unverified_phone_is_offered_not_merged(api_as):
    api = api_as("intake")
    for n in (1, 2):
        body = new_complaint(customer={"name": "张三", "phone": "13800138000"}, subject=f"第{n}件")
        assert api.post("/complaints", body).status_code == 201
    first, second = Complaint.objects.order_by("id")
    assert first.customer_id != second.customer_id  # an API client proves no contact
    assert CustomerMatch.objects.get().candidate_id == first.customer_id


def test_the_account_number_still_finds_its_record(api_as):
    api = api_as("intake")
    for n in (1, 2):
        assert api.post("/complaints", new_complaint(subject=f"第{n}件")).status_code == 201
    assert Customer.objects.count() == 1 and not CustomerMatch.objects.exists()
