"""Bad input at intake: each error next to its field, in the user's language, with what
was typed kept and nothing saved (DESIGN rule 5)."""

from __future__ import annotations

import re

import pytest

from redress.complaints.models import Complaint, Customer
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.intake.conftest import read_back, token_of, typed


def field_errors(page: str, field: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="err-{field}">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize(("overrides", "field", "zh", "en"), [
    ({"phone": "", "email": "", "address": ""}, "phone", "至少提供一种联系方式", "at least one way to reach"),
    ({"name": ""}, "name", "需要投诉人姓名", "name is needed"),
    ({"amount_claimed": "-200"}, "amount_claimed", "金额不能为负数", "may not be negative"),
    ({"amount_claimed": "两千元"}, "amount_claimed", "金额须为数字", "must be a number"),
    ({"received_at": "2026-03-03T09:00"}, "received_at", "受理时间不能晚于当前时间", "may not be in the future"),
    ({"received_at": "昨天下午"}, "received_at", "请输入日期和时间", "Enter a date and time"),
    ({"category": "no_such_category"}, "category", "未知的投诉类别", "Unknown category"),
    ({"email": "lisi-at-example"}, "email", "name@example.com", "Enter an email address"),
    ({"phone": "无"}, "phone", "不是电话号码", "Not a phone number"),
    ({"phone": "abc-123"}, "phone", "不是电话号码", "Not a phone number"),
    ({"phone": "1391234567"}, "phone", "不是电话号码", "Not a phone number"),  # a mobile a digit short
    ({"request": "我" * 50_001}, "request", "最多 50,000 个字符,现有 50,001 个",
     "At most 50,000 characters; this has 50,001"),
    ({"subject": ""}, "subject", "请填写简短的事由摘要", "short subject"),
    ({"path": "inquiry", "answer": ""}, "answer", "请记录给客户的答复", "Record the answer"),
    ({"path": "redirect", "authority": ""}, "authority", "请选择客户应转向的主管机构", "Choose the authority"),
    ({"party_employee": "nobody"}, "party_employee", "没有用户名为 nobody 的员工", "No member of staff"),
])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_bad_input_is_named_next_to_its_field_and_kept(org, signed_in, overrides, field, zh, en, language):
    client = signed_in("intake", language)
    with frozen(at(2026, 3, 2, 10, 0)):
        response = read_back(client, typed(**overrides))
    page = response.content.decode()
    assert response.status_code == 422
    assert (zh if language == "zh-hans" else en) in field_errors(page, field), page[:200]
    assert "我上周在天河营业部申请转托管" in page  # what was typed is kept
    assert field == "subject" or 'value="转托管办理超时"' in page
    assert not Complaint.objects.exists() and not Customer.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_long_cause_is_refused_with_its_limit_and_the_limit_is_stated(org, signed_in, language):
    """A 120,000-character cause used to be taken silently; the box says its maximum, the
    browser does not cut a paste short (no maxlength), and the refusal gives the count."""
    client = signed_in("intake", language)
    form = client.get("/intake/").content.decode()
    assert ("最多 50,000 个字符" if language == "zh-hans" else "At most 50,000 characters.") in form
    assert not re.search(r'<textarea[^>]*name="cause"[^>]*maxlength', form)
    with frozen(at(2026, 3, 2, 10, 0)):
        response = read_back(client, typed(cause="转托管" * 40_000))
    assert response.status_code == 422
    said = field_errors(response.content.decode(), "cause")
    assert ("最多 50,000 个字符,现有 120,000 个" if language == "zh-hans" else "this has 120,000") in said
    assert not Complaint.objects.exists()


def test_a_read_back_confirmed_later_is_checked_again(org, signed_in):
    """The read-back passed, but by the time it is confirmed the received time is ahead
    of the clock (the seat's clock was put right): refused at its field, nothing saved."""
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        shown = read_back(client, typed(received_at="2026-03-02T10:04"))
        assert shown.status_code == 200
    with frozen(at(2026, 3, 2, 9, 0)):  # the seat's clock was reset: the time is now an hour ahead
        response = client.post("/intake/confirm/", {**typed(received_at="2026-03-02T10:04"),
                                                    "token": token_of(shown), "step": "confirm"})
    assert response.status_code == 422
    assert "受理时间不能晚于当前时间" in field_errors(response.content.decode(), "received_at")
    assert not Complaint.objects.exists() and not Customer.objects.exists()


def test_refusal_by_the_second_service_leaves_nothing_half_saved(org, signed_in, save, monkeypatch):
    """The inquiry path is receive + answer in one transaction: if answering fails, the
    received complaint and the new customer are rolled back too."""
    from redress.complaints import services as svc
    from redress.complaints.errors import ValidationFailed

    def refuse(*args, **kwargs):
        raise ValidationFailed("answer", "the answer was refused by the service")

    monkeypatch.setattr(svc, "inquiry_answer", refuse)
    with frozen(at(2026, 3, 2, 10, 0)):
        response = save(signed_in("intake"), typed(path="inquiry", answer="见公告"))
    assert response.status_code == 422
    assert "The answer was refused by the service" in field_errors(response.content.decode(), "answer")
    assert not Complaint.objects.exists() and not Customer.objects.exists()
