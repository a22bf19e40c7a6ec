"""Response headers that depend on what a response carries.

`Cache-Control: private, no-store` on every response under the paths below: they carry
complainants' personal data (names, phone numbers, what happened to them), which must
not stay in a browser's cache or a shared proxy after the person has moved on or
signed out. Other pages (the dashboard's figures, the policy, static files) stay
cacheable. A response that already says no-store (downloads, exports) is left alone.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

PERSONAL_DATA_PATHS = (
    "/api/complaints",  # the API's complaint reads, events, evidence and every action's answer
    "/api/reports/",  # the register through the API
    "/complaints/",  # the staff complaint pages and their action forms
    "/register/",  # the register, its CSV/xlsx exports and the record sheets
    "/intake/",  # what the intake desk typed, read back; the customer lookup
    "/mail-quarantine/",  # held mail: senders' addresses and messages
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
