"""System accounts: the member of staff a machine acts as (`mail-in`, `import`).

Services need a Staff actor so every ledger event names who did it. A program that
takes complaints in acts as its own account with the intake role, created on first
use in the unit that takes complaints in (the customer service centre if there is
one, else the complaints office, else headquarters). An administrator may move the
account to another unit in the admin; it keeps that unit. The account has no usable
password: nobody can sign in as it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from redress.complaints.models import OrgUnit, Staff, StaffRole

UNIT_PREFERENCE = (OrgUnit.Kind.CUSTOMER_SERVICE, OrgUnit.Kind.COMPLAINTS_OFFICE, OrgUnit.Kind.HEADQUARTERS)


class NoIntakeUnit(Exception):
    """No organisation unit exists yet, so a system account cannot be a first responder."""


def intake_unit(preference=UNIT_PREFERENCE) -> OrgUnit:
    units = OrgUnit.objects.filter(active=True)
    for kind in preference:
        unit = units.filter(kind=kind).order_by("id").first()
        if unit:
            return unit
    unit = units.order_by("id").first()
    if unit is None:
        raise NoIntakeUnit("no organisation unit exists yet: set up the institution's units first")
    return unit


def system_account(username: str, display_name: str, role: str = "intake", preference=UNIT_PREFERENCE) -> Staff:
    staff = Staff.objects.filter(username=username).first()
    if staff is None:
        try:
            with transaction.atomic():
                staff = Staff(username=username, display_name=display_name, unit=intake_unit(preference),
                              is_active=True)
                staff.set_unusable_password()
                staff.save()
        except IntegrityError:  # another process created it a moment ago
            staff = Staff.objects.get(username=username)
    if not staff.has_role(role):
        StaffRole.objects.get_or_create(staff=staff, role=role)
        staff.__dict__.pop("_role_cache", None)
    return staff
