"""The complaints office reads mail held in quarantine — headers and text escaped, the
attachments by name — and releases it into intake or discards it with a note."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from redress.mailin import quarantine
from redress.mailin.models import QuarantinedMail
from tests.conftest import at

WHEN = at(2026, 3, 2, 10, 0)
PDF = b"%PDF-1.4\n%%EOF\n"


def held_message(subject="<script>alert(1)</script> 委托未成交", body="我的委托\x00一直未成交 <b>请核实</b>") -> QuarantinedMail:
    msg = EmailMessage()
    msg["From"] = "张三 <zhangsan@example.cn>"
    msg["To"] = "complaints@broker.example"
    msg["Subject"] = subject
    msg["Message-ID"] = "<held-1@example.cn>"
    msg.set_content(body)
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="交割单" * 40 + ".pdf")
    with frozen(WHEN):
        item, _ = quarantine.hold(msg.as_bytes(), ValueError("a bug met this message"))
    return item


def test_the_office_reads_a_held_message_with_everything_escaped(org, signed_in):
    item = held_message()
    office = signed_in("office")
    listed = office.get("/mail-quarantine/")
    html = listed.content.decode()
    assert listed.status_code == 200 and "邮件隔离区" in html and f"/mail-quarantine/{item.pk}/" in html
    assert "ValueError: a bug met this message" in html and "<script>alert(1)</script>" not in html
    page = office.get(f"/mail-quarantine/{item.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 委托未成交" in page and "<script>alert" not in page
    assert "zhangsan@example.cn" in page and "&lt;b&gt;请核实&lt;/b&gt;" in page
    assert "交割单交割单" in page and ".pdf" in page  # the attachment by its name
    assert "1 个空字符(NUL)未显示" in page


def test_the_office_releases_a_held_message_from_the_page(org, signed_in):
    item = held_message(subject="委托未成交")
    office = signed_in("office")
    with frozen(at(2026, 3, 3, 9, 0)):
        response = office.post(f"/mail-quarantine/{item.pk}/release/", {"note": "已修复"}, follow=True)
    c = Complaint.objects.get()
    assert response.status_code == 200 and c.reference in response.content.decode()
    item.refresh_from_db()
    assert item.status == "released" and item.complaint == c and item.decided_by == org.office
    assert "\x00" not in c.cause


def test_discarding_needs_a_note_and_is_recorded(org, signed_in):
    item = held_message()
    office = signed_in("office", "en")
    refused = office.post(f"/mail-quarantine/{item.pk}/discard/", {"note": ""}, follow=True)
    assert "say why the message is discarded" in refused.content.decode()
    assert QuarantinedMail.objects.get().status == "held"
    done = office.post(f"/mail-quarantine/{item.pk}/discard/", {"note": "spam"}, follow=True).content.decode()
    assert "Discarded; the decision and your note are recorded." in done and "spam" in done
    assert QuarantinedMail.objects.get().status == "discarded"
    assert office.get("/mail-quarantine/?status=discarded").content.decode().count(f"/mail-quarantine/{item.pk}/") == 2


@pytest.mark.parametrize("who", ["handler", "intake", "auditor"])
def test_only_the_complaints_office_sees_the_quarantine(org, signed_in, who):
    item = held_message()
    client = signed_in(who)
    assert client.get("/mail-quarantine/").status_code == 403
    assert client.get(f"/mail-quarantine/{item.pk}/").status_code == 403
    assert client.post(f"/mail-quarantine/{item.pk}/release/").status_code == 403
    assert "/mail-quarantine/" not in client.get("/policy/").content.decode()
    assert "/mail-quarantine/" in signed_in("office").get("/policy/").content.decode()


def test_the_office_finds_auto_replies_set_aside_and_releases_one_a_person_wrote(org, signed_in):
    from redress.mailin.intake import handle

    msg = EmailMessage()
    msg["From"], msg["To"] = "王五 <wangwu@example.cn>", "complaints@broker.example"
    msg["Subject"], msg["Message-ID"] = "自动回复:账户被冻结", "<ooo-1@example.cn>"
    msg.set_content("我的账户被冻结了,请尽快处理。")
    with frozen(WHEN):
        handle(msg.as_bytes())
    item = QuarantinedMail.objects.get()
    office = signed_in("office")
    assert f"/mail-quarantine/{item.pk}/" not in office.get("/mail-quarantine/").content.decode()  # nothing to decide
    listed = office.get("/mail-quarantine/?status=ignored").content.decode()
    assert "自动邮件,已搁置" in listed and f"/mail-quarantine/{item.pk}/" in listed and "自动回复 auto-reply" in listed
    page = office.get(f"/mail-quarantine/{item.pk}/").content.decode()
    assert "搁置原因" in page and "我的账户被冻结了" in page and f"/mail-quarantine/{item.pk}/release/" in page

    with frozen(at(2026, 3, 2, 11, 0)):
        office.post(f"/mail-quarantine/{item.pk}/release/", {"note": "客户本人来信"}, follow=True)

    c = Complaint.objects.get()
    assert "我的账户被冻结了" in c.cause
    item.refresh_from_db()
    assert item.status == "released" and item.complaint == c
