"""The dashboard warns administrators and the complaints office that the official
holiday calendar for next year is missing (from 1 November), or for this year."""

from __future__ import annotations

from datetime import date

import pytest
from chinese_calendar import constants

from redress.complaints.models import Staff, StaffRole
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from tests.conftest import at

WARNING = 'id="calendar-missing"'


def look(client, when):
    with frozen(when):
        response = client.get("/")
    assert response.status_code == 200
    return response


@pytest.fixture
def administrator(org):
    staff = Staff.objects.create_user(username="sysadmin", password="x" * 12, display_name="sysadmin")
    StaffRole.objects.create(staff=staff, role="admin")
    return staff


def test_the_office_is_warned_on_1_november_that_2027_is_missing(signed_in):
    assert active_pack().calendar.country == "CN"
    response = look(signed_in("office", "en"), at(2026, 11, 1, 9))
    html = response.content.decode()
    assert WARNING in html
    assert "The official holiday calendar for 2027 is missing." in html
    assert "Due dates after 31 December are computed without next year" in html
    assert "pip install -U chinesecalendar" in html
    assert "/admin/complaints/calendarday/" not in html  # the office cannot enter the days


def test_in_chinese_by_default(signed_in):
    html = look(signed_in("office"), at(2026, 11, 1, 9)).content.decode()
    assert "2027年的官方节假日安排缺失" in html and "调休" in html


def test_an_administrator_is_warned_and_shown_where_to_enter_the_days(administrator, client):
    client.force_login(administrator)
    html = look(client, at(2026, 11, 1, 9)).content.decode()
    assert WARNING in html and 'href="/admin/complaints/calendarday/"' in html


def test_not_on_31_october(signed_in):
    # 31 October 23:30 in Shanghai is still October there (15:30 UTC).
    assert WARNING not in look(signed_in("office"), at(2026, 10, 31, 23, 30)).content.decode()


def test_not_for_a_handler(signed_in):
    assert WARNING not in look(signed_in("handler"), at(2026, 11, 1, 9)).content.decode()


def test_not_once_chinesecalendar_has_next_year(signed_in, monkeypatch):
    monkeypatch.setitem(constants.holidays, date(2027, 1, 1), "New Year's Day")
    assert WARNING not in look(signed_in("office"), at(2026, 11, 1, 9)).content.decode()


def test_this_years_calendar_missing_is_told_at_any_time(signed_in):
    html = look(signed_in("office", "en"), at(2027, 3, 1, 9)).content.decode()
    assert "The official holiday calendar for 2027 is missing." in html
    assert "Due dates this year are computed without" in html


def test_not_for_a_pack_outside_china(signed_in, settings):
    settings.REDRESS_POLICY = "us-broker"
    assert WARNING not in look(signed_in("office"), at(2026, 11, 1, 9)).content.decode()
