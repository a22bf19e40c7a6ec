"""The institution, its units and its staff (SPEC §1)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from redress.policy.schema import Role


class Institution(models.Model):
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        HEADQUARTERS = "hq", "总部 Headquarters"
        BRANCH = "branch", "营业部 Branch"
        DEPARTMENT = "department", "部门 Department"
        COMPLAINTS_OFFICE = "complaints_office", "投诉管理部门 Complaints office"
        CUSTOMER_SERVICE = "customer_service", "客户服务中心 Customer service centre"

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="units")
    # The code policy packs route to (category default_unit).
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def local_name(self) -> str:
        """The unit's name in the active language (Chinese unless English is asked for
        and the unit has an English name)."""
        from django.utils.translation import get_language

        return self.name_en if self.name_en and (get_language() or "").startswith("en") else self.name


class Staff(AbstractUser):
    """A member of staff. Roles come from StaffRole rows; flags mark duties that
    separation-of-duties rules look at (001 第十四条: marketing staff may not accept or
    handle complaints)."""

    display_name = models.CharField(max_length=100, blank=True)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    is_marketing = models.BooleanField(
        default=False, help_text="营销人员: may guide customers to complain but never accept or handle a complaint"
    )
    language = models.CharField(max_length=10, default="zh-hans")

    def __str__(self) -> str:
        return self.display_name or self.username

    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=[(r.value, r.value) for r in Role])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staff_role_once")]

    def __str__(self) -> str:
        return f"{self.staff} – {self.role}"


class ReferenceCounter(models.Model):
    """Per prefix-and-year counter for reference numbers on SQLite (where writers are
    serialised anyway). PostgreSQL uses a sequence instead: see references.py."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_once")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
