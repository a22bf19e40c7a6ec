"""The read-back (002 §二(一): confirm with the customer before saving): every value
typed, in plain words, grouped as the agent reads it out."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redress.complaints.selectors.personal import PERSONAL_FIELDS
from redress.complaints.services.timing import calendar_for

CUSTOMER = ("name", "account_number", "phone", "email", "address", "id_type", "id_number", "preferred_channel",
            "language")
COMPLAINT = ("channel", "received_at", "referral_source", "external_reference", "subject", "cause", "request",
             "amount_claimed", "category", "severity")
PARTIES = ("party_unit", "party_employee", "party_product")
PATH_FIELDS = {"inquiry": ("answer",), "on_spot": ("resolution", "customer_opinion"),
               "redirect": ("authority", "redirect_note")}


def _value(form, name: str, chosen: dict | None) -> str:
    data = form.cleaned_data
    value = data.get(name)
    field = form.fields[name]
    if hasattr(field, "choices") and not hasattr(field, "queryset"):
        return form.choice_label(name) if value else ""
    if name == "received_at":
        tz = calendar_for(form.pack).tz
        return date_format(value.astimezone(tz), "Y-m-d H:i") if value else _("now, when saved")
    if name == "amount_claimed" and value is not None:
        return f"{value:,.2f} {data.get('currency') or ''}".strip()
    if name == "party_unit" and value is not None:
        return form.fields[name].label_from_instance(value)
    if name == "party_employee" and value is not None:
        return f"{value} ({value.username})"
    if value in (None, "") and chosen and name in PERSONAL_FIELDS:
        kept = chosen["shown"].get(name)
        return _("%(value)s (from the customer record)") % {"value": kept} if kept else ""
    return "" if value is None else str(value)


def _rows(form, names, chosen) -> list[tuple[str, str]]:
    if not form.cleaned_data.get("category"):
        names = [n for n in names if n != "severity"]  # the severity is set with the category
    rows = [(str(form.fields[n].label), _value(form, n, chosen)) for n in names]
    return [(label, value) for label, value in rows if value]


def sections(form, chosen: dict | None) -> list[tuple[str, list[tuple[str, str]]]]:
    path = form.cleaned_data["path"]
    out = [(_("The complainant"), _rows(form, CUSTOMER, chosen)),
           (_("The complaint"), _rows(form, COMPLAINT, chosen)),
           (_("Who or what it is about"), _rows(form, PARTIES, chosen)),
           (_("Outcome at intake"), [(str(form.fields["path"].label), form.choice_label("path")),
                                     *_rows(form, PATH_FIELDS.get(path, ()), chosen)])]
    return [(title, rows) for title, rows in out if rows]


def what_happens(path: str) -> str:
    """What saving will do, said to the customer."""
    return {
        "complaint": _("On saving, the complaint is registered: the customer receives a reference number, the "
                       "process, the time limit with its date, and their rights."),
        "inquiry": _("On saving, this is recorded as an inquiry answered, not a complaint. If the customer is "
                     "not satisfied with the answer, register a complaint instead."),
        "on_spot": _("On saving, the complaint is closed as resolved on the spot, the customer being "
                     "satisfied and not pursuing it further."),
        "redirect": _("On saving, the matter is closed as outside our scope and the customer is told which "
                      "authority to turn to and how to reach it."),
    }[path]
