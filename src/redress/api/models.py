"""API tokens for integrations, and the stored answers of idempotent requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    COMPLAINTS_CREATE = "complaints:create", _("Create complaints")
    COMPLAINTS_READ = "complaints:read", _("Read complaints, their timeline and clocks")
    COMPLAINTS_ACT = "complaints:act", _("Perform lifecycle actions on complaints")
    EVIDENCE_WRITE = "evidence:write", _("Upload evidence files")
    REPORTS_READ = "reports:read", _("Read reports: the register, statistics and regulator returns")
    PERSONAL_DATA_READ = "personal_data:read", _("Reveal a complainant's personal data unmasked (recorded)")


class ApiToken(models.Model):
    """One integration (a call-centre system, the website, an app, a regulator referral
    import). It acts as a member of staff, so every change it makes goes through the
    services with that person's roles and is recorded in the ledger as theirs, via=api.

    Only the SHA-256 digest of the token is stored; the token itself is shown once."""

    name = models.CharField(_("name"), max_length=100)
    institution = models.ForeignKey("complaints.Institution", on_delete=models.PROTECT, related_name="api_tokens",
                                    verbose_name=_("institution"))
    unit = models.ForeignKey("complaints.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="api_tokens", verbose_name=_("owning unit"),
                             help_text=_("the unit that runs the integration and answers for it"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens",
                              verbose_name=_("acts as"),
                              help_text=_("the service account whose roles and visibility the token has"))
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("prefix"), max_length=16, help_text=_("the token's first characters, to tell tokens apart"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyRecord(models.Model):
    """The first answer to a create request sent with an Idempotency-Key. A retry with
    the same key and the same body gets this answer again instead of a second complaint;
    the unique constraint is what makes two concurrent retries create only one."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    complaint = models.ForeignKey("complaints.Complaint", null=True, on_delete=models.PROTECT, related_name="+")
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_once_per_token")]

    def __str__(self) -> str:
        return f"{self.key} ({self.token_id})"
