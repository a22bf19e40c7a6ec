"""Revealing a complainant's personal data is itself a recorded act (DESIGN rule 6;
002 保密原则): the ledger says who saw which fields of whose complaint, and why."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redress.complaints import ledger
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.lifecycle import Action
from redress.complaints.models import Complaint, Staff
from redress.complaints.selectors.personal import PERSONAL_FIELDS, may_reveal
from redress.complaints.services.base import acting_on


def personal_data_reveal(complaint: Complaint | int, *, actor: Staff, fields: list[str] | tuple[str, ...] = PERSONAL_FIELDS,
                         purpose: str = "", via: str = "web") -> None:
    unknown = sorted(set(fields) - set(PERSONAL_FIELDS))
    if unknown or not fields:
        raise ValidationFailed("fields", _("name one or more of %(PERSONAL_FIELDS)s; unknown: %(unknown)s") % {"PERSONAL_FIELDS": ', '.join(PERSONAL_FIELDS), "unknown": ', '.join(unknown)})
    if not may_reveal(actor):
        raise NotPermitted(_("%(username)s's roles do not include contact with the complainant; personal data stays masked (DESIGN rule 6)") % {"username": actor.username})
    with acting_on(complaint, Action.VIEW_PERSONAL_DATA, actor=actor, via=via, changes_case=False) as step:
        step.role = next(iter(sorted(actor.role_set())), "")
        step.record(ledger.EventType.PERSONAL_DATA_VIEWED, fields=sorted(fields), purpose=purpose[:200])
