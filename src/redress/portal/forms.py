"""The portal's forms. They check everything the services would refuse, so the customer
gets each error next to its field, in their language, with what they typed kept."""

from __future__ import annotations

import mimetypes
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints import phones
from redress.complaints.errors import DomainError, ValidationFailed
from redress.policy.loader import active_pack
from redress.portal.services import Attachment, check_attachments
from redress.web.longtext import LongText

MAX_FILES = 5
REPLY_CHANNELS = [("email", _("Email")), ("phone", _("Phone call or text message"))]
FILE_LABELS = {
    "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP",
    "image/heic": "HEIC", "image/gif": "GIF", "text/plain": "TXT",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (XLSX)",
    "audio/amr": "AMR", "audio/wav": "WAV", "audio/x-wav": "WAV", "audio/mpeg": "MP3", "audio/mp4": "M4A",
    "message/rfc822": "EML",
}


def attachment_limit() -> int:
    """The policy's limit, or the deployment's if that is tighter."""
    return min(active_pack().max_attachment_bytes, settings.REDRESS_MAX_ATTACHMENT_BYTES)


def allowed_types() -> list[str]:
    return list(active_pack().attachment_types)


def allowed_types_text() -> str:
    return ", ".join(dict.fromkeys(FILE_LABELS.get(t, t) for t in allowed_types()))


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def _content_type(upload: UploadedFile) -> str:
    claimed = (upload.content_type or "").split(";")[0].strip().lower()
    if claimed in ("", "application/octet-stream"):
        # Some phones send no type for photos; go by the name instead.
        claimed = mimetypes.guess_type(upload.name or "")[0] or claimed
    return claimed


def read_attachments(uploads: list[UploadedFile]) -> list[Attachment]:
    """Each file checked against the policy by its size and type before its content is
    read into memory, and by its first bytes before anything is stored."""
    if len(uploads) > MAX_FILES:
        raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
    limit, errors, files = attachment_limit(), [], []
    for upload in uploads:
        name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].lstrip(".") or "file"
        kind = _content_type(upload)
        if upload.size > limit:
            errors.append(_("“%(name)s” is %(size)s; each file may be at most %(limit)s.")
                          % {"name": name, "size": megabytes(upload.size), "limit": megabytes(limit)})
        elif upload.size == 0:
            errors.append(_("“%(name)s” is empty.") % {"name": name})
        elif kind not in allowed_types():
            errors.append(_("“%(name)s”: this kind of file is not accepted. Accepted: %(types)s.")
                          % {"name": name, "types": allowed_types_text()})
        else:
            files.append(Attachment(name=name, content_type=kind, data=upload.read()))  # evidence_add shortens it
    if not errors:
        for f in files:
            try:
                check_attachments([f])
            except ValidationFailed:
                errors.append(_("“%(name)s” does not look like the kind of file its name says. Accepted: %(types)s.")
                              % {"name": f.name, "types": allowed_types_text()})
    if errors:
        raise forms.ValidationError(errors)
    return files


class AttachmentsMixin:
    def clean_attachments(self):
        return read_attachments(self.cleaned_data.get("attachments") or [])


def attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Documents or photos (optional)"), required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(allowed_types())}),
    )


class PortalForm(forms.Form):
    """Django refuses NUL characters in every text field (PostgreSQL could not store
    them); its message is terse, and its Chinese says "empty string", which a customer
    who pasted text from another program cannot act on. This says what to do."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for validator in field.validators:
                if isinstance(validator, ProhibitNullCharactersValidator):
                    validator.message = NUL_MESSAGE


NUL_MESSAGE = _("This text contains an invisible NUL character, often carried over when text is pasted from "
                "another program. Delete the text around where you pasted and type it again, then send.")


class ComplaintForm(AttachmentsMixin, PortalForm):
    name = forms.CharField(label=_("Your name"), max_length=200)
    phone = forms.CharField(label=_("Mobile or phone number"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Email"), max_length=254, required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             error_messages={"invalid": _("Enter an email address such as name@example.com.")})
    preferred_channel = forms.ChoiceField(label=_("How should we reply to you?"), choices=REPLY_CHANNELS,
                                          widget=forms.RadioSelect, initial="phone")
    language = forms.ChoiceField(label=_("Language for our replies"), choices=settings.LANGUAGES,
                                 widget=forms.RadioSelect)
    account_number = forms.CharField(label=_("Account number (if you have one)"), max_length=40, required=False)
    subject = forms.CharField(label=_("In a few words, what is it about? (optional)"), max_length=200,
                              required=False)
    cause = LongText(label=_("What happened?"), field="cause", limit=10_000, rows=6,
                     help_text=_("When and where it happened, who was involved, what went wrong."))
    request = LongText(label=_("What would you like us to do?"), field="request", limit=5_000, rows=3)
    amount_claimed = forms.DecimalField(label=_("Amount you claim, in yuan (optional)"), required=False,
                                        min_value=Decimal("0"), max_value=Decimal("99999999999999.99"),
                                        decimal_places=2, max_digits=16,
                                        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                        error_messages={
                                            "invalid": _("Enter the amount in figures, such as 1200.50."),
                                            "min_value": _("The amount may not be negative."),
                                            "max_value": _("The amount is larger than this system can record."),
                                            "max_decimal_places": _("Give the amount to the fen (2 decimals)."),
                                            "max_digits": _("The amount is larger than this system can record."),
                                        })
    attachments = attachments_field()
    consent = forms.BooleanField(label=_("I agree that the institution handles the personal data I give here "
                                         "to deal with my complaint, and keeps it with the complaint record as "
                                         "the law requires."),
                                 error_messages={"required": _("We can only take your complaint with your "
                                                               "consent to handle your data.")})
    time_zone = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = "en" if (get_language() or "").startswith("en") else "zh-hans"

    def clean_phone(self):
        """Checked as every channel checks it (complaints/phones.py)."""
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return phones.normalise(phone, field="phone").stored
        except ValidationFailed as err:
            raise forms.ValidationError(str(err.rule)[:1].upper() + str(err.rule)[1:] + ".") from None

    def clean(self):
        data = super().clean()
        phone, email = data.get("phone"), data.get("email")
        if "phone" in data and "email" in data and not phone and not email:
            self.add_error("phone", _("Give a phone number or an email address so we can reach you."))
        elif data.get("preferred_channel") == "email" and "email" in data and not email:
            self.add_error("email", _("You asked for replies by email: enter your email address."))
        elif data.get("preferred_channel") == "phone" and "phone" in data and not phone:
            self.add_error("phone", _("You asked for replies by phone: enter your phone number."))
        return data


class LookupForm(PortalForm):
    reference = forms.CharField(label=_("Reference number"), max_length=30,
                                widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    access_code = forms.CharField(label=_("Access code"), max_length=40,
                                  widget=forms.PasswordInput(attrs={"autocomplete": "off",
                                                                    "autocapitalize": "characters"}))


class InformationForm(AttachmentsMixin, PortalForm):
    body = forms.CharField(label=_("Your message"), max_length=10000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    attachments = attachments_field()
    in_reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments") and not self.errors:
            self.add_error("body", _("Write a message or attach a file."))
        if data.get("in_reply_to") and not (data.get("body") or "").strip() and "body" not in self.errors:
            self.add_error("body", _("Write your answer."))
        return data


class RatingForm(PortalForm):
    satisfied = forms.TypedChoiceField(label=_("Are you satisfied with the outcome?"),
                                       choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
                                       coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Your comments"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("satisfied") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Tell us what you are not satisfied with."))
        return data


# Service fields -> form fields, for the rare rule a form did not check first.
FIELDS = {"customer.name": "name", "customer.contact": "phone", "customer.phone": "phone",
          "customer.email": "email", "amount_claimed": "amount_claimed", "file": "attachments",
          "file.name": "attachments", "file.content_type": "attachments"}


def show_domain_error(form: forms.Form, err: DomainError) -> None:
    """Put a service's refusal next to its field, in the customer's words."""
    field = FIELDS.get(err.field or "", err.field or "")
    message = _("Please check this: it could not be accepted.")
    form.add_error(field if field in form.fields else None, message)
