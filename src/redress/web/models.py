"""Rows the workbench itself keeps (nothing about complaints lives here)."""

from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    """One failed sign-in. Kept in the database, not in process memory, so the
    throttle counts the same failures in every gunicorn worker and on every node;
    rows older than the throttle window are purged as new ones are written."""

    # Lower-cased as typed; the user need not exist (the throttle must not tell).
    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="login_failure_user_at"),
            models.Index(fields=["address", "at"], name="login_failure_addr_at"),
            models.Index(fields=["at"], name="login_failure_at"),
        ]

    def __str__(self) -> str:
        return f"failed sign-in for {self.username} at {self.at:%Y-%m-%d %H:%M}"
