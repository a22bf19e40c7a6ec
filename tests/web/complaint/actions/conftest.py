"""Helpers for the action forms: open a form as a person would, and send it."""

from __future__ import annotations

import pytest

from redress.complaints.models import Complaint, Event
from redress.web.complaint.actions.registry import action_url


def events(c: Complaint) -> list[int]:
    return list(Event.objects.filter(complaint=c).order_by("seq").values_list("type", flat=True))


@pytest.fixture
def send():
    """send(client, complaint, "assess", category=...) posts the form with the version
    the complaint has now (as a form opened now would carry)."""

    def post(client, complaint: Complaint, action: str, *, version: int | None = None, htmx: bool = False, **data):
        complaint.refresh_from_db()
        payload = {"version": complaint.version if version is None else version, **data}
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        return client.post(action_url(complaint, action), payload, **headers)

    return post
