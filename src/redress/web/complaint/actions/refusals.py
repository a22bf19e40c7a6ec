"""A service's refusal, as the form shows it.

The services word their rules in the active language already (complaints/locale). Two
refusals are said again here because a form can say more than the API: a stale form
(what to do: reload, and that nothing was saved) and an action the state does not
allow (the state and the allowed actions by their names, not their codes)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redress.complaints.errors import (
    DomainError,
    InvalidTransition,
    NotPermitted,
    StaleComplaint,
    ValidationFailed,
)
from redress.web import labels as words
from redress.web.complaint.actions import labels


def stale_message(err: StaleComplaint) -> str:
    return _("The complaint changed since you opened this form (you saw version %(expected)s, it is now at "
             "version %(actual)s). Nothing was saved. Reload the form to see the complaint as it is now.") % {
        "expected": err.expected, "actual": err.actual}


def transition_message(err: InvalidTransition, *, name_allowed: bool = True) -> str:
    """`name_allowed=False` where the allowed actions are shown as buttons anyway."""
    parts = {"state": words.STATES.get(err.state, err.state), "action": labels.action_label(err.action)}
    if not name_allowed:
        return _("This complaint is now “%(state)s”, so “%(action)s” is not possible.") % parts
    allowed = [labels.action_label(a) for a in err.allowed if a in labels.SHOWN]
    return _("This complaint is now “%(state)s”, so “%(action)s” is not possible. Allowed now: %(allowed)s.") % {
        **parts, "allowed": "、".join(allowed) if allowed else _("nothing (the case is finished)")}


def explain(err: DomainError) -> str:
    if isinstance(err, StaleComplaint):
        return stale_message(err)
    if isinstance(err, InvalidTransition):
        return transition_message(err)
    if isinstance(err, (ValidationFailed, NotPermitted)):
        return err.rule  # shown next to the field it names, so without the field's code
    return err.message
