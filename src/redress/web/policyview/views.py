"""The rules staff work under (/policy/): the active policy pack, read-only."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from redress.policy.loader import active_pack
from redress.web.access import staff_view
from redress.web.policyview.present import present


@require_safe
@staff_view()
def policy(request):
    return render(request, "web/policyview/policy.html", {"nav": "policy", "p": present(active_pack())})
