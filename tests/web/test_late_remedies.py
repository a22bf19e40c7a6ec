"""Late remedies in the workbench (002 执行跟踪): the office's "Late remedies" tab lists
the case with the date it was due, in English and Chinese; the office waives the remedy
from the case page with a reason, and the timeline says so."""

from __future__ import annotations

from datetime import date

from redress.complaints import services as svc
from redress.complaints.lifecycle import State
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.registry import action_url
from tests.conftest import at


def owing(walk, org):
    remedy = svc.RemedyInput(kind="payment", description="退还手续费", amount="200", due_date=date(2026, 9, 30))
    w = walk(at(2026, 9, 25), amount_claimed="200").assess().dispatch().accept()
    w.propose(compensation="200", remedies=[remedy]).approve(by=org.cro).communicate()
    return w


def test_the_office_sees_a_late_remedy_on_its_tab_in_both_languages(org, walk, signed_in):
    w = owing(walk, org)
    for language, tab, due in (("en", "Late remedies", "remedy due 2026-09-30"),
                               ("zh-hans", "逾期补救措施", "补救措施应于 2026-09-30 完成")):
        office = signed_in("office", language)
        with frozen(at(2026, 10, 2)):  # National Day: a holiday, and the remedy is a day late
            html = office.get("/cases/?view=late_remedies").content.decode()
        assert tab in html and w.c.reference in html and due in html
    with frozen(at(2026, 9, 30, 18)):
        html = signed_in("office", "en").get("/cases/?view=late_remedies").content.decode()
    assert w.c.reference not in html


def test_the_office_waives_a_remedy_from_the_case_page_with_a_reason(org, walk, signed_in):
    w = owing(walk, org)
    office = signed_in("office", "en")
    remedy = w.c.remedies.get()
    with frozen(at(2026, 10, 8)):
        assert action_url(w.c, "waive_remedy") in office.get(w.c.get_absolute_url()).content.decode()
        refused = office.post(action_url(w.c, "waive_remedy"), {"version": w.c.version, "remedy_id": remedy.pk,
                                                                "reason": ""})
        assert refused.status_code == 200
        done = office.post(action_url(w.c, "waive_remedy"), {"version": w.c.version, "remedy_id": remedy.pk,
                                                             "reason": "客户书面放弃退款"})
        assert done.status_code == 302
        html = office.get(w.c.get_absolute_url()).content.decode()
    w.c.refresh_from_db()
    assert w.c.state == State.AWAITING_CALLBACK
    assert "waived a remedy due 2026-09-30" in html and "客户书面放弃退款" in html
