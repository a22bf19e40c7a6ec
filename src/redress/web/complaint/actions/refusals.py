"""A service's refusal in the reader's language.

The services word their rules in English (they serve the API and the CLI too) and
carry the parts a form needs: the field, the state and the allowed actions, the
versions. The rules people meet most are matched here and said again in the active
language with the same numbers and the same article of the procedure; any other
rule is shown as the service worded it, so nothing is ever hidden behind a vaguer
message.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redress.complaints.errors import (
    DomainError,
    InvalidTransition,
    NotPermitted,
    StaleComplaint,
    ValidationFailed,
)
from redress.web import labels as words
from redress.web.complaint.actions import labels


def _roles(text: str) -> str:
    return "、".join(str(words.ROLES.get(r.strip(), r.strip())) for r in text.split(",") if r.strip())


def _parts(text: str) -> str:
    return "、".join(str(labels.RECORD_PARTS.get(p.strip(), p.strip())) for p in text.split(","))


# (pattern over the English rule, the rule in the active language, how to show each group)
RULES: list[tuple[re.Pattern, str, dict]] = [
    (re.compile(r"^(?P<who>\S+) handled this complaint and may not do its callback"),
     gettext_lazy("%(who)s handled this complaint, so may not do its callback: the callback must be "
                  "independent of the handling (001 第二十三条)."), {}),
    (re.compile(r"^(?P<who>\S+) is named in this complaint and may not do its callback"),
     gettext_lazy("%(who)s is named in this complaint, so may not do its callback (001 第二十三条)."), {}),
    (re.compile(r"^nobody may approve or reject their own proposal"),
     gettext_lazy("Nobody may approve or reject their own proposal (maker–checker)."), {}),
    (re.compile(r"^nobody may approve their own extension request"),
     gettext_lazy("Nobody may approve their own extension request (maker–checker)."), {}),
    (re.compile(r"^.+ needs one of the roles (?P<roles>[\w, ]+); (?P<who>\S+) has (?P<has>.+)$"),
     gettext_lazy("This needs one of the roles %(roles)s; %(who)s has %(has)s."),
     {"roles": _roles, "has": _roles}),
    (re.compile(r"^(?P<who>\S+) is marketing staff and may not accept or handle complaints"),
     gettext_lazy("%(who)s is marketing staff and may not accept or handle complaints (001 第十四条)."), {}),
    (re.compile(r"^(?P<who>\S+) is named in this complaint and may not accept or handle it"),
     gettext_lazy("%(who)s is named in this complaint and may not accept or handle it (001 第十四条)."), {}),
    (re.compile(r"^(?P<who>\S+) is named in this complaint and may not decide on it"),
     gettext_lazy("%(who)s is named in this complaint and may not decide on it."), {}),
    (re.compile(r"^.+ is for the handler or the head of the responsible unit$"),
     gettext_lazy("Only the handler or the head of the responsible unit may do this."), {}),
    (re.compile(r"^.+ is for staff of the responsible unit; (?P<who>\S+) is not in it$"),
     gettext_lazy("This is for staff of the responsible unit; %(who)s is not in it."), {}),
    (re.compile(r"^only the department head may name someone else as handler"),
     gettext_lazy("Only the department head may name someone else as handler."), {}),
    (re.compile(r"^(?P<who>\S+) heads another unit and may not decide this unit's proposal"),
     gettext_lazy("%(who)s heads another unit and may not decide this unit's proposal."), {}),
    (re.compile(r"^the policy \S+ requires a callback before closing"),
     gettext_lazy("The policy requires a callback before the complaint is closed (001 第二十三条)."), {}),
    (re.compile(r"^no hand-over of \S+ is waiting for (?P<who>\S+)$"),
     gettext_lazy("No hand-over of this complaint is waiting for %(who)s."), {}),
    (re.compile(r"^nobody records accountability for themselves"),
     gettext_lazy("Nobody records accountability for themselves."), {}),
    (re.compile(r"^an extension must be requested at least (?P<n>\d+) working days before the time limit "
                r"\(due (?P<due>[^;]+); (?P<left>\d+) working days left\)"),
     gettext_lazy("An extension must be requested at least %(n)s working days before the time limit; the "
                  "limit is %(due)s and %(left)s working days are left (001 第二十二条)."), {}),
    (re.compile(r"^an extension may be at most (?P<n>\d+) working days"),
     gettext_lazy("An extension may be at most %(n)s working days (001 第二十二条)."), {}),
    (re.compile(r"^a further extension needs the complainant's consent"),
     gettext_lazy("A further extension needs the complainant's consent, recorded with how and when it was "
                  "given (001 第二十二条)."), {}),
    (re.compile(r"^an extension request is already waiting for a decision"),
     gettext_lazy("An extension request is already waiting for a decision."), {}),
    (re.compile(r"^the (?P<clock>\S+) clock is not running, so there is nothing to extend"),
     gettext_lazy("The time limit is not running, so there is nothing to extend."), {}),
    (re.compile(r"^no clock is running$"), gettext_lazy("No clock is running."), {}),
    (re.compile(r"^no clock is paused$"), gettext_lazy("No clock is paused."), {}),
    (re.compile(r"^the record is incomplete; still missing: (?P<parts>.+)$"),
     gettext_lazy("The record is not complete, so it cannot be archived. Still missing: %(parts)s."),
     {"parts": _parts}),
    (re.compile(r"^followed up since (?P<since>\S+); it can be deemed closed from (?P<earliest>\S+)"),
     gettext_lazy("Followed up since %(since)s; it can be deemed closed from %(earliest)s (001 第二十二条)."), {}),
    (re.compile(r"^the customer complained again or the case was escalated"),
     gettext_lazy("The customer complained again or the case was escalated, so it cannot be deemed closed."), {}),
    (re.compile(r"^a fault of staff was found, so it cannot be deemed closed"),
     gettext_lazy("A fault of staff was found, so it cannot be deemed closed (001 第二十二条)."), {}),
    (re.compile(r"^may not be empty$"), gettext_lazy("This may not be empty."), {}),
    (re.compile(r"^may not be in the past$"), gettext_lazy("This date may not be in the past."), {}),
    (re.compile(r"^may not be negative$"), gettext_lazy("The amount may not be negative."), {}),
    (re.compile(r"^record what the customer is not satisfied with$"),
     gettext_lazy("Record what the customer is not satisfied with."), {}),
    (re.compile(r"^no proposal is waiting for a decision$"), gettext_lazy("No proposal is waiting for a decision."), {}),
    (re.compile(r"^say why the proposal is rejected$"), gettext_lazy("Say why the proposal is rejected."), {}),
    (re.compile(r"^escalation cannot lower the severity$"), gettext_lazy("Escalation cannot lower the severity."), {}),
]


def stale_message(err: StaleComplaint) -> str:
    return _("The complaint changed since you opened this form (you saw version %(expected)s, it is now at "
             "version %(actual)s). Nothing was saved. Reload the form to see the complaint as it is now.") % {
        "expected": err.expected, "actual": err.actual}


def transition_message(err: InvalidTransition) -> str:
    allowed = [labels.action_label(a) for a in err.allowed if a in labels.SHOWN]
    return _("This complaint is now “%(state)s”, so “%(action)s” is not possible. Allowed now: %(allowed)s.") % {
        "state": words.STATES.get(err.state, err.state), "action": labels.action_label(err.action),
        "allowed": "、".join(allowed) if allowed else _("nothing (the case is finished)")}


def explain(err: DomainError) -> str:
    """The refusal, in the active language where the rule is known here."""
    if isinstance(err, StaleComplaint):
        return stale_message(err)
    if isinstance(err, InvalidTransition):
        return transition_message(err)
    rule = err.rule if isinstance(err, (ValidationFailed, NotPermitted)) else err.message
    for pattern, template, shown in RULES:
        found = pattern.search(rule)
        if found:
            parts = {k: shown.get(k, str)(v) for k, v in found.groupdict().items()}
            return str(template) % parts
    return rule
