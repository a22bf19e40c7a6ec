"""Phone numbers: one module for checking, storing, matching and searching them.

Every channel (intake screen, API, portal, import, mail-in) hands the typed number to
`normalise`, which reads it with Google's libphonenumber metadata (`phonenumbers`) in
the institution's country (the pack's calendar country: CN, GB, US ...), refuses what
is not a callable number there or abroad, and gives the one spelling the record keeps.
Matching a new complaint to a known customer compares `Phone.e164`; the search by a
whole number (`phone_keys`) keys what was stored before this rule, however it was
written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from django.utils.translation import gettext as _

from redress.complaints.errors import ValidationFailed
from redress.complaints.models.complaint import PHONE_SEPARATORS

MAX_STORED = 40  # Customer.phone
# How people write an extension in China and elsewhere: "020-87654321 转 8001",
# "分机 8001", "ext. 8001", "x8001"; libphonenumber reads "ext. N".
EXTENSION = re.compile(r"\s*(?:转|轉|分机|分機|ext\.?|extension|x)\s*(\d{1,6})\s*$", re.IGNORECASE)
# A whole number: a landline without its area code has 7 digits, E.164 allows 15.
PHONE_DIGITS = range(7, 16)


@dataclass(frozen=True)
class Phone:
    e164: str  # "+8613912345678": what two numbers are compared by
    stored: str  # what the record keeps: "13912345678", "020-87654321", "+852 9123 4567"
    region: str  # "CN", "HK", ...


def home_region() -> str:
    """The institution's country: a number written without a country code is read as
    one of its numbers (0755-... in Shenzhen, 020 7946 ... in London)."""
    from redress.policy.loader import active_pack

    return active_pack().calendar.country


def _parsed(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    folded = unicodedata.normalize("NFKC", text).strip()  # full-width digits from a Chinese keyboard
    extension = EXTENSION.search(folded)
    body = folded[:extension.start()] if extension else folded
    if not re.fullmatch(r"[\d\s()+\-./]+", body) or not any(ch.isdigit() for ch in body):
        return None  # letters are not part of a number: 「abc-123」, 「无」, "call me"
    try:
        number = phonenumbers.parse(body + (f" ext. {extension.group(1)}" if extension else ""), region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _stored(number: phonenumbers.PhoneNumber, region: str) -> str:
    """At home, as people there write it (a mainland mobile as its 11 digits, a landline
    as area code - number); from elsewhere, in international form with its country code."""
    extension = f" ext. {number.extension}" if number.extension else ""
    if number.country_code != phonenumbers.country_code_for_region(region):  # +44 is GB, GG, JE and IM
        plain = phonenumbers.PhoneNumber(country_code=number.country_code, national_number=number.national_number,
                                         italian_leading_zero=number.italian_leading_zero,
                                         number_of_leading_zeros=number.number_of_leading_zeros)
        return phonenumbers.format_number(plain, phonenumbers.PhoneNumberFormat.INTERNATIONAL) + extension
    if region == "CN":
        national = phonenumbers.national_significant_number(number)
        area = phonenumbers.length_of_geographical_area_code(number)
        return (f"0{national[:area]}-{national[area:]}" if area else national) + extension
    plain = phonenumbers.PhoneNumber(country_code=number.country_code, national_number=number.national_number)
    return phonenumbers.format_number(plain, phonenumbers.PhoneNumberFormat.NATIONAL) + extension


def rule(region: str) -> str:
    """What a phone must be, said in the user's language with examples of the region."""
    if region == "CN":
        return _("not a phone number: write a mainland mobile (13912345678), a landline with its area code "
                 "(020-87654321), or a number abroad with its country code (+852 9123 4567)")
    return _("not a phone number: write a number of this country with its area code, or a number abroad "
             "with its country code (+852 9123 4567)")


def normalise(text: str, *, field: str = "customer.phone", region: str | None = None) -> Phone:
    """The number typed, checked and in the one spelling the record keeps; refused
    (ValidationFailed naming `field`) when it is not a valid number: 「abc-123」, a
    mobile a digit short, a landline without its area code."""
    region = region or home_region()
    phone = _read(text or "", region)
    if phone is None:
        raise ValidationFailed(field, rule(region))
    if len(phone.stored) > MAX_STORED:
        raise ValidationFailed(field, _("at most %(n)d characters") % {"n": MAX_STORED})
    return phone


@functools.lru_cache(maxsize=4096)  # a number is read several times per complaint (check, match, keys)
def _read(text: str, region: str) -> Phone | None:
    if region == "CN" and (mobile := _mainland_mobile(text)):
        return mobile
    return _full_read(text, region)


def _full_read(text: str, region: str) -> Phone | None:
    number = _parsed(text, region)
    if number is None:
        return None
    return Phone(e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                 + (f";ext={number.extension}" if number.extension else ""),
                 stored=_stored(number, region), region=phonenumbers.region_code_for_number(number) or region)


def _mainland_mobile(text: str) -> Phone | None:
    """A mainland mobile typed as its 11 digits, as most numbers a Chinese institution
    takes are, read in 3 µs instead of libphonenumber's 30–46 (parse, validity, type,
    area code): by libphonenumber's own patterns for China, what its full reading gives —
    `tests/complaints/test_phones.py` compares the two on every five-digit start. None
    for anything else, which then takes the full reading."""
    digits = text.strip()
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit() or not _mobile_only(digits):
        return None
    return Phone(e164="+86" + digits, stored=digits, region="CN")


@functools.cache
def _mobile_patterns() -> tuple[re.Pattern, re.Pattern, tuple[re.Pattern, ...], re.Pattern | None]:
    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    others = (meta.fixed_line, meta.premium_rate, meta.toll_free, meta.shared_cost, meta.voip, meta.personal_number,
              meta.pager, meta.uan, meta.voicemail)
    prefix = meta.national_prefix_for_parsing
    return (re.compile(meta.general_desc.national_number_pattern), re.compile(meta.mobile.national_number_pattern),
            tuple(re.compile(d.national_number_pattern) for d in others if d and d.national_number_pattern),
            re.compile(prefix) if prefix else None)


def _mobile_only(nsn: str) -> bool:
    """The number is valid in China and of no type but mobile (so it has no area code),
    and libphonenumber would not read a national prefix or carrier code off its start."""
    general, mobile, others, national_prefix = _mobile_patterns()
    return (bool(general.fullmatch(nsn)) and bool(mobile.fullmatch(nsn))
            and not any(other.fullmatch(nsn) for other in others)
            and not (national_prefix and national_prefix.match(nsn)))


def e164_or_none(text: str, region: str | None = None) -> str | None:
    """The number a stored or typed text stands for, or None when it is not one (a record
    kept before numbers were checked may hold anything)."""
    try:
        return normalise(text, region=region).e164 if text else None
    except ValidationFailed:
        return None


def phone_keys(text: str) -> list[str]:
    """Every way a whole phone number may have been stored, as phone keys (the stored
    phone without PHONE_SEPARATORS): with and without China's +86 or 0086, a landline
    with and without its trunk zero (020 ... and +86 20 ...). Empty when the text is not
    a whole number (too few digits, letters): a piece of a number matches nothing, so
    digits typed one at a time never walk a number out of the search (issue 14)."""
    return list(_phone_keys(text, home_region()))


# Kept by the text and the country it is read in: a batch of intake asks for each item's
# keys four times (the batch's customer look-up, whether an earlier item named the same
# customer, before and after, and the item's own candidates), ~14 µs each time.
@functools.lru_cache(maxsize=4096)
def _phone_keys(text: str, region: str) -> tuple[str, ...]:
    digits = unicodedata.normalize("NFKC", text).strip()  # full-width digits as typed on a Chinese keyboard
    for sep in PHONE_SEPARATORS:
        digits = digits.replace(sep, "")
    if not digits.isascii() or not digits.isdigit() or len(digits) not in PHONE_DIGITS:
        return ()
    national = digits
    if digits.startswith("0086"):
        national = digits[4:]
    elif digits.startswith("86") and len(digits) >= 12:  # 86 and a mobile (11) or a landline (10-11)
        national = digits[2:]
    bare = national[1:] if national.startswith("0") else national
    keys = {national, bare, "86" + bare, "0086" + bare}
    if not bare.startswith("1"):  # a landline: its area code is written with a trunk zero at home
        keys.add("0" + bare)
    try:  # and the way intake stores it now, whatever the country ("+1 212-555-0100")
        keys.add(key_of(normalise(text, region=region).stored))
    except ValidationFailed:
        pass
    return tuple(sorted(keys))


def key_of(stored: str) -> str:
    """A stored phone's key, as the expression index customer_phone_key holds it."""
    for sep in PHONE_SEPARATORS:
        stored = stored.replace(sep, "")
    return stored
