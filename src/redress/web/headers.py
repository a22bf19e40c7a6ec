"""Response headers that depend on what a response carries.

A Content-Security-Policy on every HTML page of the workbench, the portal, the register
and the warnings: scripts, styles, images and fonts only from this server (all assets
are vendored), no inline script or event handler (there is none: print buttons and the
charts are wired from static files), no inline <style>, no framing, forms posted only
here. An injected <script> or onerror= in a complainant's text would not run. The
admin and the API's Swagger page (/api/docs) ship inline code of their own and keep
Django's defaults; downloads set a stricter policy of their own (complaints/downloads.py).

`Cache-Control: private, no-store` on every response under the paths below: they carry
complainants' personal data (names, phone numbers, what happened to them), which must
not stay in a browser's cache or a shared proxy after the person has moved on or
signed out. Other pages (the dashboard's figures, the policy, static files) stay
cacheable. A response that already says no-store (downloads, exports) is left alone.
"""

from __future__ import annotations

import functools

from django.utils.cache import patch_cache_control

PERSONAL_DATA_PATHS = (
    "/api/complaints",  # the API's complaint reads, events, evidence and every action's answer
    "/api/reports/",  # the register through the API
    "/complaints/",  # the staff complaint pages and their action forms
    "/register/",  # the register, its CSV/xlsx exports and the record sheets
    "/intake/",  # what the intake desk typed, read back; the customer lookup
    "/mail-quarantine/",  # held mail: senders' addresses and messages
    "/inbox/",  # reminders and escalations name cases by reference and subject
)


def carries_personal_data(path: str) -> bool:
    return path.startswith(PERSONAL_DATA_PATHS)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if carries_personal_data(request.path_info) and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # ECharts' saved images and small inline icons
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# ECharts draws its tooltips and legends as HTML with style attributes: a page that
# draws charts allows style *attributes* (never <style> elements, never script).
# Only the views that draw charts ask for it (charts_on_page).
STYLE_ATTRIBUTES = "style-src-attr 'unsafe-inline'"
OWN_POLICY_ELSEWHERE = ("/admin/", "/api/")


def charts_on_page(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.csp_style_attributes = True
        return response

    return wrapped


def policy_for(response) -> str:
    if getattr(response, "csp_style_attributes", False):
        return f"{CONTENT_SECURITY_POLICY}; {STYLE_ATTRIBUTES}"
    return CONTENT_SECURITY_POLICY


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.get("Content-Type", "").startswith("text/html") and "Content-Security-Policy" not in response
                and not request.path_info.startswith(OWN_POLICY_ELSEWHERE)):
            response["Content-Security-Policy"] = policy_for(response)
        return response
