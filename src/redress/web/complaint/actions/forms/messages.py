"""Forms that write to the customer. Forbidden phrases (001 第十七条) are caught by the
service when the form is sent; the person then rephrases or confirms each phrase, and
the confirmed phrases go back to the service, which records them in the ledger. Every
form whose text reaches the customer (here, and the inquiry answer, the on-the-spot
resolution, the redirect and referral notes) is a `ChecksPhrases`."""

from __future__ import annotations

import json

from django import forms
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints import phrases
from redress.complaints.models import Extension
from redress.complaints.services import ForbiddenPhrases
from redress.complaints.services.timing import calendar_for
from redress.web.complaint.actions import drafts, labels
from redress.web.complaint.actions.forms.base import ActionForm, channel_choices, choice, text


class ChecksPhrases(ActionForm):
    """A form whose `phrase_field` reaches the customer. The service refuses a text with
    an unconfirmed forbidden phrase; the form then shows each phrase with a box to
    confirm it, and sends the confirmed ones back with the text."""

    action = ""
    phrase_field = "body"
    confirm_phrases = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    drawn_apart = ("confirm_phrases",)
    checks_phrases = True
    # Set when the service refused the text: the phrases it found and not yet confirmed.
    warned: list[str] | None = None

    def setup(self):
        super().setup()
        check = reverse("web:complaint:actions:check_phrases", kwargs={"reference": self.complaint.reference})
        # Advice while typing; the service's check when the form is sent is the real one.
        self.fields[self.phrase_field].widget.attrs.update({
            "hx-post": check, "hx-trigger": "input changed delay:500ms", "hx-swap": "innerHTML",
            "hx-target": f"#phrase-live-{self.action}", "hx-include": "this",
            "hx-vals": json.dumps({"field": self.phrase_field})})
        # The policy's phrases: what a person confirms, however the text spells them.
        self.fields["confirm_phrases"].choices = [(p, p) for p in phrases.policy_phrases(self.pack)]

    def place(self, err):
        if isinstance(err, ForbiddenPhrases):
            self.warned = err.phrases
            return
        super().place(err)

    def typed(self) -> str:
        return self.data.get(self.phrase_field, "") if self.is_bound else ""

    def service_kwargs(self):
        data = super().service_kwargs()
        data["confirm_phrases"] = list(data.get("confirm_phrases") or [])
        return data


class CustomerMessageForm(ChecksPhrases):
    channel = choice(_("Channel"), [])
    body = text(_("Message to the customer"), rows=7)

    def setup(self):
        super().setup()
        self.fields["channel"].choices = channel_choices(self.pack, get_language())
        customer = self.complaint.customer
        self.initial.setdefault("channel", customer.preferred_channel or self.complaint.channel)


class SendMessageForm(CustomerMessageForm):
    action = "send_message"
    kind = choice(_("Kind"), labels.choices(labels.MESSAGE_KINDS), radio=True)
    wait_for_reply = forms.BooleanField(
        label=_("Pause the clocks until the customer answers"), required=False,
        help_text=_("Only for a question; the clocks start again when the customer replies."))
    # Set when the message tells the customer of a granted extension (001 第二十二条).
    extension_id = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, widget=forms.HiddenInput)
    field_order = ["kind", "channel", "body", "wait_for_reply"]

    def setup(self):
        super().setup()
        self.initial.setdefault("kind", "progress")
        self.granted = {e.pk: e for e in self.complaint.extensions.filter(status=Extension.Status.APPROVED)}
        self.fields["extension_id"].choices = [("", "")] + [(pk, pk) for pk in self.granted]

    def from_query(self, query) -> None:
        """Opened from a granted extension (?extension=<id>): the notice, drafted."""
        try:
            extension = self.granted.get(int(query.get("extension", "")))
        except ValueError:
            extension = None
        if extension is not None:
            self.initial.update(extension_id=extension.pk, kind="progress", body=drafts.extension_notice(
                self.complaint, extension, calendar_for(self.pack).tz))

    @property
    def extension(self) -> Extension | None:
        pk = self["extension_id"].value()
        try:
            return self.granted.get(int(pk)) if pk not in (None, "") else None
        except (TypeError, ValueError):
            return None


class CommunicateForm(CustomerMessageForm):
    action = "communicate_result"
    body = text(_("The result: the facts, the basis and the remedy; ask for the customer's opinion"), rows=12,
                help_text=_("Drafted from the approved proposal: edit it before it is sent."))
    customer_opinion = text(_("The customer's opinion of the result"), required=False, rows=3,
                            help_text=_("What the customer said when told (a call, a visit); leave empty "
                                        "when the result goes out in writing."))

    def setup(self):
        super().setup()
        self.initial.setdefault("body", drafts.result(self.complaint))
