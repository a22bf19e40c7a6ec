"""A service's refusal, put where the agent looks. The services say it in the user's
language already; here it goes next to the form field the service named, or on top
of the form for a refusal (NotPermitted) with what to do instead."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redress.complaints.errors import DomainError, NotPermitted, ValidationFailed
from redress.complaints.services.messages import ForbiddenPhrases
from redress.web.intake.forms import SERVICE_FIELDS


def place_error(form, err: DomainError) -> None:
    if isinstance(err, ForbiddenPhrases):
        form.warn(err)
        return
    if isinstance(err, ValidationFailed):
        field = SERVICE_FIELDS.get(err.field, err.field)
        if field in form.fields:
            rule = str(err.rule)
            form.add_error(field, rule[:1].upper() + rule[1:])
            return
    message = str(err.message)
    if isinstance(err, NotPermitted):
        message = _("%(rule)s. Hand the customer to a colleague who may take the complaint; nothing was saved.") % {
            "rule": message.rstrip("。.")}
    form.add_error(None, message)
