"""The complainant's private access code, issued when a complaint is registered, on
every channel: a customer who phoned, walked in or wrote gets one in the acknowledgment
just as a portal complainant does, so "ask about progress with your reference number"
can be done on the portal.

Only the hash is kept (codes.py). The clear code leaves this module once, in the
acknowledgment as sent (the outbox row, wiped when sent) and on the receipt the intake
officer prints or reads out; the acknowledgment kept on the case shows it masked.
"""

from __future__ import annotations

from redress.complaints import rows
from redress.portal import codes
from redress.portal.models import PortalAccess


def access_issue(step) -> str:
    """A code for the complaint `step` is registering; returns it in clear. A complaint
    is registered once, so it has no code yet (the one-to-one row refuses a second).
    One INSERT, in the registration's transaction. The caller's ledger event
    (REGISTERED) records its last group, which lets staff confirm which code a caller
    holds."""
    code = codes.new_code()
    rows.insert(rows.build(PortalAccess, related={"complaint": step.complaint}, code_hash=codes.hash_code(code),
                           created_at=step.now))
    return code
