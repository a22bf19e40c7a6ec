"""Every page of the workbench and the portal carries a Content-Security-Policy that
lets only this server's own scripts run: a <script> or an onerror= smuggled into a
complainant's text would not execute. That holds only if the templates themselves need
no inline script, so the templates are read too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import redress
from tests.conftest import at

SOURCE = Path(redress.__file__).parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _directives(response) -> dict[str, list[str]]:
    policy = response.get("Content-Security-Policy", "")
    out = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *values = part.split()
        out[name] = values
    return out


def _strict(response) -> dict[str, list[str]]:
    directives = _directives(response)
    assert directives.get("script-src") == ["'self'"], response.get("Content-Security-Policy")
    assert directives.get("style-src") == ["'self'"]
    assert directives.get("object-src") == ["'none'"] and directives.get("frame-ancestors") == ["'none'"]
    return directives


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for template in sorted(SOURCE.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL):
            offenders += [f"{template.relative_to(SOURCE)}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert offenders == []


@pytest.mark.parametrize("path", ["/cases/", "/intake/", "/register/", "/policy/", "/warnings/", "/mail-quarantine/",
                                  "/password/"])
def test_staff_pages_forbid_inline_script(org, signed_in, path):
    response = signed_in("office").get(path)
    assert response.status_code == 200
    assert "style-src-attr" not in _strict(response)


def test_the_complaint_page_and_its_record_sheet_forbid_inline_script(org, walk, signed_in):
    w = walk(at(2026, 3, 2)).assess()
    office = signed_in("office")
    for path in (f"/complaints/{w.c.reference}/", f"/register/{w.c.reference}/sheet/"):
        response = office.get(path)
        assert response.status_code == 200, path
        _strict(response)


def test_the_dashboard_allows_style_attributes_for_its_charts_and_nothing_more(org, signed_in):
    directives = _strict(signed_in("office").get("/"))
    assert directives["style-src-attr"] == ["'unsafe-inline'"]


@pytest.mark.parametrize("path", ["/portal/", "/portal/status/", "/login/"])
def test_public_pages_forbid_inline_script(org, path):
    response = Client().get(path)
    assert response.status_code == 200
    _strict(response)
