"""API fixtures: tokens acting as members of the cast, and a JSON client for them."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from redress.api import tokens
from redress.api.models import Scope
from redress.complaints.timesource import frozen
from tests.conftest import at

ALL_SCOPES = list(Scope.values)


class Api:
    """A test client that sends one token's Bearer header and speaks JSON."""

    def __init__(self, secret: str | None):
        self.client = Client()
        self.secret = secret

    def _headers(self, extra: dict | None) -> dict:
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, params: dict | None = None, **headers):
        return self.client.get(f"/api{path}", params or {}, headers=self._headers(headers))

    def post(self, path: str, body=None, *, raw: str | bytes | None = None, **headers):
        data = raw if raw is not None else json.dumps(body if body is not None else {}, ensure_ascii=False)
        return self.client.post(f"/api{path}", data=data, content_type="application/json",
                                headers=self._headers(headers))

    def upload(self, path: str, files: dict, **headers):
        return self.client.post(f"/api{path}", data=files, headers=self._headers(headers))

    def act(self, reference: str, action: str, version: int, **body):
        return self.post(f"/complaints/{reference}/actions/{action}", {"expected_version": version, **body})


@pytest.fixture
def issue(org):
    """issue("intake", scopes=[...]) -> (ApiToken, Api client)."""

    def make(who: str = "intake", scopes: list[str] | None = None, name: str = "call centre"):
        issued = tokens.issue(name=name, staff=getattr(org, who), scopes=scopes or ALL_SCOPES)
        return issued.token, Api(issued.secret)

    return make


@pytest.fixture
def api_as(issue):
    """api_as("office") -> a client whose token acts as org.office with every scope."""

    def make(who: str, scopes: list[str] | None = None) -> Api:
        return issue(who, scopes)[1]

    return make


def new_complaint(**overrides) -> dict:
    body = {
        "customer": {"name": "张三", "phone": "13800138000", "account_number": "310000123456"},
        "channel": "phone", "subject": "委托未成交", "cause": "我昨天下午的委托一直未成交,系统显示已报。",
        "request": "请核实并给出说明", "received_at": "2026-03-02T09:30:00+08:00",
    }
    body.update(overrides)
    return body


NOW = at(2026, 3, 2, 11)  # a Monday morning in Shanghai


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Services read the time from timesource; the test client runs in this thread, so
    every request sees the same pinned now."""
    with frozen(NOW):
        yield


def events_of(reference: str) -> list[int]:
    from redress.complaints.models import Event

    return list(Event.objects.filter(complaint__reference=reference).order_by("seq").values_list("type", flat=True))
