"""What the complaint page asks the action forms: which actions this person may take
on this complaint now. Filled in by the actions area; the page only renders the list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionLink:
    code: str  # lifecycle.Action value
    label: str  # in the active language
    url: str  # GET: the form (htmx fragment or full page); POST: perform it
    primary: bool = False  # the next step of the normal path, shown first


def available_actions(staff, complaint) -> list[ActionLink]:
    return []
