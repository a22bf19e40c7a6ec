"""Tokens: shown once, stored as a digest, scoped, revocable, acting as their member of staff."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redress.api import tokens
from redress.api.models import ApiToken, Scope
from redress.complaints.errors import ValidationFailed
from redress.complaints.models import StaffRole
from tests.api.conftest import Api, new_complaint


def test_issue_stores_only_the_digest_of_the_token(org):
    issued = tokens.issue(name="12386 import", staff=org.intake, scopes=[Scope.COMPLAINTS_CREATE])
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith("rdr_") and len(issued.secret) > 40
    assert row.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in str(row.__dict__)
    assert row.institution == org.intake.unit.institution
    assert row.prefix == issued.secret[:12]


def test_issue_refuses_unknown_scopes_and_deactivated_staff(org):
    with pytest.raises(ValidationFailed) as err:
        tokens.issue(name="x", staff=org.intake, scopes=["complaints:delete"])
    assert err.value.field == "scopes"
    org.intake.is_active = False
    org.intake.save()
    with pytest.raises(ValidationFailed) as err:
        tokens.issue(name="x", staff=org.intake, scopes=[Scope.COMPLAINTS_READ])
    assert err.value.field == "staff"


def test_no_token_is_401_with_a_bearer_challenge(org):
    response = Api(None).get("/complaints")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthenticated"


def test_a_wrong_token_is_401(org):
    assert Api("rdr_" + "x" * 43).get("/complaints").status_code == 401
    assert Api("not-even-ours").get("/complaints").status_code == 401


def test_a_revoked_token_is_refused_at_once(issue):
    token, api = issue("intake")
    assert api.get("/complaints").status_code == 200
    tokens.revoke(token.prefix)
    assert api.get("/complaints").status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_revoking_twice_keeps_the_first_time(issue):
    token, _ = issue("intake")
    first = tokens.revoke(token.pk).revoked_at
    assert tokens.revoke(token.pk).revoked_at == first


def test_token_of_a_deactivated_member_of_staff_is_refused(issue, org):
    _, api = issue("intake")
    org.intake.is_active = False
    org.intake.save()
    assert api.get("/complaints").status_code == 401


def test_each_operation_needs_its_scope(issue):
    _, reader = issue("intake", scopes=[Scope.COMPLAINTS_READ])
    response = reader.post("/complaints", new_complaint())
    assert response.status_code == 403
    assert response.json() == {"code": "missing_scope", "message": "this token lacks the scope complaints:create",
                               "rule": "this token lacks the scope complaints:create"}
    _, creator = issue("intake", scopes=[Scope.COMPLAINTS_CREATE])
    created = creator.post("/complaints", new_complaint())
    assert created.status_code == 201
    reference = created.json()["reference"]
    assert creator.get(f"/complaints/{reference}").status_code == 403
    assert creator.act(reference, "assess", 2, category="counter", severity="low").status_code == 403
    assert reader.get(f"/complaints/{reference}").status_code == 200


def test_use_is_recorded_in_last_used_at(issue):
    token, api = issue("intake")
    assert token.last_used_at is None
    api.get("/complaints")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_token_acts_with_its_staff_roles_so_a_handler_token_cannot_take_complaints_down(issue):
    _, api = issue("handler")
    response = api.post("/complaints", new_complaint())
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert "intake" in response.json()["rule"]


def test_admin_shows_the_token_once_and_revokes(org, client):
    admin_user = type(org.intake).objects.create_superuser("root", "root@example.com", "x" * 12)
    client.force_login(admin_user)
    response = client.post("/admin/api/apitoken/add/", {
        "name": "官网投诉表单", "institution": org.hq.institution_id, "unit": org.customer_service.pk,
        "staff": org.intake.pk, "scopes": [Scope.COMPLAINTS_CREATE, Scope.COMPLAINTS_READ]}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(name="官网投诉表单")
    shown = [str(m) for m in response.context["messages"]]
    secret = next(re.search(r"rdr_[\w-]+", m).group() for m in shown if "rdr_" in m)
    assert any("仅在此显示一次" in m for m in shown)  # the admin speaks zh-hans by default
    assert tokens.authenticate(secret) == token
    assert token.created_by == admin_user
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert secret not in page
    client.post("/admin/api/apitoken/", {"action": "revoke_selected", "_selected_action": [token.pk]})
    assert tokens.authenticate(secret) is None


def test_a_request_reads_its_token_its_staff_their_unit_and_roles_at_once(org):
    """What authorises every API request is read at once (on PostgreSQL by one prepared
    statement of its own): the token and everything the services then ask of it."""
    StaffRole.objects.create(staff=org.intake, role="callback")
    issued = tokens.issue(name="call centre", staff=org.intake, scopes=[Scope.COMPLAINTS_CREATE])
    tokens.authenticate(issued.secret)  # the first use writes last_used_at
    with CaptureQueriesContext(connection) as reading:
        token = tokens.authenticate(issued.secret)
    with CaptureQueriesContext(connection) as asking:
        staff, unit, institution, roles = token.staff, token.staff.unit, token.institution, token.staff.role_set()
    assert len(reading.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    assert asking.captured_queries == []
    orm = ApiToken.objects.select_related("staff__unit", "institution").get(pk=issued.token.pk)
    for got, want in ((token, orm), (staff, orm.staff), (unit, orm.staff.unit), (institution, orm.institution)):
        assert type(got) is type(want) and got._state.db == want._state.db and not got._state.adding
        assert {f.attname: getattr(got, f.attname) for f in type(want)._meta.concrete_fields} == \
            {f.attname: getattr(want, f.attname) for f in type(want)._meta.concrete_fields}
    assert token.scopes == [Scope.COMPLAINTS_CREATE]
    assert roles == frozenset(orm.staff.roles.values_list("role", flat=True)) >= {"intake", "callback"}


def test_a_token_of_staff_without_a_unit_still_reads(org):
    org.intake.unit = None
    org.intake.save()
    issued = tokens.issue(name="call centre", staff=org.intake, scopes=[Scope.COMPLAINTS_CREATE],
                          institution=org.branch.institution)
    token = tokens.authenticate(issued.secret)
    assert token.pk == issued.token.pk and token.staff.unit is None
