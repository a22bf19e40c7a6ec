"""Searching and filtering a worklist: Chinese substrings, personal fields for those who
may see them, a reference number that opens the case, and bad values named."""

from __future__ import annotations

from redress.complaints import services as svc
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.worklists.test_views import refs


def test_search_finds_a_chinese_substring_of_the_cause(org, walk, signed_in):
    wanted = walk(at(2026, 3, 2), subject="交易问题", cause="我昨天的委托一直未成交")
    walk(at(2026, 3, 2), subject="服务态度", cause="营业部现场排队时间长")
    with frozen(at(2026, 3, 3)):
        assert refs(signed_in("intake").get("/cases/?view=open&q=委托")) == {wanted.c.reference}
        assert refs(signed_in("intake").get("/cases/?view=open&q=一直未成交")) == {wanted.c.reference}


def test_search_finds_an_english_word_whatever_its_case(org, walk, signed_in):
    wanted = walk(at(2026, 3, 2), subject="Custody transfer still pending", cause="After a week")
    walk(at(2026, 3, 2))
    with frozen(at(2026, 3, 3)):
        assert refs(signed_in("intake").get("/cases/?view=open&q=custody")) == {wanted.c.reference}


def test_search_finds_the_case_by_phone_account_number_and_name(org, walk, signed_in):
    wanted = walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="13912345678",
                                                              account_number="310000998877"))
    walk(at(2026, 3, 2))
    client = signed_in("intake")
    with frozen(at(2026, 3, 3)):
        for q in ("13912345678", "310000998877", "欧阳娜娜", "欧阳娜"):
            assert refs(client.get(f"/cases/?view=open&q={q}")) == {wanted.c.reference}, q
        for piece in ("12345678", "998877"):  # a piece of a number is no way to find a person
            assert refs(client.get(f"/cases/?view=open&q={piece}")) == set(), piece


def test_someone_who_sees_masked_data_cannot_find_a_case_by_phone(org, walk, signed_in):
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="13912345678"))
    with frozen(at(2026, 3, 3)):
        assert refs(signed_in("auditor").get("/cases/?view=open&q=13912345678")) == set()
        assert len(refs(signed_in("auditor").get("/cases/?view=open"))) == 1


def test_the_list_shows_the_customer_name_masked(org, walk, signed_in):
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="13912345678"))
    with frozen(at(2026, 3, 3)):
        html = signed_in("intake").get("/cases/?view=open").content.decode()
    assert "欧***" in html and "欧阳娜娜" not in html


def test_a_reference_number_opens_the_complaint(org, walk, signed_in):
    w = walk(at(2026, 3, 2))
    with frozen(at(2026, 3, 3)):
        response = signed_in("intake").get(f"/cases/?q={w.c.reference.lower()}")
    assert response.status_code == 302
    assert response["Location"] == w.c.get_absolute_url()


def test_another_units_reference_number_does_not_open_nor_say_it_exists(org, walk, signed_in):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        response = signed_in("intake2", "en").get(f"/cases/?q={w.c.reference}")
        missing = signed_in("intake2", "en").get("/cases/?q=TS-2026-999999")
    assert response.status_code == 200
    assert f"No complaint {w.c.reference} that you may see." in response.content.decode()
    assert "No complaint TS-2026-999999 that you may see." in missing.content.decode()


def test_bad_date_filter_names_the_field(org, walk, signed_in):
    w = walk(at(2026, 3, 2))
    with frozen(at(2026, 3, 3)):
        response = signed_in("intake", "en").get("/cases/?view=open&received_from=2026-13-01&q=委托")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Received from: Enter a valid date." in html
    assert 'value="2026-13-01"' in html  # what was typed stays in the box
    assert refs(response) == {w.c.reference}  # the valid filters still apply


def test_bad_date_filter_names_the_field_in_chinese(org, walk, signed_in):
    with frozen(at(2026, 3, 3)):
        html = signed_in("intake").get("/cases/?received_to=2026-02-30").content.decode()
    assert "受理日期至" in html and "输入一个有效的日期" in html


def test_unknown_state_is_refused_by_name(org, signed_in):
    response = signed_in("office", "en").get("/cases/?view=open&state=lost")
    assert response.status_code == 400
    assert "State: Select a valid choice. lost is not one of the available choices." in response.content.decode()


def test_a_date_range_the_wrong_way_round_is_refused(org, signed_in):
    response = signed_in("office", "en").get("/cases/?received_from=2026-03-05&received_to=2026-03-01")
    assert response.status_code == 400
    assert "Received to: must be on or after" in response.content.decode()


def test_filters_narrow_the_list(org, walk, signed_in):
    phone = walk(at(2026, 3, 2)).assess(category="trading_assets", severity="high")
    walk(at(2026, 3, 5), channel="walk_in").assess(category="counter")
    client = signed_in("office")
    with frozen(at(2026, 3, 10)):
        assert refs(client.get("/cases/?view=open&category=trading_assets")) == {phone.c.reference}
        assert refs(client.get("/cases/?view=open&severity=high")) == {phone.c.reference}
        assert refs(client.get("/cases/?view=open&channel=phone")) == {phone.c.reference}
        assert refs(client.get("/cases/?view=open&state=assessed&received_to=2026-03-02")) == {phone.c.reference}
        assert refs(client.get("/cases/?view=open&received_from=2026-03-03")) != {phone.c.reference}


def test_received_to_includes_the_whole_last_day(org, walk, signed_in):
    late_evening = walk(at(2026, 3, 2, 23, 50))
    with frozen(at(2026, 3, 3)):
        assert refs(signed_in("office").get("/cases/?view=open&received_to=2026-03-02")) == {late_evening.c.reference}


def test_branch_filter(org, walk, signed_in):
    tianhe = walk(at(2026, 3, 2), branch=org.branch)
    walk(at(2026, 3, 2), branch=org.branch2)
    with frozen(at(2026, 3, 3)):
        assert refs(signed_in("office").get(f"/cases/?view=open&branch={org.branch.pk}")) == {tianhe.c.reference}
