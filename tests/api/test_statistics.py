"""GET /api/statistics (issue 11 item 6): the page's figures under the reports:read
scope, each with the register filter whose list counts exactly that many; bad periods
and unknown units or categories a 422 naming the field, in the caller's language."""

from __future__ import annotations

import pytest

from redress.api.models import Scope
from redress.policy.loader import active_pack
from redress.reports import register as reg
from redress.reports.forms import RegisterForm
from tests.api.conftest import NOW
from tests.conftest import SH
from tests.reports.test_statistics import cases  # noqa: F401 (the fixture)

MARCH = {"period": "month", "on": "2026-03-15"}


def listed(staff, register: dict) -> int:
    """How many complaints the register lists for a filter, read as the page reads it."""
    form = RegisterForm({k: str(v) for k, v in register.items()}, pack=active_pack())
    assert form.is_valid(), form.errors
    return reg.register(staff, form.filters(), now=NOW, tz=SH).count()


def test_every_figure_and_breakdown_counts_its_register_list(org, cases, api_as):  # noqa: F811
    response = api_as("office").get("/statistics", MARCH)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [p["label"] for p in body["periods"]] == ["2026-03", "2026-02", "2025-03"]
    assert body["figures"]["received"][0]["value"] > 0
    values = [(k, v) for k, three in body["figures"].items() if k not in ("median_days", "p90_days",
                                                                         "compensation_amount") for v in three]
    values += [(f"{k}:{row['code']}", v) for k, b in body["breakdowns"].items() for row in b["rows"]
               for v in row["values"] if v["register"] is not None]
    assert len(values) > 50
    for name, v in values:
        assert listed(org.office, v["register"]) == v["value"], name
    assert body["figures"]["compensation_amount"][0]["value"] == "300.00"


def test_statistics_need_the_reports_scope(org, cases, api_as):  # noqa: F811
    response = api_as("office", [Scope.COMPLAINTS_READ]).get("/statistics", MARCH)
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"


def test_a_branch_handlers_token_counts_what_they_may_see(org, cases, api_as):  # noqa: F811
    mine = api_as("handler").get("/statistics", MARCH).json()["figures"]["received"][0]
    everything = api_as("office").get("/statistics", MARCH).json()["figures"]["received"][0]
    assert mine["value"] < everything["value"]
    assert listed(org.handler, mine["register"]) == mine["value"]


@pytest.mark.parametrize(("params", "field", "english", "chinese"), [
    ({"period": "custom", "date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to",
     "must be on or after", "不得早于"),
    ({"period": "custom", "date_from": "2010-01-01", "date_to": "2026-03-01"}, "date_to",
     "at most 10 years", "最长 10 年"),
    ({"unit": "99999"}, "unit", "Select a valid choice", "选择一个有效的选项"),
    ({"category": "no_such_category"}, "category", "Select a valid choice", "选择一个有效的选项"),
    ({"period": "custom"}, "date_from", "a custom period needs", "自定义期间须填写起止日期"),
])
def test_a_bad_period_or_scope_is_a_422_naming_the_field(org, api_as, params, field, english, chinese):
    for language, words in (("en", english), ("zh-hans", chinese)):
        response = api_as("office").get("/statistics", params, **{"Accept-Language": language})
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["code"] == "invalid" and body["field"] == field and words in body["rule"], body
