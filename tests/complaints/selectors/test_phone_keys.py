"""A phone number is a person's key however it is written, and a piece of one is no key
at all (selectors.customers.phone_keys, the index customer_phone_key)."""

from __future__ import annotations

import pytest

from redress.complaints.models import Customer
from redress.complaints.selectors.customers import customers_with_phone, phone_keys


@pytest.mark.parametrize("typed", ["13912345678", "139 1234 5678", "+86 139-1234-5678", "0086.139.1234.5678",
                                   "(+86)13912345678", "８６１３９１２３４５６７８"])
def test_every_spelling_of_a_mobile_gives_the_same_keys(typed):
    assert phone_keys(typed) == ["008613912345678", "13912345678", "8613912345678"]


def test_a_landline_is_keyed_with_and_without_its_trunk_zero_and_country_code():
    expected = ["00862087654321", "02087654321", "2087654321", "862087654321"]
    assert phone_keys("020-8765 4321") == expected
    assert phone_keys("+86 20 8765 4321") == expected


@pytest.mark.parametrize("piece", ["139", "123456", "1391234567x", "abc-123", "", "139123456789012345"])
def test_a_piece_or_not_a_number_gives_no_key(piece):
    assert phone_keys(piece) == []


def test_the_database_finds_the_customer_by_the_stored_phone_without_separators(db):
    from redress.complaints.timesource import now

    stored = {"+86 139-1234-5678": "甲", "(020) 8765.4321": "乙", "13912345679": "丙"}
    ids = {name: Customer.objects.create(name=name, phone=phone, created_at=now()).pk
           for phone, name in stored.items()}
    assert customers_with_phone("13912345678", 10) == [ids["甲"]]
    assert customers_with_phone("+86 20 87654321", 10) == [ids["乙"]]
    assert customers_with_phone("1391234567", 10) == []
