"""Markup typed into a complaint is shown as the text it is: on the read-back, the
acknowledgment, the complaint page and the worklist, and no script runs."""

from __future__ import annotations

from redress.complaints.models import Complaint

SUBJECT = "<script>alert(1)</script>委托未成交"
CAUSE = '<img src=x onerror="alert(2)">下单后一直显示已报'


def test_script_and_img_tags_in_subject_and_cause_are_shown_as_text(desk, org, lang):
    intake = desk("intake")
    page = intake.page
    page.goto("/intake/")
    form = page.locator("form.intake")
    form.locator("#id_name").fill("<b>赵六</b>")
    form.locator("#id_phone").fill("13700137000")
    form.locator("#id_subject").fill(SUBJECT)
    form.locator("#id_cause").fill(CAUSE)
    form.locator("#id_party_unit").select_option(str(org.branch.pk))
    form.locator("button[type=submit]").click()
    readback = page.locator("form.readback")
    intake.expect(readback.locator("dd", has_text=SUBJECT)).to_have_count(1)
    intake.expect(readback.locator("dd", has_text=CAUSE)).to_have_count(1)
    intake.shot("01-read-back")
    readback.get_by_role("button", name=intake.w.confirm_save).click()
    receipt = page.locator("article.receipt")
    intake.expect(receipt).to_contain_text(SUBJECT)
    reference = receipt.locator(".ref").inner_text().strip()
    c = Complaint.objects.get(reference=reference)
    assert (c.subject, c.cause) == (SUBJECT, CAUSE)

    office = desk("office")
    office.open_complaint(reference)
    complaint = office.page.locator("#complaint")
    office.expect(complaint.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    office.expect(complaint).to_contain_text(CAUSE)
    office.shot("02-complaint-page")

    office.page.goto("/cases/?view=open")
    row = office.page.locator("#wl-rows tr", has=office.page.get_by_role("link", name=reference))
    office.expect(row.locator("td.subject")).to_have_text(SUBJECT)
    office.shot("03-worklist")

    for d in (intake, office):
        # No element came out of the typed text, no script ran
        assert d.page.locator("main img[src=x], main script, main b").count() == 0
        assert d.dialogs == []
