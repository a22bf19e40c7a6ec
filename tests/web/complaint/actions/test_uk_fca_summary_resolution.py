"""The summary resolution (DISP 1.5) from the complaint page under the uk-fca pack: the
action is called by the pack's name, works until close of business on the third
business day after receipt, and after that is refused beside the field, nothing saved."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from redress.complaints import services as svc
from redress.complaints.lifecycle import State
from redress.complaints.timesource import frozen
from tests.conftest import complaint_input

LDN = ZoneInfo("Europe/London")


@pytest.fixture
def received(org, settings):
    settings.REDRESS_POLICY = "uk-fca"
    with frozen(datetime(2026, 6, 1, 9, tzinfo=LDN)):  # Monday: the window closes Thursday 17:30
        # A London firm's customer: a UK mobile (a mainland one would need its +86 there).
        customer = svc.CustomerInput(name="Jane Smith", phone="07911 123456", account_number="310000123456")
        return svc.complaint_receive(actor=org.intake, data=complaint_input(customer=customer), register=False)


def test_the_page_offers_the_summary_resolution_by_the_packs_name(received, signed_in):
    with frozen(datetime(2026, 6, 2, 9, tzinfo=LDN)):
        page = signed_in("intake", "en").get(received.get_absolute_url()).content.decode()
    assert "Summary resolution communication" in page and "Resolved on the spot" not in page


def test_inside_the_window_the_summary_resolution_closes_the_complaint(received, signed_in, send):
    with frozen(datetime(2026, 6, 4, 17, 29, tzinfo=LDN)):
        r = send(signed_in("intake", "en"), received, "resolve_on_spot", resolution="Refunded the £25 fee.",
                 customer_opinion="Content")
    assert r.status_code == 302
    received.refresh_from_db()
    assert received.state == State.RESOLVED_ON_SPOT


@pytest.mark.parametrize(("language", "words"), [("en", "Summary resolution communication was possible until"),
                                                 ("zh-hans", "简易处理告知(3个营业日内解决)仅限于")])
def test_after_the_window_it_is_refused_in_the_persons_language(received, signed_in, send, language, words):
    with frozen(datetime(2026, 6, 4, 17, 31, tzinfo=LDN)):
        r = send(signed_in("intake", language), received, "resolve_on_spot", resolution="Refunded the £25 fee.")
    html = r.content.decode()
    assert r.status_code == 200 and words in html and "2026-06-04 17:30" in html  # the form again
    received.refresh_from_db()
    assert received.state == State.RECEIVED and not received.communications.exists()
