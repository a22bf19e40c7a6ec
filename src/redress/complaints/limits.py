"""How long each text a complaint is taken down with may be (issue 12 item 3).

A field kept in a character column may hold what the column holds; free text (the
cause, the request, an answer, a resolution) is kept in a text column of any length,
so it gets a stated maximum here: a long letter fits, a 2 MB paste does not. The intake
screen shows these limits and the services refuse past them, for every channel (web,
API, portal, import, mail-in), with a message naming the field and the limit.
"""

from __future__ import annotations

import functools

from django.apps import apps
from django.utils.translation import gettext as _

from redress.complaints.errors import ValidationFailed

TEXT_MAX = 50_000  # free text; the API's MAX_TEXT. The longest real narrative in the CFPB sample is 21,928

# Field of the service input -> the column it is kept in ("app.Model", field); a text
# column without a max_length is capped at TEXT_MAX.
COLUMNS = {
    "customer.name": ("complaints.Customer", "name"),
    "customer.email": ("complaints.Customer", "email"),
    "customer.address": ("complaints.Customer", "address"),
    "customer.account_number": ("complaints.Customer", "account_number"),
    "customer.id_type": ("complaints.Customer", "id_type"),
    "customer.id_number": ("complaints.Customer", "id_number"),
    "customer.preferred_channel": ("complaints.Customer", "preferred_channel"),
    "subject": ("complaints.Complaint", "subject"),
    "cause": ("complaints.Complaint", "cause"),
    "request": ("complaints.Complaint", "request"),
    "external_reference": ("complaints.Complaint", "external_reference"),
    "referral_source": ("complaints.Complaint", "referral_source"),
    "answer": ("complaints.Complaint", "resolution"),
    "resolution": ("complaints.Complaint", "resolution"),
    "customer_opinion": ("complaints.Complaint", "customer_opinion"),
}


@functools.cache  # the models do not change while the process runs; asked per field and complaint
def limit_of(field: str) -> int:
    model, name = COLUMNS[field]
    return apps.get_model(model)._meta.get_field(name).max_length or TEXT_MAX


def too_long(limit: int, length: int) -> str:
    return _("at most %(limit)s characters; this has %(length)s") % {"limit": f"{limit:,}", "length": f"{length:,}"}


def check(field: str, value: str, limit: int | None = None) -> None:
    """Refuse `value` when it is longer than the field's stated maximum."""
    limit = limit or limit_of(field)
    if value and len(value) > limit:
        raise ValidationFailed(field, too_long(limit, len(value)))


def check_all(values: dict[str, str]) -> None:
    for field, value in values.items():
        check(field, value)
