"""Recording a report made to an authority (services/reports.py)."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import AuthorityReport
from redress.web.complaint import words
from redress.web.complaint.actions import labels
from redress.web.complaint.actions.forms.base import ActionForm, choice, line, text


class RecordReportForm(ActionForm):
    report_id = forms.TypedChoiceField(label=_("Report"), coerce=int, widget=forms.RadioSelect)
    reported_at = forms.DateTimeField(
        label=_("Made at"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("When the report was made or the reply sent, not when it is recorded here."),
        error_messages={"invalid": _("Enter a date and time such as 2026-03-02 14:30.")})
    how = choice(_("How"), labels.choices(words.REPORT_HOW))
    receipt = line(_("The authority's receipt or reference number"), required=False, max_length=100,
                   help_text=_("报案回执号、受理编号 or the reference the authority gave."))
    no_receipt_reason = line(_("If it gave none: why, and who took the report"), required=False, max_length=300)
    note = text(_("Note on the report"), required=False, rows=3)

    def setup(self):
        lang = get_language()
        open_reports = AuthorityReport.objects.filter(complaint=self.complaint, status="open").order_by("due_at", "id")
        self.fields["report_id"].choices = [
            (r.pk, f"{words.authority_name(r.authority, self.pack, lang)} · {words.REPORT_KINDS.get(r.kind, r.kind)}"
                   f" · {_('due')} {date_format(localtime(r.due_at), 'Y-m-d H:i')}")
            for r in open_reports]
        if len(self.fields["report_id"].choices) == 1:
            self.initial.setdefault("report_id", self.fields["report_id"].choices[0][0])
