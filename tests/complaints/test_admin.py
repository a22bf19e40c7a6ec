"""The admin lets a marketing staff member be given roles (an inquiry desk, say), but says
at once that 001 第十四条 keeps them out of every complaint."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import admin, messages
from django.contrib.messages.storage.fallback import FallbackStorage

from redress.complaints.models import Staff
from tests.conftest import grant


def _save_roles(rf, staff) -> list:
    request = rf.post("/admin/complaints/staff/")
    request.session = {}
    request._messages = FallbackStorage(request)
    form = SimpleNamespace(instance=staff, save_m2m=lambda: None)
    admin.site._registry[Staff].save_related(request, form, [], True)
    return list(request._messages)


def test_the_admin_warns_when_marketing_staff_are_given_a_handling_role(org, rf):
    grant(org.marketer, "handler")
    [warning] = _save_roles(rf, org.marketer)
    assert warning.level == messages.WARNING
    assert "001 第十四条" in str(warning) and "handler" in str(warning)


def test_no_warning_for_staff_who_are_not_marketing(org, rf):
    assert _save_roles(rf, org.handler) == []
