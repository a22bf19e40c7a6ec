"""The system account in whose name the portal takes complaints down.

The intake services need a Staff actor with the intake role and a unit (the first
responder's unit, 首问负责制). A customer on the portal is not staff, so the portal acts
as one dedicated account, `portal`: intake role only, no usable password (nobody can
sign in as it), never marketing. It is created on first use rather than by a data
migration, because the unit it belongs to exists only once the institution is set up
(`redress init` / `redress demo` / the admin) — a migration runs before that.

Its unit: settings.REDRESS_PORTAL_UNIT (a unit code) when set, else the customer
service centre, else the complaints office, else headquarters. The complaints office
sees every complaint (selectors/scope.py), so portal complaints reach it at once and
it assigns them on from there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from redress.complaints.models import OrgUnit, Staff, StaffRole

USERNAME = "portal"
DISPLAY_NAME = "网上投诉平台 Online portal"
UNIT_PREFERENCE = (OrgUnit.Kind.CUSTOMER_SERVICE, OrgUnit.Kind.COMPLAINTS_OFFICE, OrgUnit.Kind.HEADQUARTERS)


class PortalUnavailable(Exception):
    """No unit to take complaints in: the institution is not set up yet."""


def _unit() -> OrgUnit:
    code = getattr(settings, "REDRESS_PORTAL_UNIT", "")
    active = OrgUnit.objects.filter(active=True).order_by("id")
    if code:
        unit = active.filter(code=code).first()
        if unit is None:
            raise PortalUnavailable(f"REDRESS_PORTAL_UNIT={code!r} names no active unit")
        return unit
    for kind in UNIT_PREFERENCE:
        unit = active.filter(kind=kind).first()
        if unit:
            return unit
    raise PortalUnavailable("no customer service, complaints office or headquarters unit exists yet")


def portal_actor() -> Staff:
    staff = Staff.objects.filter(username=USERNAME).first()
    if staff is None:
        try:
            with transaction.atomic():
                staff = Staff(username=USERNAME, display_name=DISPLAY_NAME, unit=_unit(), is_marketing=False)
                staff.set_unusable_password()
                staff.save()
                StaffRole.objects.create(staff=staff, role="intake")
        except IntegrityError:  # two first submissions at once: the other one created it
            staff = Staff.objects.get(username=USERNAME)
    return staff
