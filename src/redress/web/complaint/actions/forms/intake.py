"""Forms for a complaint just taken down (services/intake.py): register it, or close it
at once as an inquiry, on the spot, or by redirecting to the competent body."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.web.complaint.actions.forms.base import choice, text
from redress.web.complaint.actions.forms.messages import ChecksPhrases


class AnswerInquiryForm(ChecksPhrases):
    action, phrase_field = "answer_inquiry", "answer"
    answer = text(_("The answer given to the customer"))


class ResolveOnSpotForm(ChecksPhrases):
    action, phrase_field = "resolve_on_spot", "resolution"
    resolution = text(_("How it was resolved"))
    customer_opinion = text(_("The customer's opinion"), required=False, rows=2)


class RedirectForm(ChecksPhrases):
    action, phrase_field = "redirect", "note"
    authority = choice(_("Competent body"), [])
    note = text(_("Added to the message to the customer"), required=False, rows=3)

    def setup(self):
        super().setup()
        lang = get_language()
        self.fields["authority"].choices = [(a.code, a.name.get(lang)) for a in self.pack.authorities]
