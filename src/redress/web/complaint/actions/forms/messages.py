"""Forms that write to the customer. Forbidden phrases (001 第十七条) are caught by the
service when the form is sent; the person then rephrases or confirms each phrase, and
the confirmed phrases go back to the service, which records them in the ledger."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints import triggers
from redress.complaints.services import ForbiddenPhrases
from redress.web.complaint.actions import labels
from redress.web.complaint.actions.forms.base import ActionForm, channel_choices, choice, text


class CustomerMessageForm(ActionForm):
    channel = choice(_("Channel"), [])
    body = text(_("Message to the customer"), rows=7)
    confirm_phrases = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    drawn_apart = ("confirm_phrases",)
    checks_phrases = True
    # Set when the service refused the text: the phrases it found and not yet confirmed.
    warned: list[str] | None = None

    def setup(self):
        self.fields["channel"].choices = channel_choices(self.pack, get_language())
        customer = self.complaint.customer
        self.initial.setdefault("channel", customer.preferred_channel or self.complaint.channel)
        check = reverse("web:complaint:actions:check_phrases", kwargs={"reference": self.complaint.reference})
        # Advice while typing; the service's check when the form is sent is the real one.
        self.fields["body"].widget.attrs.update({
            "hx-post": check, "hx-trigger": "input changed delay:500ms", "hx-swap": "innerHTML",
            "hx-target": f"#phrase-live-{self.action}", "hx-include": "this"})
        every = sorted({p for plist in self.pack.forbidden_phrases.values() for p in plist})
        self.fields["confirm_phrases"].choices = [(p, p) for p in every]

    def place(self, err):
        if isinstance(err, ForbiddenPhrases):
            self.warned = err.phrases
            return
        super().place(err)

    def phrases_found(self) -> list[str]:
        """Every forbidden phrase in the text as typed (confirmed or not), for the warning."""
        body = self.data.get("body", "") if self.is_bound else ""
        return triggers.forbidden_in(self.pack, body)

    def confirmed(self) -> list[str]:
        return list(self.cleaned_data.get("confirm_phrases") or []) if hasattr(self, "cleaned_data") else []

    def service_kwargs(self):
        data = super().service_kwargs()
        data["confirm_phrases"] = list(data.get("confirm_phrases") or [])
        return data


class SendMessageForm(CustomerMessageForm):
    action = "send_message"
    kind = choice(_("Kind"), labels.choices(labels.MESSAGE_KINDS), radio=True)
    wait_for_reply = forms.BooleanField(
        label=_("Pause the clocks until the customer answers"), required=False,
        help_text=_("Only for a question; the clocks start again when the customer replies."))
    field_order = ["kind", "channel", "body", "wait_for_reply"]

    def setup(self):
        super().setup()
        self.initial.setdefault("kind", "progress")


class CommunicateForm(CustomerMessageForm):
    action = "communicate_result"
    body = text(_("The result: the facts, the basis and the remedy; ask for the customer's opinion"), rows=9)
