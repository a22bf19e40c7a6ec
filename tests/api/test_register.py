"""GET /api/reports/register: the complaint register through the API, under reports:read.
The same rows as the register's own export for the same filter, the token's scope,
every row once across the pages, bad filters named with a 422, personal data masked
unless asked for by a role that may see it (and then recorded)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from redress.api.models import Scope
from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from redress.reports.models import ExportRecord
from tests.reports import conftest as register_fixtures
from tests.reports.conftest import READ_AT
from tests.web import conftest as web_fixtures

book = register_fixtures.book  # a complaint in every state, and one of another branch
signed_in = web_fixtures.signed_in  # the web register, to hold the API to

URL = "/reports/register"


def read(api, **params):
    with frozen(READ_AT):
        return api.get(URL, params, **{"Accept-Language": "en"})


def every_row(api, limit=4, **params) -> list[dict]:
    rows, cursor = [], None
    while True:
        body = read(api, limit=limit, **({"cursor": cursor} if cursor else {}), **params).json()
        rows += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return rows


def web_export(client, **params) -> list[list[str]]:
    """The register's own CSV export of the same filter (the web's rows, as text)."""
    with frozen(READ_AT):
        response = client.get("/register/export/", {"format": "csv", **params})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body[1:])))


def as_text(value) -> str:
    """An API value as the CSV writes it: times local to the minute, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, str) and len(value) > 19 and value[10] == "T":
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")  # already in the institution's zone
    return str(value)


FILTERS = [
    ({}, {}),
    ({"state": State.CLOSED}, {"state": State.CLOSED}),
    ({"late": "yes"}, {"late": "yes"}),
    ({"recomplaint": "yes"}, {"recomplaint": "yes"}),
    ({"period": "closed", "date_from": "2026-03-01", "date_to": "2026-03-31"},) * 2,
    ({"category": "counter", "severity": "medium"},) * 2,
    ({"product": "融资"},) * 2,
]


@pytest.mark.parametrize(("api_filter", "web_filter"), FILTERS)
def test_the_apis_rows_equal_the_registers_export_for_the_same_filter(org, book, api_as, signed_in,
                                                                      api_filter, web_filter):
    rows = every_row(api_as("office", [Scope.REPORTS_READ]), **api_filter)
    web = web_export(signed_in("office", "en"), **web_filter)
    header, lines = web[0], web[1:]
    assert lines, "a filter that finds nothing proves nothing"
    assert [[as_text(row[key]) for key in row if key != "codes"] for row in rows] == lines
    assert len(header) == len(rows[0]) - 1


def test_a_unit_filter_takes_the_units_code_and_includes_its_sub_units(org, book, api_as, signed_in):
    api = api_as("office", [Scope.REPORTS_READ])
    branch = [r["reference"] for r in every_row(api, unit=org.branch.code)]
    assert branch == [line[0] for line in web_export(signed_in("office", "en"), unit=org.branch.pk)[1:]]
    headquarters = {r["reference"] for r in every_row(api, unit=org.hq.code)}
    assert set(branch) < headquarters  # the branches are under the headquarters
    assert book["other_branch"].reference in headquarters - set(branch)


def test_each_row_carries_its_codes_beside_the_texts(org, book, api_as):
    rows = every_row(api_as("office", [Scope.REPORTS_READ]), limit=50)
    for row in rows:
        c = Complaint.objects.select_related("responsible_unit").get(reference=row["reference"])
        assert row["codes"] == {"kind": c.kind, "state": c.state, "channel": c.channel, "category": c.category,
                                "severity": c.severity, "responsible_unit": c.responsible_unit and c.responsible_unit.code}
    assert {r["codes"]["state"] for r in rows} >= {State.CLOSED, State.ARCHIVED, State.WITHDRAWN}


def test_paging_visits_every_row_exactly_once(org, book, api_as):
    references = [r["reference"] for r in every_row(api_as("office", [Scope.REPORTS_READ]), limit=3)]
    assert len(references) == len(set(references)) == Complaint.objects.count()
    received = [Complaint.objects.get(reference=r).received_at for r in references]
    assert received == sorted(received, reverse=True)  # newest first, as the page


def test_the_first_page_counts_the_whole_filter(org, book, api_as):
    body = read(api_as("office", [Scope.REPORTS_READ]), limit=2, state=State.CLOSED).json()
    closed = Complaint.objects.filter(state=State.CLOSED).count()
    assert len(body["items"]) == min(2, closed) and body["total"] == closed and not body["total_capped"]


def test_a_branch_token_sees_only_what_its_member_of_staff_sees(org, book, api_as, signed_in):
    references = [r["reference"] for r in every_row(api_as("handler", [Scope.REPORTS_READ]))]
    assert book["other_branch"].reference not in references
    assert references == [line[0] for line in web_export(signed_in("handler", "en"))[1:]]
    seen = Complaint.objects.filter(reference__in=references)
    assert all(c.responsible_unit_id == org.branch.pk or org.handler.pk in (c.handler_id, c.owner_id) for c in seen)


def test_a_token_without_reports_read_is_refused_and_given_no_data(org, book, api_as):
    others = [s for s in Scope.values if s != Scope.REPORTS_READ]
    response = read(api_as("office", others))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "missing_scope" and "reports:read" in body["message"] and "items" not in body


def test_reports_read_alone_does_not_read_complaints(org, book, api_as):
    api = api_as("office", [Scope.REPORTS_READ])
    with frozen(READ_AT):
        assert api.get("/complaints").status_code == 403


@pytest.mark.parametrize(("params", "field"), [
    ({"unit": "no_such_unit"}, "unit"),
    ({"category": "no_such_category"}, "category"),
    ({"channel": "pigeon"}, "channel"),
    ({"state": "lost"}, "state"),
    ({"severity": "dire"}, "severity"),
    ({"late": "maybe"}, "late"),
    ({"period": "opened"}, "period"),
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "date_to"),
    ({"date_from": "2016-03-01", "date_to": "2026-03-01"}, "date_to"),  # more than ten years
    ({"date_to": "9999-12-31"}, "date_to"),
    ({"cursor": "not-a-place"}, "cursor"),
    ({"limit": 0}, "limit"),
    ({"limit": 101}, "limit"),
])
def test_a_bad_filter_is_a_422_naming_the_field(org, book, api_as, params, field):
    response = read(api_as("office", [Scope.REPORTS_READ]), **params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["field"] == field and body["code"] == "invalid" and body["rule"] and "items" not in body


def test_complainants_are_masked_unless_asked_for(org, book, api_as):
    api = api_as("office", [Scope.REPORTS_READ])
    masked = {r["reference"]: r for r in every_row(api, limit=50)}
    john = masked[book["other_branch"].reference]
    assert john["complainant"] == "J*** S****" and john["phone"] != "13900139000"
    assert not ExportRecord.objects.exists()  # nothing personal left: nothing to record


def test_a_role_that_may_see_complainants_gets_them_in_full_and_it_is_recorded(org, book, api_as):
    api = api_as("office", [Scope.REPORTS_READ])
    body = read(api, personal="true", state=State.CLOSED, limit=50).json()
    assert {r["complainant"] for r in body["items"]} == {"张三"}
    record = ExportRecord.objects.get()
    assert (record.staff, record.format, record.personal_data, record.rows) == (org.office, "json", True,
                                                                                 len(body["items"]))
    assert record.filters == {"period": "received", "state": State.CLOSED}


def test_a_role_that_may_not_see_complainants_is_refused_them(org, book, api_as):
    response = read(api_as("auditor", [Scope.REPORTS_READ]), personal="true")
    assert response.status_code == 403 and "items" not in response.json()
    assert not ExportRecord.objects.exists()


def test_the_columns_are_listed_with_their_headers_in_the_readers_language(org, api_as):
    api = api_as("office", [Scope.REPORTS_READ])
    english = api.get(URL + "/columns", **{"Accept-Language": "en"}).json()
    chinese = api.get(URL + "/columns", **{"Accept-Language": "zh-hans"}).json()
    assert english[0] == {"key": "reference", "label": "Reference", "group": "Complaint"}
    assert [c["key"] for c in chinese] == [c["key"] for c in english] and chinese[0]["label"] != "Reference"


def test_an_operator_creates_a_reports_token_with_the_cli_and_it_reads_the_register(org, book, monkeypatch, capsys):
    from redress.cli import main
    from tests.api.conftest import Api

    monkeypatch.setattr("redress.cli._django", lambda: None)  # pytest-django set Django up
    assert main(["token", "create", "--name", "regulator feed", "--staff", "compliance",
                 "--scope", "reports:read"]) == 0
    api = Api(capsys.readouterr().out.strip())
    assert len(every_row(api, limit=50)) == Complaint.objects.count()  # compliance sees the institution
    with frozen(READ_AT):
        assert api.get("/complaints").status_code == 403
