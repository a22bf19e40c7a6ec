"""The system account in whose name the portal takes complaints down.

The intake services need a Staff actor with the intake role and a unit (the first
responder's unit, 首问负责制). A customer on the portal is not staff, so the portal acts
as one dedicated system account, `portal` (see redress.imports.system, shared with
mail-in and import): intake role only, no usable password, never marketing. It is
created on first use rather than by a data migration, because the unit it belongs to
exists only once the institution is set up (`redress init` / `redress demo` / the
admin) — a migration runs before that. An administrator may move it to another unit.

Portal complaints are the complaints office's (issue 12): the account is created in the
complaints office (else customer service, else headquarters), so the office is the case's
intake unit, and the office's "to assess and dispatch" queue and "needs my action" list
hold every portal complaint until it is dispatched; the office holds every right the
owner has (result, withdrawal, hand-over), so nothing waits on the account itself.
"""

from __future__ import annotations

from redress.complaints.models import OrgUnit, Staff
from redress.imports.system import NoIntakeUnit, system_account

USERNAME = "portal"
DISPLAY_NAME = "网上投诉平台 Online portal"
PortalUnavailable = NoIntakeUnit  # no unit to take complaints in: the institution is not set up yet


OFFICE_FIRST = (OrgUnit.Kind.COMPLAINTS_OFFICE, OrgUnit.Kind.CUSTOMER_SERVICE, OrgUnit.Kind.HEADQUARTERS)


def portal_actor() -> Staff:
    return system_account(USERNAME, DISPLAY_NAME, preference=OFFICE_FIRST)
