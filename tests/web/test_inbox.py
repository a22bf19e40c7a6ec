"""The inbox (/inbox/): a person's reminders and escalations in their language, the
unread count in the navigation, marking read, choosing email or the app, and a case's
escalations answered from its page."""

from __future__ import annotations

from datetime import date

import pytest

from redress.complaints.models import ClockAlert
from redress.complaints.services import send_due_alerts
from redress.complaints.timesource import frozen
from redress.notify.models import InboxNotice, NoticePreference
from tests.conftest import at

# The same case as tests/complaints/test_reminders_and_escalation.py: due Tuesday
# 24 February 2026, after the Spring Festival; the office hears on the 26th.
RECEIVED, OFFICE_STEP = at(2026, 1, 20, 10), at(2026, 2, 26, 17)


@pytest.fixture
def late_case(walk):
    w = walk(RECEIVED).assess().dispatch().accept()
    with frozen(OFFICE_STEP):
        send_due_alerts()
    return w.c


def signed_in(client, staff, language="en"):
    staff.language = language
    staff.save(update_fields=["language"])
    client.force_login(staff)
    client.cookies["django_language"] = language
    return client


def test_the_navigation_counts_unread_notices(client, org, late_case):
    page = signed_in(client, org.handler).get("/cases/").content.decode()
    assert 'hx-get="/inbox/count/"' in page  # fetched after the page, so no page pays a query for it
    page = client.get("/inbox/count/").content.decode()
    # The sweep first ran after the due time: both reminders were overtaken (recorded,
    # not sent), so the handler has the escalation at the breach alone.
    assert '<span class="badge unread-count" aria-label="1 unread">1</span>' in page


def test_the_inbox_writes_each_notice_in_the_readers_language(client, org, late_case):
    body = signed_in(client, org.handler, "zh-hans").get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert late_case.reference in body and late_case.subject in body
    assert "升级督办:" in body and "办结并告知结果" in body and "已逾期 2 个工作日" in body
    english = signed_in(client, org.dept_head).get("/inbox/").content.decode()
    assert "Escalation: Resolved and result told of " in english and "is late" in english
    assert "Late by 2 working days" in english


def test_marking_read_clears_the_count_for_that_person_only(client, org, late_case):
    signed_in(client, org.handler).post("/inbox/read/")
    assert not InboxNotice.objects.filter(staff=org.handler, read_at__isnull=True).exists()
    assert InboxNotice.objects.filter(staff=org.dept_head, read_at__isnull=True).exists()


def test_someone_chooses_in_app_only(client, org):
    signed_in(client, org.handler).post("/inbox/delivery/", {"delivery": "in_app"})
    assert NoticePreference.objects.get(staff=org.handler).delivery == "in_app"
    client.post("/inbox/delivery/", {"delivery": "pigeon"})
    assert NoticePreference.objects.get(staff=org.handler).delivery == "in_app"


def test_the_office_answers_an_escalation_on_the_case_page(client, org, late_case):
    page = signed_in(client, org.office).get(f"/complaints/{late_case.reference}/").content.decode()
    assert 'id="escalations"' in page and "Answer the escalation" in page
    office_step = ClockAlert.objects.get(kind="escalation", step=2)
    with frozen(at(2026, 2, 27, 10)):
        refused = client.post(f"/inbox/escalations/{office_step.pk}/answer/", {"plan": "", "by": "2026-03-02"},
                              follow=True).content.decode()
        assert "say what will happen next" in refused
        client.post(f"/inbox/escalations/{office_step.pk}/answer/", {"plan": "周一前书面答复", "by": "2026-03-02"})
    office_step.refresh_from_db()
    assert office_step.acknowledged_by == org.office and office_step.ack_by == date(2026, 3, 2)
    page = client.get(f"/complaints/{late_case.reference}/").content.decode()
    assert "周一前书面答复" in page


def test_an_escalation_is_not_answered_by_someone_not_told(client, org, late_case):
    office_step = ClockAlert.objects.get(kind="escalation", step=2)
    response = signed_in(client, org.handler2).post(f"/inbox/escalations/{office_step.pk}/answer/",
                                                    {"plan": "x", "by": "2026-03-02"})
    assert response.status_code in (403, 404)
    office_step.refresh_from_db()
    assert office_step.acknowledged_at is None
