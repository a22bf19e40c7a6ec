"""The complaint page: what a handler, approver or callback agent sees at a glance, and
who may open it at all."""

from __future__ import annotations

from redress.complaints import services as svc
from redress.complaints.timesource import frozen
from tests.conftest import at


def page(client, complaint):
    return client.get(f"/complaints/{complaint.reference}/")


def test_handler_sees_the_case_with_its_clocks_and_version(org, walk, signed_in):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 4)):
        response = page(signed_in("handler"), w.c)
    assert response.status_code == 200
    html = response.content.decode()
    assert w.c.reference in html
    assert "委托未成交" in html and "我昨天下午的委托一直未成交" in html and "请核实并给出说明" in html
    assert f'data-version="{w.c.version}"' in html
    assert "天河营业部" in html  # responsible unit
    # the clock by its policy name, never its code, in the Chinese page
    assert "办结并告知结果" in html and ">resolution<" not in html and "mono\">resolution" not in html


def test_handler_of_another_branch_gets_404(org, walk, signed_in):
    # Given a case dispatched to the Tianhe branch
    w = walk().assess().dispatch()
    # and a handler who works in the Yuexiu branch
    org.handler2.unit = org.branch2
    org.handler2.save()
    # When they open the case, then it does not exist for them
    assert page(signed_in("handler2"), w.c).status_code == 404


def test_missing_reference_is_the_same_404(org, signed_in):
    assert signed_in("office").get("/complaints/CS-2026-999999/").status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(org, walk, client):
    w = walk()
    response = page(client, w.c)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_script_in_cause_is_shown_as_text(org, walk, signed_in):
    w = walk(subject="<script>alert('s')</script>委托", cause="<script>alert(1)</script> 委托未成交")
    html = page(signed_in("office"), w.c).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 委托未成交" in html


def test_page_reads_in_english_when_asked(org, walk, signed_in):
    w = walk().assess()
    html = page(signed_in("office", "en"), w.c).content.decode()
    assert "Timeline" in html and "registered the complaint" in html


def test_page_query_count_stays_bounded(org, walk, signed_in, django_assert_max_num_queries):
    w = walk().to_awaiting_callback()
    client = signed_in("office")
    page(client, w.c)  # warm the session and the policy cache
    with django_assert_max_num_queries(40):
        assert page(client, w.c).status_code == 200


def test_linked_complaints_link_both_ways(org, walk, signed_in):
    w = walk().to_awaiting_callback()
    with frozen(at(2026, 3, 20)):
        new = svc.complaint_recomplain(w.c, actor=org.intake, cause="仍不认可处理结果", channel="phone")
    office = signed_in("office")
    old_html = page(office, w.c).content.decode()
    new_html = page(office, new).content.decode()
    assert f'href="/complaints/{new.reference}/"' in old_html
    assert f'href="/complaints/{w.c.reference}/"' in new_html
