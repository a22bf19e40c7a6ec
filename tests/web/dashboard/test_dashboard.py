"""The dashboard at /: open work, deadlines in the person's scope, two charts."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache

from redress.complaints.models import Staff
from redress.complaints.timesource import frozen
from tests.conftest import at, grant
from tests.web.dashboard.conftest import NOW


def look(client):
    with frozen(NOW):
        response = client.get("/")
    assert response.status_code == 200
    return response


def chart(response, name):
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    return json.loads(match.group(1))


@pytest.mark.parametrize("who", ["intake", "handler", "dept_head", "office", "cro", "senior", "callback",
                                 "compliance", "auditor"])
def test_every_role_sees_a_dashboard(org, signed_in, who):
    assert look(signed_in(who)).context["nav"] == "dashboard"


def test_staff_without_a_role_get_a_plain_page_and_no_dashboard(org, client):
    nobody = Staff.objects.create_user(username="nobody", password="x" * 12)
    client.force_login(nobody)
    response = client.get("/")
    assert response.status_code == 200 and 'id="no-workbench"' in response.content.decode()
    assert "groups" not in response.context


def test_handler_counts_overdue_and_due_today_of_their_branch_only(cases, signed_in):
    response = look(signed_in("handler"))
    # overdue: the resolution due 30 Mar and the callback due 12 Mar; the other
    # branch's overdue complaint is not theirs to see.
    assert response.context["deadlines"] == {"overdue": 2, "due_today": 1}
    html = response.content.decode()
    assert 'href="/cases/?view=overdue"' in html and 'href="/cases/?view=due_today"' in html
    assert cases.other_branch.c.reference not in html


def test_complaints_office_counts_the_whole_institution(cases, signed_in):
    response = look(signed_in("office"))
    assert response.context["deadlines"] == {"overdue": 3, "due_today": 1}
    assert response.context["wide_scope"]


def test_due_today_ends_at_midnight_in_shanghai(cases, signed_in):
    """At 23:30 on 31 March nothing more is due 'today'; the 17:00 clock is overdue."""
    client = signed_in("handler")
    with frozen(NOW.replace(hour=23, minute=30)):
        response = client.get("/")
    assert response.context["deadlines"] == {"overdue": 3, "due_today": 0}


def test_handler_sees_the_work_assigned_to_them(cases, signed_in):
    groups = {g["code"]: g for g in look(signed_in("handler")).context["groups"]}
    # What needs them leads; a handler approves nothing and owns nothing.
    assert [g for g in groups] == ["needs_me", "unit_orders", "assigned", "opened"]
    assert groups["opened"]["count"] == 0
    assert groups["assigned"]["count"] == 5
    # Most urgent first: the callback due 12 Mar, then the resolution due 30 Mar.
    assert [c.reference for c in groups["assigned"]["items"][:2]] == [
        cases.told_on_time.c.reference, cases.overdue.c.reference]
    # Of the five, two wait for their proposal; the rest wait on the approver and the callback desk.
    assert [c.reference for c in groups["needs_me"]["items"]] == [cases.overdue.c.reference,
                                                                  cases.due_today.c.reference]


def test_a_group_over_the_count_cap_lists_the_same_most_urgent_cases_and_says_cap_plus(cases, signed_in, monkeypatch):
    """Up to the cap a group is read once and sorted here; over it, listed in order by the
    database. Either way the same cases lead; the count stops at the cap ("3+")."""
    client = signed_in("handler")
    whole = {g["code"]: g for g in look(client).context["groups"]}["assigned"]
    monkeypatch.setattr("redress.complaints.selectors.worklists.COUNT_CAP", 3)
    cache.clear()
    over = {g["code"]: g for g in look(client).context["groups"]}["assigned"]
    assert whole["count"] == 5 and over["count"] == 4 and over["count_text"] == "3+"
    assert [c.reference for c in over["items"]] == [c.reference for c in whole["items"]]
    assert all(hasattr(c, "running_clocks") for c in whole["items"] + over["items"])


def test_colleague_in_the_same_branch_has_nothing_assigned(cases, signed_in):
    groups = {g["code"]: g for g in look(signed_in("handler2")).context["groups"]}
    assert groups["assigned"]["count"] == 0 and groups["assigned"]["items"] == []
    assert groups["needs_me"]["count"] == 0


def test_intake_agent_sees_what_they_opened_apart_from_what_needs_them(cases, signed_in):
    groups = {g["code"]: g for g in look(signed_in("intake")).context["groups"]}
    assert groups["opened"]["count"] == 6  # first responder of every open complaint above
    assert groups["needs_me"]["count"] == 0  # all six wait on other people
    assert list(groups)[0] == "needs_me"


def test_callback_agents_dashboard_leads_with_the_cases_awaiting_callback(cases, signed_in):
    groups = {g["code"]: g for g in look(signed_in("callback")).context["groups"]}
    waiting = {cases.told_on_time.c.reference, cases.told_late.c.reference}
    assert list(groups) == ["needs_me", "callback"]
    assert {c.reference for c in groups["callback"]["items"]} == waiting
    assert {c.reference for c in groups["needs_me"]["items"]} == waiting


def test_handlers_dashboard_shows_the_work_orders_sent_to_their_unit(org, cases, signed_in):
    sent = cases.other_branch.c  # dispatched to Yuexiu, not accepted
    yuexiu = Staff.objects.create_user(username="yx_handler", password="x" * 12, unit=org.branch2)
    grant(yuexiu, "handler")
    org.yx_handler = yuexiu
    groups = {g["code"]: g for g in look(signed_in("yx_handler")).context["groups"]}
    assert [c.reference for c in groups["unit_orders"]["items"]] == [sent.reference]
    assert [c.reference for c in groups["needs_me"]["items"]] == [sent.reference]
    assert groups["unit_orders"]["link"] == "/cases/?view=unassigned"


def test_office_dashboard_leads_with_what_is_to_assess_and_dispatch(org, cases, walk, signed_in):
    registered = walk(at(2026, 3, 30)).c
    assessed = walk(at(2026, 3, 30, 11)).assess().c
    groups = {g["code"]: g for g in look(signed_in("office")).context["groups"]}
    assert list(groups)[:2] == ["needs_me", "triage"]
    assert {c.reference for c in groups["triage"]["items"]} == {registered.reference, assessed.reference}
    assert {registered.reference, assessed.reference} <= {c.reference for c in groups["needs_me"]["items"]}


def test_department_head_sees_the_proposal_awaiting_their_approval(cases, signed_in):
    response = look(signed_in("dept_head"))
    approvals = next(g for g in response.context["groups"] if g["code"] == "approvals")
    assert [c.reference for c in approvals["items"]] == [cases.awaiting_approval.c.reference]
    assert 'href="/cases/?view=approvals"' in response.content.decode()


def test_department_head_of_another_branch_has_nothing_to_approve(cases, org, signed_in):
    org.dept_head.unit = org.branch2
    org.dept_head.save()
    approvals = next(g for g in look(signed_in("dept_head")).context["groups"] if g["code"] == "approvals")
    assert approvals["count"] == 0


def test_complaints_office_sees_the_proposal_awaiting_approval(cases, signed_in):
    approvals = next(g for g in look(signed_in("office")).context["groups"] if g["code"] == "approvals")
    assert approvals["count"] == 1


def test_cro_is_not_asked_to_approve_a_small_case(cases, signed_in):
    """The authority matrix sends a medium case without money to dept head / office."""
    approvals = next(g for g in look(signed_in("cro")).context["groups"] if g["code"] == "approvals")
    assert approvals["count"] == 0


def test_intake_chart_counts_per_day_by_category_for_the_branch(cases, signed_in):
    data = chart(look(signed_in("handler", "en")), "intake-data")
    assert data["days"][0] == "03-02" and data["days"][-1] == "03-31" and len(data["days"]) == 30
    [series] = data["series"]
    assert series["name"] == "Counter business"
    assert series["data"][:4] == [2, 1, 1, 1]  # 2 Mar: two of theirs (not the other branch's)
    assert data["total"] == 5


def test_intake_chart_for_the_office_includes_every_branch(cases, signed_in):
    data = chart(look(signed_in("office")), "intake-data")
    assert data["series"][0]["name"] == "柜台业务类"
    assert data["series"][0]["data"][0] == 3


def test_on_time_chart_per_week(cases, signed_in):
    data = chart(look(signed_in("handler", "en")), "ontime-data")
    assert data["weeks"] == ["week of 03-02", "week of 03-09", "week of 03-16", "week of 03-23", "week of 03-30"]
    # Met in the week of 2 March: the five branch cases' registration clocks (registered as
    # they were taken down) and the resolution told on time. Missed: that case's callback,
    # due 12 March and still running; in the week of 30 March the resolution due on the
    # 30th and still open, and the one due then and told late on the 31st. The case due
    # today at 17:00 is neither yet.
    assert data["on_time"] == [6, 0, 0, 0, 0]
    assert data["late"] == [0, 1, 0, 0, 2]
    assert data["rate"] == [100.0, 0.0, None, None, 0.0]


def test_charts_use_the_vendored_echarts_and_no_cdn(cases, signed_in):
    html = look(signed_in("handler")).content.decode()
    assert "/static/web/vendor/echarts-5.6.0.min.js" in html
    assert "/static/web/dashboard.js" in html
    # Nothing loaded from another host. (Not a bare "cdn" search: the page's random CSRF
    # token spelt it once.)
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html)
    assert not re.search(r"cdn[.j]", html.lower())


def test_dashboard_query_count_does_not_grow_with_the_complaints(cases, walk, signed_in, django_assert_max_num_queries):
    client = signed_in("office")
    look(client)  # warm: the session, the pack
    for day in (9, 10, 11):
        walk(at(2026, 3, day)).assess().dispatch().accept()
    cache.clear()
    # needs my action, to assess and dispatch, approvals, opened by me: two each (rows, clocks);
    # the ids needing the office and those waiting for its decision, read once each
    with django_assert_max_num_queries(26):
        look(client)


def test_dashboard_in_english(cases, signed_in):
    html = look(signed_in("handler", "en")).content.decode()
    assert "Assigned to me" in html and "Due today" in html


def test_dashboard_in_chinese(cases, signed_in):
    html = look(signed_in("handler")).content.decode()
    assert "分配给我的" in html and "今日到期" in html


@pytest.mark.parametrize("who, lang, says", [
    ("handler", "en", "Complaints branch_tianhe is responsible for."),
    ("handler", "zh-hans", "天河营业部负责处理的投诉。"),
    ("intake", "en", "Complaints customer_service took in."),
    ("office", "zh-hans", "全机构。"),
])
def test_the_charts_say_whose_figures_they_show(org, signed_in, who, lang, says):
    assert says in look(signed_in(who, lang)).content.decode()


def test_the_office_sees_how_many_cases_may_be_deemed_closed(org, walk, signed_in):
    w = walk(at(2025, 9, 1)).to_awaiting_callback().callback(satisfied=False)  # eligible 1 Mar 2026
    groups = {g["code"]: g for g in look(signed_in("office")).context["groups"]}
    assert groups["deemable"]["count"] == 1 and groups["deemable"]["items"][0].pk == w.c.pk
    html = look(signed_in("office")).content.decode()
    assert "可视为办结" in html and "2026-03-01" in html
    assert "deemable" not in {g["code"] for g in look(signed_in("handler")).context["groups"]}
