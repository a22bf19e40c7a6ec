"""Regulator returns through the API: listed with their due dates, produced for an ended
period (recorded as on the page) and downloaded byte for byte, under `reports:read` and
for the roles that make returns; a bad period is a 422 naming it."""

from __future__ import annotations

import hashlib

import pytest

from redress.api.models import Scope
from redress.complaints.timesource import frozen
from redress.reports.models import ReturnProduction
from tests.reports.returns.conftest import PRODUCED_AT, quarter  # noqa: F401 (a fixture for these tests)

pytestmark = pytest.mark.usefixtures("quarter")


@pytest.fixture
def after_the_quarter():
    with frozen(PRODUCED_AT):
        yield


def test_the_returns_are_listed_with_their_due_dates(org, api_as, after_the_quarter):
    response = api_as("compliance", [Scope.REPORTS_READ]).get("/returns")
    assert response.status_code == 200
    [listed] = response.json()
    assert (listed["code"], listed["last_ended_period"], listed["next_due"], listed["produced"]) == (
        "csrc-quarterly", "2026-Q1", "2026-04-15", None)


def test_a_return_is_produced_recorded_and_downloaded_as_recorded(org, api_as, after_the_quarter):
    api = api_as("office", [Scope.REPORTS_READ])
    response = api.post("/returns/csrc-quarterly/productions", {"period": "2026-Q1"})
    assert response.status_code == 201
    body = response.json()
    record = ReturnProduction.objects.get()
    assert (body["id"], body["produced_by"], body["xlsx_sha256"]) == (record.pk, "office", record.xlsx_sha256)
    assert body["unmapped"][0]["count"] == 5
    for fmt in ("xlsx", "csv"):
        file = api.get(body[f"{fmt}_url"].removeprefix("/api"))
        assert file.status_code == 200
        assert hashlib.sha256(file.content).hexdigest() == body[f"{fmt}_sha256"]
    assert api.get("/returns").json()[0]["produced"]["id"] == record.pk


@pytest.mark.parametrize(("period", "rule"), [("2026-Q2", "has not ended yet"), ("2025-Q3", "before the institution"),
                                              ("2026", "write the period as 2026-Q3")])
def test_a_bad_period_is_a_422_naming_the_period(org, api_as, after_the_quarter, period, rule):
    response = api_as("office", [Scope.REPORTS_READ]).post("/returns/csrc-quarterly/productions", {"period": period},
                                                           **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["field"] == "period" and rule in response.json()["rule"]
    assert not ReturnProduction.objects.exists()


def test_an_unknown_return_is_a_422_naming_the_returns_there_are(org, api_as, after_the_quarter):
    response = api_as("office", [Scope.REPORTS_READ]).post("/returns/finra-4530d/productions", {"period": "2026-Q1"},
                                                           **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["field"] == "return_code" and "csrc-quarterly" in response.json()["rule"]


def test_without_the_scope_or_the_role_nothing_is_read_or_produced(org, api_as, after_the_quarter):
    no_scope = api_as("office", [Scope.COMPLAINTS_READ])
    assert no_scope.get("/returns").status_code == 403
    assert no_scope.post("/returns/csrc-quarterly/productions", {"period": "2026-Q1"}).status_code == 403
    handler = api_as("handler", [Scope.REPORTS_READ])
    assert handler.get("/returns").status_code == 403
    assert handler.post("/returns/csrc-quarterly/productions", {"period": "2026-Q1"}).status_code == 403
    assert not ReturnProduction.objects.exists()


def test_a_missing_file_is_a_404(org, api_as, after_the_quarter):
    api = api_as("office", [Scope.REPORTS_READ])
    assert api.get("/returns/files/999.xlsx").status_code == 404
    assert api.get("/returns/files/1.pdf").status_code == 404
