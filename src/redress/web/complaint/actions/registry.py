"""What the complaint page asks the action forms: which actions this person may take
on this complaint now. The page only renders the list."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from redress.complaints.duties import NEXT_STEP
from redress.complaints.lifecycle import State, allowed_actions
from redress.policy.loader import active_pack
from redress.web.complaint.actions.labels import action_label
from redress.web.complaint.actions.mirror import Who
from redress.web.complaint.actions.table import SPECS


@dataclass(frozen=True)
class ActionLink:
    code: str  # lifecycle.Action value
    label: str  # in the active language
    url: str  # GET: the form (htmx fragment or full page); POST: perform it
    primary: bool = False  # the next step of the normal path, shown first
    danger: bool = False  # turns the case back or ends it
    wide: bool = False  # a long form: opens in the main column


def action_url(complaint, code: str) -> str:
    return reverse("web:complaint:actions:act", kwargs={"reference": complaint.reference, "action": code})


def available_actions(staff, complaint) -> list[ActionLink]:
    """The actions the lifecycle table allows in the complaint's state that this person's
    roles make plausible, the next step of the normal path first."""
    who = Who(staff, complaint, active_pack())
    state = State(complaint.state)
    links = [
        ActionLink(code=action.value, label=action_label(action), url=action_url(complaint, action.value),
                   primary=action == NEXT_STEP.get(state), danger=spec.danger,
                   wide=spec.wide)
        for action in allowed_actions(state)
        if (spec := SPECS.get(action)) is not None and spec.may(who)
    ]
    return sorted(links, key=lambda link: not link.primary)
