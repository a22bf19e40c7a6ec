"""Reports to the police and regulators in the workbench: the case page shows them and
records one (with the authority's receipt), the office's worklist and dashboard show the
outstanding ones, the late first, and the policy page says how soon each is due."""

from __future__ import annotations

import re

import pytest

from redress.complaints.models import AuthorityReport
from redress.complaints.sweep import sweep
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.registry import action_url
from tests.conftest import at

STOLEN = dict(subject="账户资金被转走", cause="我的账户里的资金昨晚被人转走了,我没有操作过。")


@pytest.fixture
def stolen(walk):
    return walk(at(2026, 3, 2), **STOLEN).assess(category="stolen_funds", severity="major")


def police_of(w) -> AuthorityReport:
    return AuthorityReport.objects.get(complaint=w.c, authority="police")


def record(client, w, **data):
    w.c.refresh_from_db()
    fields = {"version": w.c.version, "report_id": police_of(w).pk, "reported_at": "2026-03-02T11:30",
              "how": "in_person", "receipt": "穗公天刑受字〔2026〕0307号", **data}
    return client.post(action_url(w.c, "record_authority_report"), fields)


def test_the_office_records_a_police_report_from_the_case_page(stolen, signed_in):
    office = signed_in("office", "en")
    with frozen(at(2026, 3, 2, 11, 40)):
        html = office.get(stolen.c.get_absolute_url()).content.decode()
        assert "Reports to authorities" in html and "Police (public security bureau)" in html
        assert action_url(stolen.c, "record_authority_report") in html
        form = office.get(action_url(stolen.c, "record_authority_report")).content.decode()
        assert "receipt or reference number" in form
        r = record(office, stolen)
        assert r.status_code == 302
        police = police_of(stolen)
        assert police.status == "done" and police.receipt == "穗公天刑受字〔2026〕0307号"
        assert police.reported_at == at(2026, 3, 2, 11, 30)
        html = office.get(stolen.c.get_absolute_url()).content.decode()
    assert "recorded the report to Police (public security bureau) as made 2026-03-02 11:30 by in person" in html
    assert "穗公天刑受字〔2026〕0307号" in html


def test_the_form_refuses_a_report_without_a_receipt_and_keeps_it_open(stolen, signed_in):
    office = signed_in("office", "en")
    with frozen(at(2026, 3, 2, 11, 40)):
        r = record(office, stolen, receipt="")
    assert r.status_code == 200 and "receipt or reference number, or say why it gave none" in r.content.decode()
    assert police_of(stolen).status == "open"


def test_a_handler_is_offered_no_form_and_is_refused(stolen, signed_in):
    stolen.dispatch().accept()
    handler = signed_in("handler", "en")
    with frozen(at(2026, 3, 2, 11, 40)):
        html = handler.get(stolen.c.get_absolute_url()).content.decode()
        assert "Reports to authorities" in html  # they see the duty on their case
        assert action_url(stolen.c, "record_authority_report") not in html
        r = record(handler, stolen)
    assert r.status_code == 403 and "needs one of the roles Complaints office, Compliance" in r.content.decode()
    assert police_of(stolen).status == "open"


def test_overdue_reports_lead_the_offices_reports_worklist(walk, stolen, signed_in):
    later = walk(at(2026, 3, 4), **STOLEN).assess(category="stolen_funds", severity="major")
    with frozen(at(2026, 3, 4, 12, 30)):
        sweep()
        html = signed_in("office", "en").get("/cases/reports/").content.decode()
    rows = re.findall(r'<tr class="(late|)" data-authority="(\w+)">.*?<a href="[^"]+" class="ref">([\w-]+)</a>',
                      html, re.S)
    assert rows == [("late", "police", stolen.c.reference), ("late", "csrc_local", stolen.c.reference),
                    ("late", "police", later.c.reference), ("", "csrc_local", later.c.reference)]
    assert "2026-03-02 12:00" in html and "escalated" in html  # the first police report climbed at 16:00
    assert "4 reports outstanding" in html and "3 overdue" in html


def test_the_case_lists_show_a_reports_tab_to_the_office_only(stolen, signed_in):
    with frozen(at(2026, 3, 2, 13)):
        office = signed_in("office", "en").get("/cases/").content.decode()
        handler = signed_in("handler", "en").get("/cases/").content.decode()
        refused = signed_in("handler", "en").get("/cases/reports/")
    assert 'data-view="reports"' in office and 'data-view="reports"' not in handler
    assert refused.status_code == 403


@pytest.mark.parametrize("who", ["office", "compliance"])
def test_the_dashboard_counts_outstanding_and_overdue_reports(stolen, signed_in, who):
    with frozen(at(2026, 3, 2, 13)):  # the police report was due at 12:00
        html = signed_in(who, "en").get("/").content.decode()
    tile = re.search(r'id="tile-authority-reports">(.*?)</a>', html, re.S).group(1)
    assert '<span class="tile-number">2</span>' in tile and "1 overdue" in tile


def test_the_dashboard_has_no_reports_tile_for_a_handler(stolen, signed_in):
    with frozen(at(2026, 3, 2, 13)):
        assert "tile-authority-reports" not in signed_in("handler", "en").get("/").content.decode()


def test_the_policy_page_says_how_soon_each_report_is_due(org, signed_in):
    html = signed_in("office", "en").get("/policy/").content.decode()
    section = re.search(r'<section class="card" id="reports">(.*?)</section>', html, re.S).group(1)
    assert "Police (public security bureau)" in section and "2 hours" in section
    assert "CSRC 12386 service hotline" in section and "10 working days" in section


def test_the_reports_read_in_chinese(stolen, signed_in):
    with frozen(at(2026, 3, 2, 13)):
        html = signed_in("office").get(stolen.c.get_absolute_url()).content.decode()
        listing = signed_in("office").get("/cases/reports/").content.decode()
    assert "向监管及公安机关的报告" in html and "已逾期" in listing


def test_the_timeline_says_what_is_owed_when_it_went_late_and_where_it_climbed(stolen, signed_in):
    with frozen(at(2026, 3, 2, 16, 30)):
        sweep()
        html = signed_in("office", "en").get(stolen.c.get_absolute_url()).content.decode()
    assert ("A report to Police (public security bureau) is owed by 2026-03-02 12:00 "
            "(category step: Help the customer report to the police, and report to the regulator promptly)") in html
    assert "The report to Police (public security bureau) is overdue (due 2026-03-02 12:00)" in html
    assert "The overdue report to Police (public security bureau) was taken to" in html
