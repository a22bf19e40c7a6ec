"""Phone numbers checked and kept one way on every channel (issue 12 item 3), read with
libphonenumber's metadata (`phonenumbers`) in the institution's country."""

from __future__ import annotations

import random

import pytest

from redress.complaints import phones
from redress.complaints.errors import ValidationFailed
from redress.complaints.phones import e164_or_none, key_of, normalise, phone_keys


@pytest.mark.parametrize(("typed", "stored", "e164"), [
    # a mainland mobile however it is written
    ("13912345678", "13912345678", "+8613912345678"),
    ("139 1234 5678", "13912345678", "+8613912345678"),
    ("+86 139-1234-5678", "13912345678", "+8613912345678"),
    ("0086 13912345678", "13912345678", "+8613912345678"),
    ("１３９１２３４５６７８", "13912345678", "+8613912345678"),  # full-width, from a Chinese keyboard
    # a landline: area code, a dash, the number
    ("020-8765 4321", "020-87654321", "+862087654321"),
    ("(020) 8765.4321", "020-87654321", "+862087654321"),
    ("+86 20 8765 4321", "020-87654321", "+862087654321"),
    ("0755 8888 1234", "0755-88881234", "+8675588881234"),
    ("020-87654321 转 8001", "020-87654321 ext. 8001", "+862087654321;ext=8001"),
    # Hong Kong and abroad: kept with the country code
    ("+852 9123 4567", "+852 9123 4567", "+85291234567"),
    ("00852 91234567", "+852 9123 4567", "+85291234567"),
    ("+44 20 7946 0958", "+44 20 7946 0958", "+442079460958"),
    ("+1 212 555 0100", "+1 212-555-0100", "+12125550100"),
])
def test_a_number_is_kept_the_one_way_whatever_the_spelling(typed, stored, e164):
    phone = normalise(typed, region="CN")
    assert (phone.stored, phone.e164) == (stored, e164)


@pytest.mark.parametrize("typed", ["abc-123", "无", "call me", "138", "1391234567", "139123456789",
                                   "87654321", "+852 123", "13912345678x", ""])
def test_what_is_not_a_number_is_refused_naming_the_field_and_the_rule(typed):
    with pytest.raises(ValidationFailed) as refused:
        normalise(typed, field="customer.phone", region="CN")
    assert refused.value.field == "customer.phone"
    assert "not a phone number" in refused.value.rule and "020-87654321" in refused.value.rule


def test_a_number_is_read_in_the_institutions_country():
    # A London firm: 07911 123456 is a UK mobile; a mainland mobile needs its +86 there.
    assert normalise("07911 123456", region="GB").stored == "07911 123456"
    assert normalise("+86 139 1234 5678", region="GB").stored == "+86 139 1234 5678"
    with pytest.raises(ValidationFailed):
        normalise("13912345678", region="GB")


def test_two_spellings_of_one_number_are_one_number_and_a_stored_oddity_is_none():
    assert e164_or_none("139-1234-5678", "CN") == e164_or_none("+86 13912345678", "CN")
    assert e164_or_none("无", "CN") is None and e164_or_none("", "CN") is None


def test_the_search_finds_a_number_stored_abroad_by_its_international_spelling(db):
    # what intake stores for a number from abroad is among the search's keys for it
    assert "12125550100" in phone_keys("+1 (212) 555-0100")
    assert "85291234567" in phone_keys("+852 9123 4567")


def test_a_numbers_keys_follow_the_institutions_country_when_it_changes(db, settings):
    # The keys are kept per number (phones._phone_keys): kept under one pack, they must
    # not answer for a pack of another country. A London number with its country code is
    # stored in international form in China, as 020 7946 0958 by a UK firm.
    london = "+44 20 7946 0958"
    china, first = phone_keys(london), settings.REDRESS_POLICY
    assert "442079460958" in china and "02079460958" not in china
    settings.REDRESS_POLICY = "uk-fca"
    assert key_of(normalise(london).stored) == "02079460958" in phone_keys(london)
    settings.REDRESS_POLICY = first
    assert phone_keys(london) == china


def test_a_mainland_mobile_typed_as_its_digits_is_read_as_libphonenumber_reads_it():
    # The short way (phones._mainland_mobile) against libphonenumber's full reading, on
    # every five-digit start of an 11-digit number beginning with 1 (China's patterns
    # decide by at most the first five digits), each with two endings.
    rnd = random.Random(11)
    taken = 0
    for start in range(10_000, 20_000):
        for _ in range(2):
            digits = f"{start}{rnd.randrange(1_000_000):06d}"
            short = phones._mainland_mobile(digits)
            if short is not None:
                taken += 1
                assert short == phones._full_read(digits, "CN"), digits
    # 130-139, 145/147, 15x, 162/165-167, 17x, 18x, 19x but 154/194 and the like
    assert taken > 10_000
    assert phones._mainland_mobile("13912345678") == normalise("13912345678", region="CN")
    assert phones._mainland_mobile(" 13912345678 ") is not None
    for other in ("010-12345678", "1391234567", "139123456789", "１３９１２３４５６７８", "12345678901"):
        assert phones._mainland_mobile(other) is None, other
