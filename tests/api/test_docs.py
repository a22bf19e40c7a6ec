"""The OpenAPI document and the interactive docs, served with no internet access."""

from __future__ import annotations

import re

from django.test import Client


def test_openapi_document_lists_every_endpoint_with_bearer_security(db):
    doc = Client().get("/api/openapi.json").json()
    paths = doc["paths"]
    assert {"/api/complaints", "/api/complaints/{reference}", "/api/complaints/{reference}/events",
            "/api/complaints/{reference}/clocks", "/api/complaints/{reference}/evidence",
            "/api/complaints/{reference}/actions/assess"} <= set(paths)
    assert doc["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    create = paths["/api/complaints"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "additionalProperties" in str(doc["components"]["schemas"]["ComplaintIn"])


def test_docs_page_loads_swagger_from_local_static_files_only(db):
    html = Client().get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/static/") for a in assets), assets
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html


def test_the_swagger_files_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(name), name
