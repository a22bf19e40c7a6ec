"""A step taken from an old copy of the case is refused and changes nothing (DESIGN rule 1:
every step says which version of the complaint it was decided on). Two people on one
case must not overwrite each other: the second is told the case changed, not silently
allowed to act on what they no longer see.

Every action the API publishes is tried on the case the role matrix walks it to, by a
role the matrix says may take it, once with the version before the current one (409,
nothing written) and once with the current one (taken). The service behind each action
receives the version, so this holds for the workbench and the API alike; the workbench's
own handling of a stale form (resend when nothing since touches it) is tested with its
forms."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from redress.api import tokens
from redress.api.models import Scope
from redress.complaints.models import Complaint, Event
from redress.complaints.timesource import frozen
from tests.security.test_role_matrix import ROLES, ROWS, TRIED_API, TRIES


def a_role_that_may(action: str) -> str:
    row = ROWS["api", f"action_{action}"]
    allowed = [role for role in ROLES if row[role] == "allowed"]
    assert allowed, f"{action}: nobody may take it on the matrix's case"
    return allowed[0]


def written(complaint: Complaint) -> tuple[int, int]:
    return Complaint.objects.get(pk=complaint.pk).version, Event.objects.filter(complaint=complaint).count()


def post(org, role: str, complaint: Complaint, action: str, body: dict):
    """The response, and the complaint's version and events as the request left them
    (read before the request's changes are rolled back, so each try starts alike)."""
    secret = tokens.issue(name=f"stale {role}", staff=getattr(org, ROLES[role]), scopes=list(Scope.values)).secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    with transaction.atomic():
        response = client.post(f"/api/complaints/{complaint.reference}/actions/{action}",
                               json.dumps(body, ensure_ascii=False), content_type="application/json")
        left = written(complaint)
        transaction.set_rollback(True)
    return response, left


@pytest.mark.parametrize("action", [a for a in TRIED_API if any(
    ROWS["api", f"action_{a}"][role] == "allowed" for role in ROLES)])
def test_every_action_on_an_old_version_is_refused_and_changes_nothing(org, action):
    attempt = TRIES[action]
    complaint = attempt.case(org)
    role = a_role_that_may(action)
    before = written(complaint)
    version = before[0]
    old = version - 1 if version > 1 else version + 1  # a case just taken down has no older copy
    with frozen(attempt.when):
        stale, left = post(org, role, complaint, action, {"expected_version": old, **attempt.fields(org)})
        assert stale.status_code == 409, (action, stale.status_code, stale.content[:300])
        assert (stale.json()["expected"], stale.json()["actual"]) == (old, version)
        assert left == before
        current, left = post(org, role, complaint, action, {"expected_version": version, **attempt.fields(org)})
        assert current.status_code == 200, (action, current.status_code, current.content[:300])
        assert left != before
