"""A service's refusal, as the form shows it.

The services word their rules in the active language already (complaints/locale). Two
refusals are said again here because a form can say more than the API: a stale form
(that nothing was saved, that what was typed is kept, and what changed) and an action the state does not
allow (the state and the allowed actions by their names, not their codes)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from redress.complaints.errors import (
    DomainError,
    InvalidTransition,
    NotPermitted,
    StaleComplaint,
    ValidationFailed,
)
from redress.web import labels as words
from redress.web.complaint.actions import labels
from redress.web.complaint.words import joined


def stale_message(changes: int) -> str:
    """A stale form comes back with what was typed and the changes listed under this."""
    if not changes:
        return _("The complaint changed since you opened this form. Nothing was saved; what you typed is kept. "
                 "Check the case, then send the form again.")
    return ngettext(
        "The complaint changed since you opened this form: the change is listed below. Nothing was saved; what "
        "you typed is kept. Read the change, then send the form again.",
        "The complaint changed since you opened this form: the %(n)d changes are listed below. Nothing was "
        "saved; what you typed is kept. Read the changes, then send the form again.", changes) % {"n": changes}


def transition_message(err: InvalidTransition, *, name_allowed: bool = True) -> str:
    """`name_allowed=False` where the allowed actions are shown as buttons anyway."""
    parts = {"state": words.STATES.get(err.state, err.state), "action": labels.action_label(err.action)}
    if not name_allowed:
        return _("This complaint is now “%(state)s”, so “%(action)s” is not possible.") % parts
    allowed = [labels.action_label(a) for a in err.allowed if a in labels.SHOWN]
    return _("This complaint is now “%(state)s”, so “%(action)s” is not possible. Allowed now: %(allowed)s.") % {
        **parts, "allowed": "、".join(allowed) if allowed else _("nothing (the case is finished)")}


def role_message(err: NotPermitted) -> str:
    """A role refusal with the roles' names in the user's language, never their codes."""
    def names(codes):
        return joined(words.ROLES.get(c, c) for c in codes)
    held = names(err.roles_held) if err.roles_held else _("no role")
    return _("%(what)s needs one of the roles %(wanted)s; %(name)s has the roles %(held)s.") % {
        "what": err.what[:1].upper() + err.what[1:], "wanted": names(err.roles_wanted), "name": err.who, "held": held}


def explain(err: DomainError) -> str:
    if isinstance(err, StaleComplaint):
        return stale_message(0)
    if isinstance(err, InvalidTransition):
        return transition_message(err)
    if isinstance(err, NotPermitted) and err.roles_wanted is not None:
        return role_message(err)
    if isinstance(err, (ValidationFailed, NotPermitted)):
        return err.rule  # shown next to the field it names, so without the field's code
    return err.message
