"""The intake customer lookup as a member of staff uses it (issue 14): at most
REDRESS_LOOKUPS_PER_MINUTE and REDRESS_LOOKUPS_PER_DAY lookups each, only keys that
identify one person (selectors/lookup_keys.py), and every lookup, answered or
refused, in the lookup log (models/lookups.py) for the complaints office and compliance.

It changes no complaint, so it writes no ledger event: the log row is its record,
written in the same transaction as the count it was checked against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from redress.complaints.errors import DomainError
from redress.complaints.models import CustomerLookup, Staff
from redress.complaints.selectors import lookup_keys
from redress.complaints.selectors.customers import COUNT_CAP, CustomerPage, customer_search
from redress.complaints.timesource import now

Kind, Outcome = CustomerLookup.Kind, CustomerLookup.Outcome


class LookupRefused(DomainError):
    """Too little typed to identify one person: nothing was looked up."""

    code = "lookup_too_little"


class LookupThrottled(DomainError):
    """Over the per-person limit: nothing was looked up (HTTP 429)."""

    code = "lookup_throttled"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta


def limits() -> list[Limit]:
    return [Limit(settings.REDRESS_LOOKUPS_PER_MINUTE, timedelta(minutes=1)),
            Limit(settings.REDRESS_LOOKUPS_PER_DAY, timedelta(days=1))]


def _over(staff: Staff, at) -> LookupThrottled | None:
    """The refusal when `staff` has used up a limit, saying when they may look up again."""
    counted = CustomerLookup.objects.filter(staff=staff).exclude(outcome=Outcome.THROTTLED)
    for limit in limits():
        window = counted.filter(at__gt=at - limit.window).order_by("at").values_list("at", flat=True)
        used = list(window[:limit.count])
        if len(used) >= limit.count:
            retry = max(1, int((used[0] + limit.window - at).total_seconds()) + 1)
            if limit.window.days:
                message = _("You have made %(n)s customer lookups today, the most allowed. Lookups are logged "
                            "and limited so that customers' data cannot be searched out; ask the complaints "
                            "office if your work needs more.") % {"n": limit.count}
            else:
                message = _("You have made %(n)s customer lookups in the last minute, the most allowed. Wait "
                            "%(seconds)s seconds and look up again.") % {"n": limit.count, "seconds": retry}
            return LookupThrottled(message, retry)
    return None


def look_up(staff: Staff, query: str, *, page: int = 1, via: str = "web") -> CustomerPage:
    """A page of the customers `query` identifies, masked and scoped to `staff`; logged.
    Raises LookupThrottled over the limit, LookupRefused when `query` identifies no one."""
    key = lookup_keys.parse(query)
    at = now()
    with transaction.atomic():  # the refusal is raised after the commit: the log row stays
        Staff.objects.select_for_update().filter(pk=staff.pk).first()  # one lookup at a time per person
        refusal = _over(staff, at)
        if refusal is not None:
            _log(staff, at, via, key, Outcome.THROTTLED, 0)
        elif key.condition is None:
            _log(staff, at, via, key, Outcome.REFUSED, 0)
            refusal = LookupRefused(_("Type the customer's whole phone number, their whole account number, or "
                                      "their full name and the last four digits of their phone or account "
                                      "number (张三 8000). A part of a number finds no one."))
        else:
            found = customer_search(key.condition, staff, page=page)
            _log(staff, at, via, key, Outcome.ANSWERED, min(found.total, COUNT_CAP + 1))
    if refusal is not None:
        raise refusal
    return found


def _log(staff: Staff, at, via: str, key: lookup_keys.LookupKey, outcome: str, matches: int) -> None:
    CustomerLookup.objects.create(staff=staff, at=at, via=via, kind=key.kind, outcome=outcome,
                                  key_hash=key.hashed, matches=matches)
