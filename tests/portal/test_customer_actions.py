"""On the status page the customer adds information, answers our question and rates
the outcome; each goes through a service and reaches the ledger."""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from redress.complaints import ledger
from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Communication, Complaint, Event, Evidence
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from redress.portal.models import OutcomeRating, PortalReply
from tests.portal.conftest import WHEN

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def last_event(reference: str) -> Event:
    return Event.objects.filter(complaint__reference=reference).order_by("-seq").first()


def test_customer_adds_information_and_it_reaches_the_ledger(org, customer, submit):
    phone = customer()
    reference, _ = submit(phone)
    # When the customer adds a message and a screenshot
    with frozen(WHEN + timedelta(days=1)):
        response = phone.post(f"/portal/status/{reference}/add/", {
            "body": "补充:委托编号 20260301-0088,截图见附件。",
            "attachments": [SimpleUploadedFile("委托截图.png", PNG, content_type="image/png")]}, follow=True)
    # Then it is thanked for, recorded as a customer message and customer evidence
    assert "我们已收到您提交的内容" in response.content.decode()
    c = Complaint.objects.get(reference=reference)
    message = c.communications.get(direction="in")
    assert message.kind == Communication.Kind.CUSTOMER_MESSAGE and message.staff is None and "0088" in message.body
    evidence = Evidence.objects.get(complaint=c)
    assert evidence.source == "customer" and evidence.uploaded_by is None and evidence.original_name == "委托截图.png"
    events = list(Event.objects.filter(complaint=c).order_by("seq"))
    received, added = events[-2], events[-1]
    assert (received.type, received.channel, received.actor_role) == (EventType.MESSAGE_RECEIVED, "portal", "customer")
    assert (added.type, added.channel, json.loads(added.payload)["name"]) == (EventType.EVIDENCE_ADDED, "portal",
                                                                                "委托截图.png")
    # and the owner is told the customer wrote
    assert OutboxMessage.objects.filter(complaint=c, kind="customer_replied").exists()
    # and the chain still verifies
    assert ledger.verify().problem is None


def test_empty_information_is_refused_and_nothing_is_saved(org, customer, submit):
    phone = customer()
    reference, _ = submit(phone)
    before = Event.objects.count()
    response = phone.post(f"/portal/status/{reference}/add/", {"body": "   "})
    assert response.status_code == 400 and "请填写留言或上传文件" in response.content.decode()
    assert Event.objects.count() == before


def test_customer_answers_our_question_and_the_paused_clock_starts_again(org, customer, submit, staff_walk):
    phone = customer("en")
    reference, _ = submit(phone, language="en")
    w = staff_walk(reference).assess().dispatch().accept()
    with frozen(WHEN + timedelta(hours=3)):
        question = svc.message_send(w.c, actor=org.handler, kind="question", channel="web", wait_for_reply=True,
                                    body="Please send the order number shown in your app.")
    page = phone.get(f"/portal/status/{reference}/").content.decode()
    assert "We asked you" in page and "Please send the order number" in page and "time limit is paused" in page
    assert f'name="in_reply_to" value="{question.pk}"' in page
    with frozen(WHEN + timedelta(days=2)):
        response = phone.post(f"/portal/status/{reference}/add/", {"body": "Order 0088", "in_reply_to": question.pk})
    assert response.status_code == 302
    answer = Communication.objects.get(complaint__reference=reference, direction="in")
    assert PortalReply.objects.get(message=answer).in_reply_to == question
    assert json.loads(last_event(reference).payload)["resumed"] == ["resolution"]
    assert "We asked you" not in phone.get(f"/portal/status/{reference}/").content.decode()


def test_a_reply_to_a_message_that_is_not_our_question_is_refused(org, customer, submit):
    phone = customer()
    reference, _ = submit(phone)
    ack = Communication.objects.get(complaint__reference=reference)
    before = Communication.objects.count()
    response = phone.post(f"/portal/status/{reference}/add/", {"body": "好的", "in_reply_to": ack.pk})
    assert response.status_code == 400 and Communication.objects.count() == before


def test_customer_rates_the_outcome_only_when_asked(org, customer, submit, staff_walk):
    phone = customer()
    reference, _ = submit(phone)
    w = staff_walk(reference).assess().dispatch().accept()
    # Before the result is told there is no rating form, and a rating sent anyway is refused
    assert "您对处理结果的评价" not in phone.get(f"/portal/status/{reference}/").content.decode()
    refused = phone.post(f"/portal/status/{reference}/rate/", {"satisfied": "yes"}, follow=True)
    assert "目前还没有可供评价的处理结果" in refused.content.decode() and not OutcomeRating.objects.exists()
    # Once the result is told, the customer is asked
    w.propose().approve().communicate()
    page = phone.get(f"/portal/status/{reference}/").content.decode()
    assert "您对处理结果的评价" in page and "处理结果告知" in page
    # Not satisfied needs a reason, kept in the customer's words
    missing = phone.post(f"/portal/status/{reference}/rate/", {"satisfied": "no", "comment": ""})
    assert missing.status_code == 400 and "请告诉我们您对哪些方面不满意" in missing.content.decode()
    version = Complaint.objects.get(reference=reference).version
    with frozen(WHEN + timedelta(days=5)):
        phone.post(f"/portal/status/{reference}/rate/", {"satisfied": "no", "comment": "说明不够清楚"})
    rating = OutcomeRating.objects.get()
    assert (rating.satisfied, rating.comment) == (False, "说明不够清楚")
    event = last_event(reference)
    assert (event.type, event.channel, event.actor_id, event.actor_role) == (EventType.CUSTOMER_RATED, "portal",
                                                                            None, "customer")
    assert json.loads(event.payload)["satisfied"] is False
    assert Complaint.objects.get(reference=reference).version == version  # no staff form goes stale
    assert OutboxMessage.objects.filter(kind="customer_dissatisfied", to_role="complaints_office").exists()
    # Asked once per result: the form is gone and a second rating is not stored
    page = phone.get(f"/portal/status/{reference}/").content.decode()
    assert "您已表示对处理结果不满意" in page and 'action="/portal/status/' + reference + '/rate/"' not in page
    phone.post(f"/portal/status/{reference}/rate/", {"satisfied": "yes"})
    assert OutcomeRating.objects.count() == 1


def test_closed_complaint_takes_no_more_information(org, customer, submit, staff_walk):
    phone = customer()
    reference, _ = submit(phone)
    staff_walk(reference).to_awaiting_callback().callback(satisfied=True)
    before = Event.objects.count()
    response = phone.post(f"/portal/status/{reference}/add/", {"body": "还有一点"}, follow=True)
    assert "该投诉已办结" in response.content.decode() and Event.objects.count() == before


def test_a_message_with_a_script_is_shown_as_text(org, customer, submit, staff_walk):
    phone = customer()
    reference, _ = submit(phone)
    w = staff_walk(reference)
    with frozen(WHEN):
        svc.message_send(w.c, actor=org.intake, kind="progress", channel="web", body="<script>alert('x')</script>")
    html = phone.get(f"/portal/status/{reference}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
