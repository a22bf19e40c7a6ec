"""`redress mail-in`: a complaint by email, as the mail server hands it over."""

from __future__ import annotations

import base64
import hashlib
import json
import quopri

import pytest

from redress.complaints.ledger import EventType
from redress.complaints.models import (
    Communication,
    Complaint,
    ComplaintLink,
    Event,
    Evidence,
    Staff,
)
from redress.complaints.timesource import frozen
from redress.mailin.intake import handle
from redress.mailin.models import InboundMail
from tests.conftest import at
from tests.mailin.conftest import PDF, message, raw_message


def events(complaint) -> list[int]:
    return list(Event.objects.filter(complaint=complaint).order_by("seq").values_list("type", flat=True))


def b64word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


@pytest.mark.django_db
def test_english_email_opens_a_registered_complaint_with_its_attachment_as_evidence(org, pipe):
    # given an English complaint with a PDF statement attached
    msg = message()
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="statement March.pdf")

    # when the mail server pipes it in
    result = pipe(msg)

    # then a complaint is opened and registered, the sender is the contact
    assert result.code == 0, result.err
    c = Complaint.objects.get()
    assert result.out.strip() == f"mail-in: opened {c.reference} 1 attachment(s) kept, 0 refused"
    assert (c.channel, c.state, c.language) == ("email", "registered", "en")
    assert c.customer.name == "Alice Walker" and c.customer.email == "alice@example.org"
    assert c.subject == "Order not executed"
    assert c.cause.startswith("My order of 2 March was never executed")
    assert c.owner.username == "mail-in" and c.owner.has_role("intake")
    evidence = Evidence.objects.get(complaint=c)
    assert evidence.original_name == "statement March.pdf"
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (evidence.source, evidence.content_type) == ("email", "application/pdf")
    assert events(c) == [EventType.RECEIVED, EventType.REGISTERED, EventType.EVIDENCE_ADDED]
    assert set(Event.objects.filter(complaint=c).values_list("channel", flat=True)) == {"email"}
    added = json.loads(Event.objects.get(complaint=c, type=EventType.EVIDENCE_ADDED).payload)
    assert added["sha256"] == evidence.sha256
    # and the acknowledgment waits in the outbox for the sender
    ack = Communication.objects.get(complaint=c, kind="acknowledgment")
    assert c.reference in ack.body and "Reference number" in ack.body
    record = InboundMail.objects.get()
    assert (record.outcome, record.complaint, record.message_id) == ("opened", c, "<m1@mail.example.org>")


@pytest.mark.django_db
def test_gb2312_mail_with_encoded_headers_is_read_in_chinese(org, pipe):
    body = "我3月2日下午的委托一直未成交,系统显示已报。请核实并给出说明。"
    raw = raw_message(
        {"From": f"{b64word('张三', 'GB2312')} <zhangsan@example.cn>", "To": "ts@broker.example",
         "Subject": b64word("委托未成交", "GB2312"), "Message-ID": "<gb2312@example.cn>"},
        base64.encodebytes(body.encode("gb2312")), 'text/plain; charset="GB2312"', "base64")

    result = pipe(raw)

    assert result.code == 0, result.err
    c = Complaint.objects.get()
    assert (c.subject, c.cause, c.language) == ("委托未成交", body, "zh-hans")
    assert c.customer.name == "张三"
    assert "受理编号" in Communication.objects.get(complaint=c, kind="acknowledgment").body


@pytest.mark.django_db
def test_gbk_characters_in_a_body_labelled_gb2312_survive(org, pipe):
    # 镕 and 堃 are GBK, not GB2312: clients label such mail GB2312 all the same
    body = "客户经理朱镕基和王堃向我推荐理财产品,承诺保本。"
    with pytest.raises(UnicodeEncodeError):
        body.encode("gb2312")
    raw = raw_message({"From": "wang@example.cn", "Subject": "=?gbk?Q?=C0=ED=B2=C6?=", "Message-ID": "<gbk@x>"},
                      quopri.encodestring(body.encode("gbk")), "text/plain; charset=gb2312", "quoted-printable")

    assert pipe(raw).code == 0
    c = Complaint.objects.get()
    assert c.cause == body and c.subject == "理财"
    assert c.customer.name == "wang"  # no display name: the mailbox name


@pytest.mark.django_db
def test_utf8_alternative_prefers_the_plain_text_part(org, pipe):
    msg = message(subject="转账资金未到账", body="周三下午三点前做了证券转银行,银行卡没有收到钱。", message_id="<alt@x>")
    msg.add_alternative("<html><body><p>HTML 版本</p></body></html>", subtype="html")

    assert pipe(msg).code == 0
    c = Complaint.objects.get()
    assert c.cause == "周三下午三点前做了证券转银行,银行卡没有收到钱。"
    assert c.language == "zh-hans"


@pytest.mark.django_db
def test_html_only_mail_is_stripped_to_text(org, pipe):
    html = ("<html><head><style>p{color:red}</style></head><body><p>App 升级后无法查看<b>历史对账单</b></p>"
            "<div>请恢复&nbsp;查询</div><script>alert(1)</script></body></html>")
    raw = raw_message({"From": "li@example.cn", "Subject": "=?UTF-8?B?" + base64.b64encode("对账单".encode()).decode()
                       + "?=", "Message-ID": "<html@x>"}, base64.encodebytes(html.encode("utf-8")),
                      "text/html; charset=utf-8", "base64")

    assert pipe(raw).code == 0
    c = Complaint.objects.get()
    assert c.cause == "App 升级后无法查看历史对账单\n\n请恢复 查询"
    assert c.subject == "对账单"


@pytest.mark.django_db
def test_invalid_bytes_and_unknown_charsets_are_replaced_not_fatal(org, pipe):
    broken = "资金".encode() + b"\xff\xfe\xfa" + " 未到账".encode()
    raw = raw_message({"From": "x@example.cn", "Subject": "=?x-unknown-cs?B?AAAA?= 资金未到账", "Message-ID": "<broken@x>"},
                      broken, "text/plain; charset=x-no-such-charset")

    result = pipe(raw)
    assert result.code == 0, result.err
    c = Complaint.objects.get()
    assert c.cause.startswith("资金") and c.cause.endswith("未到账") and "\ufffd" in c.cause
    assert c.subject.endswith("资金未到账")


@pytest.mark.django_db
def test_a_reply_from_the_complainant_is_added_to_the_complaint(org, pipe):
    # given a complaint opened by email
    pipe(message())
    c = Complaint.objects.get()
    before = events(c)

    # when the complainant answers the acknowledgment
    reply = message(sender="alice@example.org", subject=f"Re: [Redress] {c.reference} customer_message",
                    body="Here is the order number: 20260302-0042.", message_id="<reply@mail.example.org>")
    result = pipe(reply, when=at(2026, 3, 3, 9, 0))

    # then it is a customer message on that complaint, recorded in its ledger
    assert result.code == 0, result.err
    assert result.out.strip() == f"mail-in: attached {c.reference}"
    assert Complaint.objects.count() == 1
    received = Communication.objects.get(complaint=c, direction="in")
    assert (received.kind, received.channel, received.body) == (
        "customer_message", "email", "Here is the order number: 20260302-0042.")
    assert events(c) == before + [EventType.MESSAGE_RECEIVED]
    last = Event.objects.filter(complaint=c).order_by("-seq").first()
    assert (last.channel, last.actor_role, last.actor) == ("email", "customer", None)


@pytest.mark.django_db
def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize("subject", [
    "关于{ref}的补充材料",  # next to Chinese text: no \b between 于 and T
    "关于{full}的补充材料",  # full-width letters, digits and hyphens
    "re: {lower} 补充",  # lower case
    "补充材料({dash})",  # another dash, in full-width brackets
])
def test_a_reply_finds_its_reference_however_it_is_written(org, pipe, subject):
    pipe(message())
    c = Complaint.objects.get()
    written = subject.format(ref=c.reference, full=_full_width(c.reference), lower=c.reference.lower(),
                             dash=c.reference.replace("-", "\u2013"))
    reply = message(sender="alice@example.org", subject=written, body="补充材料见附件说明。",
                    message_id="<reply-cjk@mail.example.org>")
    result = pipe(reply, when=at(2026, 3, 3, 9, 0))
    assert result.code == 0, result.err
    assert result.out.strip() == f"mail-in: attached {c.reference}"
    assert Complaint.objects.count() == 1


def test_a_longer_number_is_not_taken_for_a_reference():
    from redress.mailin.intake import references_in

    assert references_in("TS-2026-0000521 与 TS-20266-000052") == []
    assert references_in("【ＴＳ－２０２６－０００００７】") == ["TS-2026-000007"]


def test_a_reference_quoted_by_someone_else_opens_a_new_linked_complaint(org, pipe):
    # given Alice's complaint
    pipe(message())
    alice = Complaint.objects.get()
    before = events(alice)

    # when a stranger writes quoting her reference
    stranger = message(sender="Bob <bob@elsewhere.example>", subject=f"About {alice.reference}",
                       body="I want to know what happened in this case.", message_id="<bob@x>")
    result = pipe(stranger)

    # then nothing goes into Alice's case; Bob has his own complaint, linked to hers
    assert result.code == 0
    bob = Complaint.objects.exclude(pk=alice.pk).get()
    assert result.out.strip() == f"mail-in: linked {bob.reference}"
    assert events(alice) == before
    assert not Communication.objects.filter(complaint=alice, direction="in").exists()
    assert bob.customer.email == "bob@elsewhere.example"
    assert ComplaintLink.objects.filter(source=bob, target=alice, kind="related").exists()
    assert EventType.LINKED in events(bob)
    record = InboundMail.objects.get(message_id="<bob@x>")
    assert (record.referenced, record.reason) == (alice, "sender is not the complainant of the referenced case")
    assert alice.reference not in Communication.objects.get(complaint=bob, kind="acknowledgment").body


@pytest.mark.django_db
def test_the_same_message_twice_is_handled_once(org, pipe):
    assert pipe(message()).code == 0
    again = pipe(message())

    assert again.code == 0
    assert again.out.strip() == "mail-in: already handled (same Message-ID); nothing done"
    assert Complaint.objects.count() == 1 and InboundMail.objects.count() == 1


@pytest.mark.django_db
def test_a_message_without_a_sender_is_refused_permanently(org, pipe):
    result = pipe(b"this is not an email at all\r\n\r\njust some bytes \xff\xfe")

    assert result.code == 65
    assert result.err.count("\n") == 1 and "no sender address" in result.err
    assert not Complaint.objects.exists() and not InboundMail.objects.exists()


@pytest.mark.django_db
def test_an_empty_message_is_refused(org, pipe):
    result = pipe(b"  \r\n")
    assert (result.code, result.err.strip()) == (65, "redress mail-in: empty message")


@pytest.mark.django_db
def test_a_sender_address_that_is_not_one_is_refused_without_a_trace(org, pipe):
    result = pipe(message(sender="Eve <eve@no-dot-domain>"))
    assert result.code == 65 and "customer.email" in result.err
    # the whole intake rolled back: not even the system account was left behind
    assert not Complaint.objects.exists() and not Staff.objects.filter(username="mail-in").exists()


@pytest.mark.django_db
def test_a_disallowed_attachment_is_noted_on_the_complaint_not_dropped(org, pipe):
    # given a message with a PDF and a Windows program
    msg = message(message_id="<exe@x>")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="合同.pdf")
    msg.add_attachment(b"MZ\x90\x00" + b"\x00" * 60, maintype="application", subtype="x-msdownload",
                       filename="invoice.exe")

    result = pipe(msg)

    # then the PDF is evidence and the program is listed, with the reason, in the cause
    assert result.code == 0
    assert result.out.strip().endswith("1 attachment(s) kept, 1 refused")
    c = Complaint.objects.get()
    assert list(Evidence.objects.filter(complaint=c).values_list("original_name", flat=True)) == ["合同.pdf"]
    assert "[附件未受理 Attachments not accepted]" in c.cause
    assert "invoice.exe (application/x-msdownload, 64 bytes)" in c.cause
    refused = InboundMail.objects.get().refused_attachments
    assert [(r["name"], r["content_type"]) for r in refused] == [("invoice.exe", "application/x-msdownload")]
    assert events(c).count(EventType.EVIDENCE_ADDED) == 1


@pytest.mark.django_db
def test_a_pdf_sent_as_octet_stream_is_recognised_by_its_name(org, pipe):
    msg = message(message_id="<octet@x>")
    msg.add_attachment(PDF, maintype="application", subtype="octet-stream", filename="=?UTF-8?B?"
                       + base64.b64encode("对账单.pdf".encode()).decode() + "?=")

    assert pipe(msg).code == 0
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type) == ("对账单.pdf", "application/pdf")


@pytest.mark.django_db
def test_auto_replies_are_recorded_and_ignored(org, pipe):
    result = pipe(message(subject="Out of office", Auto_Submitted="auto-replied", message_id="<ooo@x>"))

    assert result.code == 0 and result.out.startswith("mail-in: ignored, 自动回复 auto-reply")
    assert not Complaint.objects.exists()
    assert InboundMail.objects.get().reason == "自动回复 auto-reply (Auto-Submitted: auto-replied)"


@pytest.mark.django_db
def test_the_mail_in_account_is_created_once_and_cannot_sign_in(org, pipe):
    pipe(message())
    pipe(message(message_id="<second@x>"))

    account = Staff.objects.get(username="mail-in")
    assert not account.has_usable_password()
    assert list(account.roles.values_list("role", flat=True)) == ["intake"]
    assert account.unit == org.customer_service


@pytest.mark.django_db
def test_no_personal_data_in_the_logs(org, pipe, caplog):
    # (handle() directly: the CLI re-applies the LOGGING setting, which detaches caplog)
    caplog.set_level("DEBUG", logger="redress.mailin")
    with frozen(at(2026, 3, 2)):
        handle(message().as_bytes())
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "mail-in opened" in logged
    assert "alice" not in logged.lower() and "Walker" not in logged and "executed" not in logged
