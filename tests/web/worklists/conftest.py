"""A second branch with its own handler, so every view can be checked for what the
other unit must never see."""

from __future__ import annotations

import pytest

from redress.complaints.models import Staff, StaffRole


@pytest.fixture
def yuexiu_handler(org) -> Staff:
    staff = Staff.objects.create_user(username="handler_yuexiu", password="x" * 12, unit=org.branch2,
                                      display_name="越秀经办")
    StaffRole.objects.create(staff=staff, role="handler")
    return staff


@pytest.fixture(autouse=True)
def _fresh_tab_counts():
    """The tab counts are cached a minute per person; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
