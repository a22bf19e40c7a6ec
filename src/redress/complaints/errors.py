"""Domain errors: each says what was wrong and what to do instead (DESIGN rule 5).

They carry machine-readable parts (`code`, `field`, `allowed`) so the API can map
them to status codes and the UI can put a message next to the right field.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        out = {"code": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        return out


class ValidationFailed(DomainError):
    """Bad input: names the field and the rule it broke."""

    code = "invalid"

    def __init__(self, field: str, rule: str):
        super().__init__(f"{field}: {rule}", field=field)
        self.rule = rule


class InvalidTransition(DomainError):
    code = "invalid_transition"

    def __init__(self, *, action: str, state: str, allowed: list[str]):
        allowed_text = ", ".join(allowed) if allowed else _("none (the case is finished)")
        super().__init__(_("cannot %(action)s a complaint in state %(state)s; allowed now: %(allowed)s")
                         % {"action": action, "state": state, "allowed": allowed_text})
        self.action = action
        self.state = state
        self.allowed = allowed

    def as_dict(self) -> dict:
        return {**super().as_dict(), "state": self.state, "allowed": self.allowed}


class NotPermitted(DomainError):
    """The actor may not do this: a role rule or a separation-of-duties rule."""

    code = "not_permitted"
    # Set by a role check (services/base.require_role): the role codes it wanted and the
    # ones the actor holds, for a screen that names roles rather than codes.
    roles_wanted: list[str] | None = None
    roles_held: list[str] | None = None
    what: str = ""
    who = None

    def __init__(self, rule: str):
        super().__init__(rule)
        self.rule = rule


class StaleComplaint(DomainError):
    code = "stale"

    def __init__(self, *, expected: int, actual: int):
        super().__init__(
            _("the complaint changed since you opened it (version %(expected)s, now %(actual)s); reload and try again")
            % {"expected": expected, "actual": actual}
        )
        self.expected = expected
        self.actual = actual


class NotFound(DomainError):
    code = "not_found"
