"""The read-back: everything typed is said back before saving (002 §二(一)); "edit"
returns to the form with every value kept."""

from __future__ import annotations

import re

from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.intake.conftest import read_back, token_of, typed


def checked(page: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]+)"[^>]* checked>', page)


def test_read_back_says_everything_in_plain_words_and_saves_nothing(org, signed_in):
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        page = read_back(client, typed(amount_claimed="3000", party_unit=str(org.branch.pk),
                                       received_at="2026-03-02T09:15", category="counter")).content.decode()
    assert "请向客户复述" in page
    for said in ("李四", "13912345678", "电话", "2026-03-02 09:15", "转托管办理超时", "3,000.00 CNY",
                 "柜台业务类", "天河营业部", "登记为投诉"):
        assert said in page, said
    assert "保存后投诉即登记" in page
    assert not Complaint.objects.exists()


def test_read_back_edit_keeps_what_was_typed(org, signed_in):
    client = signed_in("intake")
    data = typed(email="lisi@example.com", amount_claimed="1,200.50", received_at="2026-03-02T09:15",
                 party_unit=str(org.branch.pk), party_employee="handler2", path="on_spot",
                 resolution="当场解释规则", language="en")
    with frozen(at(2026, 3, 2, 10, 0)):
        shown = read_back(client, data)
        edit = client.post("/intake/confirm/", {**data, "token": token_of(shown), "step": "edit"})
    page = edit.content.decode()
    assert edit.status_code == 200 and "errorlist" not in page
    for kept in ('value="lisi@example.com"', 'value="1,200.50"', 'value="2026-03-02T09:15"',
                 'value="handler2"', "我上周在天河营业部申请转托管", "当场解释规则"):
        assert kept in page, kept
    assert f'<option value="{org.branch.pk}" selected>' in page
    assert checked(page, "path") == ["on_spot"] and checked(page, "language") == ["en"]
    assert not Complaint.objects.exists()


def test_the_read_back_is_in_english_for_an_english_speaking_agent(org, signed_in):
    client = signed_in("intake", "en")
    with frozen(at(2026, 3, 2, 10, 0)):
        page = read_back(client, typed()).content.decode()
    assert "Read these details to the customer" in page and "Confirmed by the customer: save" in page
    assert "Register as a complaint" in page and "Phone" in page
