"""Forms for a complaint just taken down (services/intake.py): register it, or close it
at once as an inquiry, on the spot, or by redirecting to the competent body."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.web.complaint.actions.forms.base import ActionForm, choice, text


class AnswerInquiryForm(ActionForm):
    answer = text(_("The answer given to the customer"))


class ResolveOnSpotForm(ActionForm):
    resolution = text(_("How it was resolved"))
    customer_opinion = text(_("The customer's opinion"), required=False, rows=2)


class RedirectForm(ActionForm):
    authority = choice(_("Competent body"), [])
    note = text(_("Added to the message to the customer"), required=False, rows=3)

    def setup(self):
        lang = get_language()
        self.fields["authority"].choices = [(a.code, a.name.get(lang)) for a in self.pack.authorities]
