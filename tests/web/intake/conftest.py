"""What an intake agent types, and the two clicks that save it (read back, confirm)."""

from __future__ import annotations

import re

import pytest

from redress.complaints.models import Complaint


def typed(**overrides) -> dict:
    """A phone complaint as a call-centre seat types it."""
    data = {
        "name": "李四", "phone": "13912345678", "email": "", "address": "", "account_number": "310000998877",
        "id_type": "", "id_number": "", "preferred_channel": "", "language": "zh-hans",
        "channel": "phone", "received_at": "", "referral_source": "", "external_reference": "",
        "subject": "转托管办理超时", "cause": "我上周在天河营业部申请转托管,至今仍未办结,柜台说系统有问题。",
        "request": "请尽快办结并说明原因", "amount_claimed": "", "currency": "CNY", "category": "",
        "severity": "medium", "party_unit": "", "party_employee": "", "party_product": "",
        "path": "complaint", "answer": "", "resolution": "", "customer_opinion": "", "authority": "",
        "redirect_note": "", "link_to": "", "link_kind": "",
    }
    data.update(overrides)
    return data


def read_back(client, data: dict):
    return client.post("/intake/read-back/", data)


def token_of(response) -> str:
    match = re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode())
    assert match, "the read-back carries a one-time token"
    return match.group(1)


@pytest.fixture
def save():
    """Read back, then confirm: returns the confirm response (a redirect when saved)."""

    def run(client, data: dict, **confirm_extra):
        shown = read_back(client, data)
        assert shown.status_code == 200, shown.content.decode()[:3000]
        return client.post("/intake/confirm/", {**data, "token": token_of(shown), "step": "confirm",
                                                **confirm_extra})

    return run


def latest() -> Complaint:
    return Complaint.objects.order_by("-id").first()
