"""Portal fixtures: an anonymous browser-less client, a helper that submits the form
like a customer, and a way to walk a portal complaint along with the staff services."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from tests.conftest import Walk, at

WHEN = at(2026, 3, 2, 10, 0)  # a Monday


def form_data(**overrides) -> dict:
    data = {
        "name": "李四", "phone": "139 0013 9000", "email": "lisi@example.com", "preferred_channel": "email",
        "language": "zh-hans", "account_number": "", "subject": "",
        "cause": "3月1日我在手机App下单买入,委托一直显示已报,却没有成交,也没有撤单。",
        "request": "请核实原因并给予说明", "amount_claimed": "", "consent": "on", "time_zone": "Asia/Shanghai",
    }
    data.update(overrides)
    return data


def shown(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]+)<', html)
    assert match, f"#{element_id} not on the page"
    return match.group(1).strip()


@pytest.fixture
def customer():
    """A customer's phone: an anonymous client with its own session and address."""

    def make(language: str = "zh-hans", address: str = "203.0.113.7") -> Client:
        return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)

    return make


@pytest.fixture
def submit(org):
    """submit(client, **fields) -> (reference, access code) as shown to the customer."""

    def make(client: Client, when=WHEN, **fields) -> tuple[str, str]:
        with frozen(when):
            response = client.post("/portal/", form_data(**fields), follow=True)
        assert response.status_code == 200, response.content.decode()[:2000]
        html = response.content.decode()
        return shown(html, "reference"), shown(html, "access-code")

    return make


@pytest.fixture
def staff_walk(org):
    """Staff take a portal complaint along the usual path with the ordinary services."""

    def make(reference: str, when=WHEN) -> Walk:
        w = Walk.__new__(Walk)
        w.org, w.when, w.c = org, when, Complaint.objects.get(reference=reference)
        return w

    return make


def look_up(client: Client, reference: str, code: str, when=WHEN, **extra):
    with frozen(when):
        return client.post("/portal/status/", {"reference": reference, "access_code": code, **extra})
