"""Personal data on screen (DESIGN rule 6): masked unless the viewer's role needs it,
and then shown in full only on request, which is recorded in the ledger
(services.personal_data_reveal)."""

from __future__ import annotations

from redress.complaints.models import Customer, Staff

# Roles that speak to the complainant and so may reveal contact details (001 首问负责制,
# 004 §7(三) the department contacts the customer, 001 第二十三条 the callback).
CONTACT_ROLES = frozenset({"intake", "handler", "dept_head", "complaints_office", "callback"})

PERSONAL_FIELDS = ("name", "phone", "email", "address", "account_number", "id_number")


def may_reveal(staff: Staff) -> bool:
    return bool(staff.role_set() & CONTACT_ROLES) or staff.has_perm("complaints.view_personal_data")


def mask_name(value: str) -> str:
    if not value:
        return ""
    if value.isascii():  # "John Smith" -> "J*** S****"
        return " ".join(part[:1] + "*" * (len(part) - 1) for part in value.split())
    return value[:1] + "*" * (len(value) - 1)  # 张三丰 -> 张**


def mask_digits(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """13800138000 -> 138****8000; short values keep less so something stays hidden."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        keep_start, keep_end = min(1, len(value) - 1), min(2, max(len(value) - 2, 0))
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + (value[-keep_end:] if keep_end else "")


def mask_email(value: str) -> str:
    if not value or "@" not in value:
        return mask_digits(value, 1, 0) if value else ""
    local, domain = value.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_address(value: str) -> str:
    return value[:6] + "***" if len(value) > 6 else ("***" if value else "")


MASKS = {
    "name": mask_name,
    "phone": mask_digits,
    "email": mask_email,
    "address": mask_address,
    "account_number": lambda v: mask_digits(v, 4, 4),
    "id_number": lambda v: mask_digits(v, 3, 2),
}


def masked(customer: Customer) -> dict[str, str]:
    """Every personal field of the customer, masked."""
    return {name: MASKS[name](getattr(customer, name) or "") for name in PERSONAL_FIELDS}


def shown(customer: Customer, revealed: bool) -> dict[str, str]:
    """The fields as a page shows them: in full only after a recorded reveal."""
    if revealed:
        return {name: getattr(customer, name) or "" for name in PERSONAL_FIELDS}
    return masked(customer)
