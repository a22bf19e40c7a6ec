"""The intake form: what the first responder takes down (SPEC §4) and the path chosen
(SPEC §3). Choices come from the active policy pack; every rule the services check is
checked here first too, so the message is in the user's language and names the field.
The services check again: they are the authority."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints import phones, phrases
from redress.complaints.errors import ValidationFailed
from redress.complaints.models import OrgUnit, Staff
from redress.complaints.services.intake import CLOCK_SKEW, EARLIEST
from redress.complaints.services.messages import ForbiddenPhrases, check_phrases
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.policy.schema import Severity
from redress.web import labels
from redress.web.longtext import LongText

REFERRAL_CHANNEL = "regulator_referral"  # every shipped pack has it (001 第二十一条: 12386)
MAX_AMOUNT = Decimal("1e14")

PATHS = [
    ("complaint", _("Register as a complaint")),
    ("inquiry", _("Inquiry answered (not a complaint)")),
    ("on_spot", _("Resolved on the spot, customer satisfied")),
    ("redirect", _("Out of scope: redirect to the competent authority")),
]
ID_TYPES = [
    ("", _("—")),
    ("id_card", _("Resident identity card")),
    ("passport", _("Passport")),
    ("hk_macau_taiwan", _("Hong Kong, Macao or Taiwan travel permit")),
    ("business_licence", _("Business licence (institutional client)")),
    ("other", _("Other document")),
]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
CURRENCIES = [("CNY", _("CNY (yuan)")), ("HKD", _("HKD")), ("USD", _("USD")), ("GBP", _("GBP"))]
LINK_KINDS = [("", _("Do not link")), ("related", _("Related: a new matter, linked")),
              ("duplicate", _("Duplicate: the same matter again"))]

# The form's own fields that carry a service field's error (ValidationFailed.field).
SERVICE_FIELDS = {
    "customer.name": "name", "customer.contact": "phone", "customer.email": "email",
    "customer.phone": "phone", "parties[0]": "party_unit", "parties[0].kind": "party_unit",
    "authority": "authority", "answer": "answer", "resolution": "resolution", "other": "link_to",
    "kind": "path", "note": "redirect_note",
}
# The field whose text reaches the customer, by path (the acknowledgment is generated).
TOLD_TO_CUSTOMER = {"inquiry": "answer", "on_spot": "resolution", "redirect": "redirect_note"}


def _named(items) -> list[tuple[str, str]]:
    """(code, name) pairs of policy items in the active language."""
    language = get_language()
    return [(item.code, item.name.get(language)) for item in items]


def _categories(pack) -> list[tuple[str, str]]:
    language = get_language()
    out = [("", _("Assess later"))]

    def walk(items, depth):
        for cat in items:
            out.append((cat.code, "\u3000" * depth + cat.name.get(language)))
            walk(cat.children, depth + 1)

    walk(pack.categories, 0)
    return out


class IntakeForm(forms.Form):
    # --- the complainant -------------------------------------------------------
    # The record picked in the lookup, by its public id (never the sequential pk, issue 14);
    # the view checks that this member of staff may use it (views._resolve_chosen).
    customer_public_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False,
                             error_messages={"invalid": _("Enter an email address such as name@example.com.")})
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    account_number = forms.CharField(label=_("Customer / account number"), max_length=40, required=False)
    id_type = forms.ChoiceField(label=_("ID document"), choices=ID_TYPES, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    preferred_channel = forms.ChoiceField(label=_("Reply by"), required=False)
    language = forms.ChoiceField(label=_("Customer's language"), choices=LANGUAGES, initial="zh-hans",
                                 widget=forms.RadioSelect)

    # --- the complaint ---------------------------------------------------------
    channel = forms.ChoiceField(label=_("Received by"))
    received_at = forms.DateTimeField(
        label=_("Received at"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now. For a referral or a letter, the time it was first received."),
        error_messages={"invalid": _("Enter a date and time such as 2026-03-02 14:30.")})
    referral_source = forms.ChoiceField(label=_("Referred by"), required=False)
    external_reference = forms.CharField(label=_("Their reference number"), max_length=60, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200,
                              error_messages={"required": _("Give a short subject."),
                                              "max_length": _("At most 200 characters.")})
    cause = LongText(label=_("What happened"), field="cause", rows=4,
                     error_messages={"required": _("Say what happened, in the customer's words.")})
    request = LongText(label=_("What the customer asks for"), field="request", rows=2, required=False)
    amount_claimed = forms.CharField(label=_("Amount claimed"), required=False, max_length=30,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="CNY")
    category = forms.ChoiceField(label=_("Category"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), initial=Severity.MEDIUM.value)

    # --- who or what it is about -------------------------------------------------
    party_unit = forms.ModelChoiceField(label=_("Branch or department"), required=False,
                                        queryset=OrgUnit.objects.filter(active=True).order_by("kind", "code"))
    party_employee = forms.CharField(label=_("Employee (user name)"), max_length=150, required=False)
    party_product = forms.CharField(label=_("Product"), max_length=200, required=False)

    # --- the path --------------------------------------------------------------
    path = forms.ChoiceField(label=_("Path chosen"), choices=PATHS, initial="complaint",
                             widget=forms.RadioSelect)
    answer = LongText(label=_("Answer given"), field="answer", rows=3, required=False)
    resolution = LongText(label=_("How it was resolved"), field="resolution", rows=3, required=False)
    customer_opinion = forms.CharField(label=_("Customer's words"), required=False, max_length=500)
    authority = forms.ChoiceField(label=_("Competent authority"), required=False)
    redirect_note = forms.CharField(label=_("Note to the customer"), required=False, max_length=500)
    # Forbidden phrases (001 第十七条) the agent confirms are meant, in what the path tells
    # the customer; checked here as the service checks it, so the warning comes before
    # the read-back.
    confirm_phrases = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    # --- an open complaint of the same customer (chosen on the read-back) -------
    link_to = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    link_kind = forms.ChoiceField(label=_("Link to the open complaint"), choices=LINK_KINDS, required=False,
                                  widget=forms.RadioSelect)
    # --- a record that shares the phone or email (services/customers.py), decided on the
    # read-back: a record's id (the same person), "new" (someone else), "" (decide later).
    # The record offered is named by its public id, like every customer page (issue 14):
    # a sequential key on the page would tell how many customers there are.
    customer_match = forms.RegexField(regex=r"^(|new|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
                                      required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pack = active_pack()
        self.pack = pack
        channels = _named(pack.channels)
        authorities = [("", "—"), *_named(pack.authorities)]
        self.fields["channel"].choices = channels
        self.fields["preferred_channel"].choices = [("", _("Same as received")), *channels]
        self.fields["referral_source"].choices = authorities
        self.fields["authority"].choices = authorities
        self.fields["category"].choices = _categories(pack)
        self.fields["category"].error_messages["invalid_choice"] = _(
            "Unknown category %(value)s: choose one from the policy's list, or assess later.")
        self.fields["severity"].choices = [(s.value, labels.SEVERITIES[s.value]) for s in Severity]
        self.fields["party_unit"].label_from_instance = self._unit_label
        self.fields["confirm_phrases"].choices = [(p, p) for p in phrases.policy_phrases(pack)]
        self.fields["currency"].initial = pack.currency
        if pack.currency not in dict(CURRENCIES):
            self.fields["currency"].choices = [*CURRENCIES, (pack.currency, pack.currency)]
        if pack.summary_resolution is not None:  # the pack's name for its short route (uk-fca: DISP 1.5)
            name = pack.summary_resolution.name.get(get_language())
            self.fields["path"].choices = [(code, name if code == "on_spot" else word) for code, word in PATHS]
        # A pack that lists products (uk-fca: the return's product groups) offers their
        # names as the seat types, so the product is one the return can count.
        self.product_names = [p.name.get(get_language()) for p in pack.iter_products()]
        if self.product_names:
            self.fields["party_product"].widget.attrs["list"] = "pack-products"
        self.warned: list = []  # the phrases found and not confirmed (phrases.Hit)

    @staticmethod
    def _unit_label(unit: OrgUnit) -> str:
        return (unit.name_en or unit.name) if get_language().startswith("en") else unit.name

    # --- field rules -------------------------------------------------------------

    def clean_phone(self) -> str:
        """Checked and written the one way the record keeps it (complaints/phones.py), so
        the read-back says the number as it will be stored."""
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return phones.normalise(phone, field="phone", region=self.pack.calendar.country).stored
        except ValidationFailed as err:
            raise forms.ValidationError(str(err.rule)[:1].upper() + str(err.rule)[1:] + ".") from None

    def clean_amount_claimed(self) -> Decimal | None:
        text = self.cleaned_data["amount_claimed"].replace(",", "").replace("，", "").strip()
        if not text:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("The amount must be a number, such as 1200 or 1,200.50.")) from None
        if not amount.is_finite():
            raise forms.ValidationError(_("The amount must be a number, such as 1200 or 1,200.50."))
        if amount < 0:
            raise forms.ValidationError(_("The amount may not be negative."))
        if amount >= MAX_AMOUNT:
            raise forms.ValidationError(_("The amount is larger than any this system records."))
        return amount.quantize(Decimal("0.01"))

    def clean_received_at(self):
        when = self.cleaned_data["received_at"]
        if when is None:
            return None
        if when > current_time() + CLOCK_SKEW:
            raise forms.ValidationError(_("The received time may not be in the future."))
        if when < EARLIEST:
            raise forms.ValidationError(_("The received time is before any date this system records (1990-12)."))
        return when

    def clean_party_employee(self) -> Staff | None:
        username = self.cleaned_data["party_employee"].strip()
        if not username:
            return None
        staff = Staff.objects.filter(username=username).first()
        if staff is None:
            raise forms.ValidationError(_("No member of staff has the user name %(name)s."),
                                        params={"name": username})
        return staff

    def clean(self):
        data = super().clean()
        chosen = data.get("customer_public_id")
        if not chosen:
            if not (data.get("name") or "").strip() and "name" not in self.errors:
                self.add_error("name", _("The complainant's name is needed."))
            has_contact = any((data.get(f) or "").strip() for f in ("phone", "email", "address"))
            if not has_contact and not ({"phone", "email"} & set(self.errors)):
                self.add_error("phone", _("Give at least one way to reach the complainant: phone, email or "
                                          "postal address."))
        if data.get("channel") == REFERRAL_CHANNEL and not data.get("referral_source"):
            self.add_error("referral_source", _("A regulator referral needs the body that referred it."))
        path = data.get("path")
        if path == "inquiry" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Record the answer given to the customer."))
        if path == "on_spot" and not (data.get("resolution") or "").strip():
            self.add_error("resolution", _("Record how it was resolved."))
        if path == "redirect" and not data.get("authority"):
            self.add_error("authority", _("Choose the authority the customer should turn to."))
        if data.get("link_kind") and not data.get("link_to"):
            self.add_error("link_kind", _("Choose the open complaint to link to."))
        told = TOLD_TO_CUSTOMER.get(path or "")
        if told and told not in self.errors:
            try:
                check_phrases(self.pack, data.get(told) or "", data.get("confirm_phrases"), field=told)
            except ForbiddenPhrases as err:
                self.warn(err)
        return data

    def warn(self, err: ForbiddenPhrases) -> None:
        """The phrases next to the text that holds them, with a box each to confirm."""
        field = SERVICE_FIELDS.get(err.field or "", err.field or "")
        self.warned = err.hits
        self.add_error(field if field in self.fields else None, err.rule[:1].upper() + err.rule[1:])

    def show_record(self, shown: dict[str, str]) -> None:
        """The chosen customer's masked values as placeholders: the agent sees what the
        record holds without the page carrying it in full."""
        for name, value in shown.items():
            if name in self.fields and value:
                self.fields[name].widget.attrs["placeholder"] = value

    # --- read-back helpers -----------------------------------------------------------

    def choice_label(self, name: str) -> str:
        """The label of the chosen option of a choice field, for the read-back."""
        value = self.cleaned_data.get(name)
        return str(dict(self.fields[name].choices).get(value, value or ""))
