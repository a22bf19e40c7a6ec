"""Personal data is masked on screen and revealed only by a recorded act."""

import pytest

from redress.complaints import ledger
from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.models import Event
from redress.complaints.selectors.personal import mask_digits, mask_email, mask_name, masked


def test_masks_keep_enough_to_recognise_and_hide_the_rest():
    assert mask_digits("13800138000") == "138****8000"
    assert mask_name("张三丰") == "张**"
    assert mask_name("John Smith") == "J*** S****"
    assert mask_email("zhang.san@example.com") == "z***@example.com"
    assert "*" in mask_digits("1234")


def test_masked_customer_shows_no_full_phone_or_account(org, walk):
    c = walk().c
    fields = masked(c.customer)
    assert "13800138000" not in fields.values()
    assert "310000123456" not in fields.values()


def test_revealing_personal_data_is_recorded_in_the_ledger_without_changing_the_version(org, walk):
    c = walk().c
    version = c.version
    svc.personal_data_reveal(c, actor=org.handler, fields=["phone"], purpose="call back")
    c.refresh_from_db()
    event = Event.objects.filter(complaint=c).order_by("-seq").first()
    assert event.type == ledger.EventType.PERSONAL_DATA_VIEWED and event.actor == org.handler
    assert '"phone"' in event.payload
    assert c.version == version
    assert ledger.verify().ok


def test_auditor_may_not_reveal_personal_data(org, walk):
    c = walk().c
    with pytest.raises(NotPermitted):
        svc.personal_data_reveal(c, actor=org.auditor)


def test_reveal_of_an_unknown_field_names_the_field_rule(org, walk):
    c = walk().c
    with pytest.raises(ValidationFailed) as err:
        svc.personal_data_reveal(c, actor=org.handler, fields=["salary"])
    assert err.value.field == "fields"
