"""001 第十四条 on the workbench: an employee the complaint names, or marketing staff, may
see in a list that the case exists, but not open it: its page, the complainant's
details, its files and its action forms are refused with the rule, and nothing is
recorded as them."""

from __future__ import annotations

from django.urls import reverse

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Event
from redress.complaints.timesource import frozen
from tests.conftest import grant
from tests.web.complaint.test_evidence import PDF

RULE = "001 第十四条"


def _case_with_evidence(org, walk):
    w = walk().assess().dispatch().accept()
    with frozen(w.when):
        item = svc.evidence_add(w.c, actor=org.handler, name="对账单.pdf", content_type="application/pdf", data=PDF)
    return w, item


def _refused(response) -> bool:
    return response.status_code == 403 and RULE in response.content.decode()


def test_a_department_head_named_in_the_complaint_sees_it_listed_but_may_not_open_it(org, walk, signed_in):
    w, item = _case_with_evidence(org, walk)
    with frozen(w.when):
        svc.party_add(w.c, actor=org.office, kind="employee", staff=org.dept_head, description="营业部负责人")
    head = signed_in("dept_head", language="en")
    assert w.c.reference in head.get(reverse("web:worklists:list") + "?view=unit").content.decode()
    url = w.c.get_absolute_url()
    assert _refused(head.get(url))
    assert _refused(head.post(f"{url}reveal/", {"purpose": "回电"}))
    assert _refused(head.get(f"{url}evidence/{item.pk}/"))
    assert _refused(head.get(f"{url}act/add_finding/"))
    assert _refused(head.post(f"{url}act/add_finding/", {"version": w.c.version, "kind": "note", "text": "..."}))
    assert not Event.objects.filter(complaint=w.c, actor=org.dept_head).exclude(type=EventType.PARTY_ADDED).exists()
    assert signed_in("handler").get(url).status_code == 200  # the others work on


def test_marketing_staff_given_the_office_role_may_not_open_a_case(org, walk, signed_in):
    w, item = _case_with_evidence(org, walk)
    grant(org.marketer, "complaints_office")
    marketer = signed_in("marketer", language="en")
    url = w.c.get_absolute_url()
    assert _refused(marketer.get(url))
    assert _refused(marketer.post(f"{url}reveal/", {"purpose": "回电"}))
    assert _refused(marketer.get(f"{url}evidence/{item.pk}/"))
    assert not Event.objects.filter(actor=org.marketer).exists()


def test_the_first_responder_named_since_may_not_reopen_the_receipt(org, walk, signed_in):
    w = walk()
    intake = signed_in("intake", language="en")
    done = reverse("web:intake:done", kwargs={"reference": w.c.reference})
    assert intake.get(done).status_code == 200
    with frozen(w.when):
        svc.party_add(w.c, actor=org.office, kind="employee", staff=org.intake, description="受理时态度恶劣")
    assert _refused(intake.get(done))
