"""Models of the complaint domain, split by subject; import them from here."""

from .complaint import Complaint, ComplaintLink, ComplaintParty, Customer, Evidence
from .handling import (
    Accountability,
    Assignment,
    Callback,
    Communication,
    Extension,
    Finding,
    OwnershipTransfer,
    Proposal,
    Remedy,
)
from .ledger import CheckpointEntry, CheckpointSignature, Event, LedgerCheckpoint
from .lookups import CustomerLookup
from .matching import CustomerMatch
from .org import Institution, OrgUnit, ReferenceCounter, Staff, StaffRole
from .period_tally import PeriodTally, PeriodTallyState
from .reports import AuthorityReport
from .tally import DayTally
from .timing import CalendarDay, CalendarState, ClockAlert, ClockPause, ComplaintClock

__all__ = [
    "Accountability",
    "Assignment",
    "AuthorityReport",
    "CalendarDay",
    "CalendarState",
    "Callback",
    "ClockPause",
    "CheckpointEntry",
    "CheckpointSignature",
    "ClockAlert",
    "Communication",
    "Complaint",
    "ComplaintClock",
    "ComplaintLink",
    "ComplaintParty",
    "Customer",
    "CustomerLookup",
    "CustomerMatch",
    "DayTally",
    "PeriodTally",
    "PeriodTallyState",
    "Event",
    "Evidence",
    "Extension",
    "Finding",
    "Institution",
    "LedgerCheckpoint",
    "OrgUnit",
    "OwnershipTransfer",
    "Proposal",
    "ReferenceCounter",
    "Remedy",
    "Staff",
    "StaffRole",
]
