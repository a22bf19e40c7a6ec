"""The one door every change of a complaint goes through (DESIGN rule 1).

`acting_on` opens a transaction, locks the complaint row, checks the optimistic
version and the lifecycle table, and hands the service a `Step`. The service checks
its guards, writes its rows and calls `step.record(...)` for the ledger event and
`step.notify(...)` for notifications; on leaving, the events and notifications are
written (one INSERT each, however many the step made) and the new state, version,
due time and ledger head are saved — all in that one transaction, or none of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from redress.complaints import ledger, period_tally, rows, tally
from redress.complaints.errors import InvalidTransition, NotFound, NotPermitted, StaleComplaint
from redress.complaints.guards import ensure_not_recused
from redress.complaints.lifecycle import TRANSITIONS, Action, State, allowed_actions
from redress.complaints.models import Complaint, Staff
from redress.complaints.selectors.scope import has_orders_elsewhere
from redress.complaints.timesource import now as current_time
from redress.notify.models import OutboxMessage
from redress.policy.loader import active_pack
from redress.policy.schema import Pack

# 001 第十四条 bars marketing staff and the employees a complaint names from every action
# on it (acting_on checks it for every action with a member of staff). The few actions
# still open to them, each with the condition under which it is:
RECUSAL_EXEMPT = {
    # The owner named in the complaint hands it over: the one act that takes the case out
    # of their hands (首问负责制: it stays theirs until someone else accepts it). Whom they
    # hand it to is checked as for anyone.
    Action.REQUEST_TRANSFER: lambda row, actor: row.owner_id == actor.pk,
}

CHANNELS = frozenset({"web", "api", "cli", "portal", "email", "sweep", "import", "demo", "test"})


@dataclass
class Step:
    complaint: Complaint
    action: Action
    actor: Staff | None
    via: str
    now: datetime
    pack: Pack
    before: State
    role: str = ""  # the role the actor acted in, recorded in the ledger
    target: State | None = None
    events: list = field(default_factory=list)  # ledger events not yet written (flush)
    outbox: list = field(default_factory=list)  # notifications not yet written (flush)
    calendar: object = None  # the WorkCalendar, read once per step (timing.step_calendar)
    # The complaint's clocks as this step knows them, kept current by timing.reach_stage;
    # None until read. Code that changes clocks any other way calls forget_clocks().
    clocks: list | None = None
    stopped: list = field(default_factory=list)  # clocks this step stopped (timing.stop_clock)
    breached: list = field(default_factory=list)  # clocks this step found late (timing.breach)
    tallies: list = field(default_factory=list)  # dashboard figures not yet written (flush)
    # The form or client saw an older version: refused once the actor's role is known to
    # be right (confirm), so a 409 never tells someone without the role that the case moved.
    stale: StaleComplaint | None = None
    # The statistics' facts of the complaints this step may change, as they were when it
    # began (period_tally): its own, and any other it touches (watch).
    watched: dict = field(default_factory=dict)
    period_tallies: list = field(default_factory=list)  # statistics' rows not yet written (flush)

    def confirm(self) -> None:
        """Raise the stale version, if any: called once the role is checked (require_role),
        and by acting_on before anything is written."""
        stale, self.stale = self.stale, None
        if stale is not None:
            raise stale

    def move_to(self, state: State) -> None:
        self.target = state

    def record(self, type_: ledger.EventType, **payload) -> None:
        after = self.target or self.before
        if after != self.before and "state" not in payload:
            payload["state"] = [self.before.value, after.value]
        self.events.append(
            ledger.append(self.complaint, type_, at=self.now, actor=self.actor, actor_role=self.role,
                          channel=self.via, payload=payload, save=False)
        )

    def notify(self, kind: str, *, role: str = "", staff: Staff | None = None, address: str = "",
               **payload) -> None:
        """Tell a role, a member of staff or a customer address. Never an authority: a
        report owed to one is a task (services/reports.owe_report), not a message."""
        self.outbox.append(rows.build(  # without Model.__init__ (rows.build): a registered complaint makes one
            OutboxMessage, related={"complaint": self.complaint, "to_staff": staff}, kind=kind, to_role=role,
            to_address=address, payload={"reference": self.complaint.reference, **payload}, created_at=self.now,
        ))

    def known_clocks(self) -> list:
        if self.clocks is None:
            self.clocks = list(self.complaint.clocks.all())
        return self.clocks

    def forget_clocks(self) -> None:
        """Clocks were changed behind reach_stage's back: read them again when needed."""
        self.clocks = None

    def flush(self) -> None:
        """Write the step's events and notifications, one INSERT per table. Events are
        chained in memory as they are recorded (ledger.append), so writing them together
        changes no hash; a failure anywhere in the step still rolls all of it back."""
        rows.insert(*self.events)
        rows.insert(*self.outbox)
        rows.insert(*self.tallies)
        rows.insert(*self.period_tallies)
        self.events, self.outbox, self.tallies, self.period_tallies = [], [], [], []

    def watch(self, complaint: Complaint) -> None:
        """Another complaint this step changes the statistics of (a re-complaint's new
        case gains its link): its period tallies move with this step's."""
        self.watched.update(period_tally.facts([complaint.pk], self.work_calendar()))
        self.watched.setdefault(complaint.pk, None)

    def work_calendar(self):
        from redress.complaints.services.timing import step_calendar  # timing imports this module

        return step_calendar(self)

    def count_statistics(self) -> None:
        """Add the period tallies' change for the watched complaints, once their rows are
        written: their facts now less their facts when the step began."""
        if self.watched.get(self.complaint.pk, 0) is None and self.complaint.kind != Complaint.Kind.COMPLAINT:
            del self.watched[self.complaint.pk]  # an inquiry before and after: nothing to count
        if not self.watched:
            return
        cal = self.work_calendar()
        before = {pk: f for pk, f in self.watched.items() if f is not None}
        rows.insert(*period_tally.changes(before, period_tally.facts(list(self.watched), cal)))

    def count(self, before: tally.Mark | None) -> None:
        """Add the dashboard figures' changes for what the step did to the complaint
        (`before`: what it counted under when the step began; None: it is new)."""
        tz = ZoneInfo(self.pack.calendar.timezone)
        sums = rows.held_tallies()
        if sums is not None:  # bulk import: added up by key for the batch or file, no row object each
            sums.add_day(tally.sums_of_changes(self.complaint, before, self.stopped, tz, breached_now=self.breached))
        else:
            self.tallies += tally.changes(self.complaint, before, self.stopped, tz, breached_now=self.breached)
        self.stopped, self.breached = [], []


def check_recusal(actor: Staff, complaint: Complaint, action: Action | None = None) -> None:
    """NotPermitted if 001 第十四条 keeps `actor` out of `complaint` for `action` (None:
    opening the case to read it). The pages and the API ask it before they draw a case
    or an action's form; acting_on asks it again inside the transaction."""
    exempt = RECUSAL_EXEMPT.get(action) if action is not None else None
    if exempt is None or not exempt(complaint, actor):
        ensure_not_recused(actor, complaint)


def sync_due_at(complaint: Complaint, clocks: list | None = None) -> None:
    """Copy the soonest running clock's due time onto the row (not saved here): the
    worklists sort and filter on it. Every action ends here, whichever clocks it moved.
    `clocks`: the complaint's clocks as the step holds them (no query)."""
    if clocks is None:
        complaint.due_at = complaint.clocks.filter(status="running").aggregate(m=Min("due_at"))["m"]
    else:
        complaint.due_at = min((c.due_at for c in clocks if c.status == "running"), default=None)


def lock(complaint_id: int) -> Complaint:
    try:
        return Complaint.objects.select_for_update().get(pk=complaint_id)
    except Complaint.DoesNotExist:
        raise NotFound(_("complaint %(complaint_id)s does not exist") % {"complaint_id": complaint_id}) from None


def check_allowed(complaint: Complaint, action: Action) -> None:
    sources, _target = TRANSITIONS[action]
    if State(complaint.state) not in sources:
        raise InvalidTransition(action=action.value, state=complaint.state,
                                allowed=[a.value for a in allowed_actions(complaint.state)])


@contextmanager
def acting_on(complaint: Complaint | int, action: Action, *, actor: Staff | None, via: str,
              expected_version: int | None = None, changes_case: bool = True,
              within: Step | None = None) -> Iterator[Step]:
    """`changes_case=False` is for actions that are recorded but change nothing a form
    could be stale against (viewing personal data): the version is left alone.
    `within`: the step of the service that called this one on its own, not yet written
    complaint (intake registering what it has just taken down). This step works on that
    instance in that transaction, shares its calendar, clocks, events and notifications,
    and leaves the writing to it."""
    if via not in CHANNELS:
        raise ValueError(f"via={via!r}: expected one of {sorted(CHANNELS)}")
    if actor is not None and not actor.is_active:
        raise NotPermitted(_("%(username)s is deactivated") % {"username": actor.username})
    complaint_id = complaint if isinstance(complaint, int) else complaint.pk
    with transaction.atomic() if within is None else nullcontext():
        row = within.complaint if within is not None else lock(complaint_id)
        stale = None
        if expected_version is not None and row.version != expected_version:
            # Refused after the role check (Step.confirm): the service's require_role comes
            # first, and whatever else the service does is rolled back by the refusal.
            stale = StaleComplaint(expected=expected_version, actual=row.version)
        if actor is not None and within is None:
            # Inside another step (intake registering what it took down) the outer step checked.
            check_recusal(actor, row, action)
        if stale is None:
            check_allowed(row, action)  # a stale form is told it is stale, whatever the state now
        step = Step(complaint=row, action=action, actor=actor, via=via, now=current_time(),
                    pack=active_pack(), before=State(row.state))
        if within is not None:
            step.now, step.pack, step.calendar, step.clocks = within.now, within.pack, within.calendar, within.clocks
            step.events, step.outbox, step.stopped = within.events, within.outbox, within.stopped
            step.breached = within.breached
        step.stale = stale
        counted = tally.mark(row)
        held_by = (row.responsible_unit_id, row.handler_id)
        if within is None and changes_case:  # a recorded look changes no figure
            # An inquiry counts nowhere in the statistics (no query for it); one that
            # becomes a complaint in this step is counted from nothing.
            if row.kind == Complaint.Kind.COMPLAINT:
                step.watched.update(period_tally.facts([row.pk], step.work_calendar()))
            step.watched.setdefault(row.pk, None)
        yield step
        step.confirm()
        if step.target is not None:
            row.state = step.target.value
        if changes_case:
            row.version += 1
            row.updated_at = step.now
            sync_due_at(row, step.clocks)  # a recorded look (changes_case=False) moves no clock
        if within is not None:
            within.clocks = step.clocks  # the outer step counts what both did
            return
        if (row.responsible_unit_id, row.handler_id) != held_by:
            # Work orders are written only by steps that move these columns (dispatch,
            # accept, return); a step that moves them can leave an order elsewhere.
            row.orders_elsewhere = has_orders_elsewhere(row)
        step.count(counted)
        step.flush()
        row.save()
        step.count_statistics()
    if isinstance(complaint, Complaint):
        # Hand the caller the fresh row so it can keep working with the same object.
        complaint.refresh_from_db()


def require_role(step: Step, roles, what: str) -> str:
    """The actor must hold one of `roles`; returns the role acted in (for the ledger)."""
    actor = step.actor
    if actor is None:
        raise NotPermitted(_("%(what)s needs a member of staff") % {"what": what})
    wanted = [str(r) for r in roles]
    for role in wanted:
        if actor.has_role(role):
            step.role = role
            step.confirm()
            return role
    held = ", ".join(sorted(actor.role_set())) or _("no role")
    refusal = NotPermitted(_("%(what)s needs one of the roles %(wanted)s; %(username)s has %(held)s")
                           % {"what": what, "wanted": ", ".join(wanted), "username": actor.username, "held": held})
    # The parts, so a screen can say it again with the roles' names (web/complaint/actions/refusals.py).
    refusal.roles_wanted, refusal.roles_held = wanted, sorted(actor.role_set())
    refusal.what, refusal.who = what, actor
    raise refusal
