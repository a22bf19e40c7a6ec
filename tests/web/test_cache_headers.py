"""Responses that carry complainants' personal data are never stored by a browser or
a proxy (Cache-Control: no-store): the complaint pages, the intake desk, the register
and its exports, the API's complaint reads. Pages without personal data keep the
default, so the check is not simply "everything"."""

from __future__ import annotations

from django.test import Client

from redress.api import tokens
from redress.api.models import Scope
from tests.conftest import at


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_the_complaint_page_is_not_stored(org, walk, signed_in):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    response = signed_in("handler").get(f"/complaints/{w.c.reference}/")
    assert response.status_code == 200 and _no_store(response)


def test_a_refused_complaint_page_is_not_stored_either(org, signed_in):
    response = signed_in("office").get("/complaints/CS-2026-999999/")
    assert response.status_code == 404 and _no_store(response)


def test_the_register_and_its_export_are_not_stored(org, walk, signed_in):
    walk(at(2026, 3, 2)).assess()
    office = signed_in("office")
    page = office.get("/register/")
    export = office.get("/register/export/", {"format": "csv"})
    assert page.status_code == 200 and _no_store(page)
    assert export.status_code == 200 and _no_store(export)


def test_the_intake_desk_is_not_stored(org, signed_in):
    response = signed_in("intake").get("/intake/")
    assert response.status_code == 200 and _no_store(response)


def test_the_api_complaint_read_is_not_stored(org, walk):
    w = walk(at(2026, 3, 2)).assess()
    secret = tokens.issue(name="crm", staff=org.office, scopes=[Scope.COMPLAINTS_READ]).secret
    response = Client().get(f"/api/complaints/{w.c.reference}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and _no_store(response)


def test_pages_without_personal_data_keep_the_default(org, signed_in):
    assert not _no_store(signed_in("office").get("/policy/"))
    assert not _no_store(Client().get("/api/openapi.json"))
