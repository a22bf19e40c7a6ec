"""The worklists a member of staff lives in (mine, my unit's, unassigned, due today,
due soon, overdue, late remedies, awaiting my approval, awaiting callback, eligible for deemed
closure, all open, and all cases in every state), with filters, search and
sorting. Read-only; every list starts from `visible_complaints(staff)`.

Built for a million complaints on PostgreSQL: each view is a condition on indexed
columns of the complaint row (state, owner, handler, responsible unit and the
denormalised `due_at`, the soonest running clock), lists are sorted on an index, pages
follow a cursor through that index (selectors.keyset) instead of an OFFSET, and counts
stop at a cap instead of counting everything (a lower one for free-text search).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayContains
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, TextField

from redress.complaints.lifecycle import OPEN, Action, State
from redress.complaints.models import (
    ClockPause,
    Complaint,
    ComplaintClock,
    Customer,
    Staff,
)
from redress.complaints.selectors import (
    closure,
    decisions,
    flags,
    keyset,
    needs_me,
    pausing,
    remedies,
)
from redress.complaints.selectors.customers import customers_with_phone, phone_keys
from redress.complaints.selectors.id_sets import among, known_size, read_ids
from redress.complaints.selectors.keyset import Cursor, Order, seek
from redress.complaints.selectors.keyset import ordered as keyset_ordered
from redress.complaints.selectors.personal import may_reveal
from redress.complaints.selectors.scope import sees_all_of, visible_complaints
from redress.policy.schema import Duration, Pack, Unit
from redress.sla.calendar import WorkCalendar

MINE, UNIT, UNASSIGNED, DUE_TODAY, DUE_SOON, OVERDUE, APPROVALS, CALLBACK, DEEMABLE, OPEN_VIEW, ALL = (
    "mine", "unit", "unassigned", "due_today", "due_soon", "overdue", "approvals", "callback", "deemable", "open",
    "all")
# Needs my action; the office's cases to register, assess and dispatch; the cases I opened
# that wait on others (selectors/needs_me.py).
NEEDS_ME, TRIAGE, OPENED = "needs_me", "triage", "opened"
# Cases with a remedy past its due date, neither done nor waived, in any state (002 执行跟踪).
LATE_REMEDIES = "late_remedies"
VIEWS = (NEEDS_ME, TRIAGE, MINE, OPENED, UNIT, UNASSIGNED, DUE_TODAY, DUE_SOON, OVERDUE, LATE_REMEDIES, APPROVALS,
         CALLBACK, DEEMABLE, OPEN_VIEW, ALL)
# Views of open cases that a state filter widens to that state: "mine" in state closed
# is my closed cases. (A closed state on "all open" is the "all" view: see view_for.)
STATE_VIEWS = frozenset({MINE, UNIT, OPEN_VIEW})

SORTS = {
    # Soonest due first; cases with no running clock (paused, not yet started) last.
    "due": Order("due_at", nullable=True),
    "-due": Order("due_at", descending=True, nullable=True),
    "received": Order("received_at"),
    "-received": Order("received_at", descending=True),
    "reference": Order("reference"),
    "-reference": Order("reference", descending=True),
    # Eligible for deemed closure: the follow-up start orders the cases as the date they
    # became eligible does (selectors.closure); empty outside follow-up.
    "eligible": Order("follow_up_since", nullable=True),
    "-eligible": Order("follow_up_since", descending=True, nullable=True),
}
DEFAULT_SORT = "due"
VIEW_SORTS = {DEEMABLE: "eligible", ALL: "-received"}  # where a view's own order is not the due time
DUE_SOON_DAYS = 3  # "due soon": within this many working days
COUNT_CAP = 1000  # counts beyond this read "1,000+"
# A free-text search counts only this far ("100+"): a two-character word cannot use the
# trigram indexes, so every match counted is a row read, and a hundred says "refine it".
SEARCH_COUNT_CAP = 100
CUSTOMER_MATCHES = 200  # at most this many customers matched by a search
MIN_TRIGRAM = 3  # pg_trgm indexes help from three characters on
REFERENCE_SHAPE = re.compile(r"^[A-Za-z]{2,6}-\d{4}-\d{1,8}$")
# A piece of one, four characters or more with a digit: 000011, 2026-000011, TS-2026-00.
REFERENCE_PIECE = re.compile(r"^(?=.*\d)[A-Z0-9-]{4,30}$")

OPEN_STATES = sorted(s.value for s in OPEN)
# Roles that see every open complaint and whose day starts from the late ones.
OVERSIGHT_ROLES = frozenset({"complaints_office", "compliance", "audit", "cro", "senior_management",
                             "auditor", "admin"})
OWNING_ROLES = frozenset({"intake", "handler", "dept_head", "complaints_office"})
READ_ONLY_ROLES = frozenset({"auditor", "audit"})  # they inspect (SPEC §1); nothing waits on them


@dataclass(frozen=True)
class Filters:
    """Already validated values (the web form does that); empty means "any"."""

    state: str = ""
    category: str = ""
    channel: str = ""
    branch: int | None = None
    severity: str = ""
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""
    paused: str = ""  # "now": a clock paused now; "too_long": paused past the pack's pausing.max_total
    critical: str = ""  # flags.YES, flags.NO or "" (any)
    economic_dispute: str = ""

    def besides_search(self) -> bool:
        """Another criterion than the search text is set (a surname needs one)."""
        return replace(self, q="") != Filters()


@dataclass(frozen=True)
class Moment:
    """The time the lists are cut at, with the calendar that says what "today" and
    "N working days" mean."""

    now: datetime
    cal: WorkCalendar
    # What the lists cut at this moment have read already (_needs): a request makes its
    # own Moment, so the lists of one page see the same sets and read them once.
    read: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def end_of_today(self) -> datetime:
        local = self.now.astimezone(self.cal.tz).date() + timedelta(days=1)
        return datetime.combine(local, time.min, tzinfo=self.cal.tz)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.cal.tz).date()

    @property
    def soon(self) -> datetime:
        return self.cal.due(self.now, Duration(amount=DUE_SOON_DAYS, unit=Unit.WORKING_DAYS))


# ---- which views a person has --------------------------------------------------------


def views_for(staff: Staff, pack: Pack) -> list[str]:
    """The tabs this person's roles make sense of, in display order."""
    roles = staff.role_set()
    wide = staff.is_superuser or bool(roles & OVERSIGHT_ROLES)
    shown = []
    if works_cases(staff):
        shown.append(NEEDS_ME)
    if needs_me.may(staff, Action.DISPATCH):
        shown.append(TRIAGE)
    if roles & OWNING_ROLES:
        shown += [MINE, OPENED]
    if staff.unit_id and roles & {"handler", "dept_head"}:
        shown.append(UNIT)
    if wide or (staff.unit_id and roles & {"handler", "dept_head"}):
        shown.append(UNASSIGNED)  # for a unit: the work orders sent to it, not yet accepted
    if roles & (OWNING_ROLES | OVERSIGHT_ROLES) or staff.is_superuser:
        shown += [DUE_TODAY, DUE_SOON, OVERDUE]
    if wide or "complaints_office" in roles:
        shown.append(LATE_REMEDIES)
    if approver_roles(staff, pack):
        shown.append(APPROVALS)
    if "callback" in roles:
        shown.append(CALLBACK)
    if may_deem_closed(staff, pack):
        shown.append(DEEMABLE)
    shown += [OPEN_VIEW, ALL]
    return shown


def view_for(view: str, filters: Filters) -> str:
    """The view a page shows for these filters. A search looks through every case the
    person may see, closed ones included, whichever tab it was typed in: a customer
    calling back about an old case, a re-complaint or a review starts from a name, a
    number or a few words, not from knowing the case's state. A state the view's open
    cases cannot be in ("all open" in state closed) is looked for in all cases."""
    if filters.q.strip():
        return ALL
    if view == OPEN_VIEW and filters.state and filters.state not in OPEN_STATES:
        return ALL
    return view


def may_deem_closed(staff: Staff, pack: Pack) -> bool:
    """The complaints office decides deemed closure (services.outcome.deem_closed),
    where the policy has it (001 第二十二条)."""
    return pack.deemed_closure is not None and "complaints_office" in staff.role_set()


def default_sort(view: str) -> str:
    return VIEW_SORTS.get(view, DEFAULT_SORT)


def works_cases(staff: Staff) -> bool:
    """Whether anything could ever need this person's action: a role that takes a step
    or decides, and not marketing staff (001 第十四条). Auditors only read."""
    return not staff.is_marketing and bool(staff.role_set() - READ_ONLY_ROLES)


def default_view(staff: Staff, pack: Pack) -> str:
    """Everyone who works cases starts from what needs them; readers from all open."""
    return NEEDS_ME if works_cases(staff) else OPEN_VIEW


def approver_roles(staff: Staff, pack: Pack) -> set[str]:
    """The person's roles that approve proposals (authority matrix) or extensions."""
    approving = {str(r) for rule in pack.authority_matrix for r in rule.approver_roles}
    approving |= {str(r) for r in pack.economic_dispute.decider_roles}
    if pack.extension:
        approving |= set(pack.extension.all_deciders())
    if pack.pausing:
        approving |= {str(r) for r in pack.pausing.approver_roles}
    return set(staff.role_set()) & approving


# ---- the views -----------------------------------------------------------------------


def in_view(staff: Staff, view: str, at: Moment, pack: Pack, *, every_state: bool = False,
            state: str = "") -> QuerySet:
    """The complaints of one view that `staff` may see (unordered, unfiltered).
    `every_state`: the views of open cases (STATE_VIEWS) hold cases in any state (a
    state filter then says which). `state`: the caller filters the list on that state
    (apply_filters), so the scope's rule by state is settled for it (scope.visible_condition)."""
    if view not in VIEWS:
        raise ValueError(f"unknown worklist view {view!r}; expected one of {', '.join(VIEWS)}")
    qs = visible_complaints(staff, state=state)
    if view == NEEDS_ME:
        condition = _needs(staff, pack, at)
        return qs.none() if condition is None else qs.filter(condition)
    if view == TRIAGE:
        return qs.filter(state__in=needs_me.waiting_states(*needs_me.TRIAGE_STEPS))
    if view == OPENED:
        qs = qs.filter(needs_me.opened_by_me_condition(staff))
        condition = _needs(staff, pack, at, read=False)
        return qs if condition is None else qs.exclude(condition)
    if view == APPROVALS:
        return qs.filter(_decisions(staff, pack, at))
    if view == CALLBACK:
        # 001 第二十三条: never the cases this agent handled (or owned, or took in).
        return qs.filter(state=State.AWAITING_CALLBACK).exclude(
            Q(handler=staff) | Q(owner=staff) | Q(first_responder=staff))
    if view == DEEMABLE:
        return closure.deemable(pack, at.cal, at.now, qs) if may_deem_closed(staff, pack) else qs.none()
    if view == ALL:
        return qs
    if view == LATE_REMEDIES:
        return qs.filter(remedies.late_condition(at.today))
    if not (every_state and view in STATE_VIEWS):
        qs = qs.filter(state__in=OPEN_STATES)
    if view == MINE:
        return qs.filter(Q(owner=staff) | Q(handler=staff))
    if view == UNIT:
        return qs.filter(responsible_unit_id=staff.unit_id) if staff.unit_id else qs.none()
    if view == UNASSIGNED:
        # Dispatched to a unit whose work order nobody has accepted yet.
        return qs.filter(state=State.DISPATCHED, handler__isnull=True)
    if view == DUE_TODAY:
        return qs.filter(due_at__gte=at.now, due_at__lt=at.end_of_today)
    if view == DUE_SOON:
        return qs.filter(due_at__gte=at.now, due_at__lte=at.soon)  # due at close of the Nth day counts
    if view == OVERDUE:
        return qs.filter(overdue_condition(at.now))
    return qs  # OPEN_VIEW


def _read_once(at: Moment, key: tuple, read):
    """read(), once a moment: the lists and counts of one page are cut at the same moment."""
    if key not in at.read:
        at.read[key] = read()
    return at.read[key]


def _needs(staff: Staff, pack: Pack, at: Moment, *, read: bool = True) -> Q | None:
    """needs_me_condition, read once for the dashboard's "needs my action" and "opened by
    me, with others" (its complement) and their counts; `read=False` (the complement
    alone): the ids if this moment has read them, else the subquery."""
    key = ("needs_me", staff.pk, id(pack))
    if not read and key not in at.read:
        return needs_me.needs_me_condition(staff, pack, now=at.now, cal=at.cal, read=False)
    return _read_once(at, key, lambda: needs_me.needs_me_condition(
        staff, pack, now=at.now, cal=at.cal, decisions=_decisions(staff, pack, at)))


def _decisions(staff: Staff, pack: Pack, at: Moment) -> Q:
    """The decisions waiting for `staff` (the approvals list, a part of "needs my
    action"), read once a moment."""
    return _read_once(at, ("decisions", staff.pk, id(pack)), lambda: among(decisions.waiting_ids(staff, pack)))


def overdue_condition(now: datetime, breached: list[int] | None = None) -> Q:
    """A running clock past its due time, or one the sweep has marked breached (that
    can sit in the future after a pause was given back). The second set is tiny and read
    through a partial index, so it is passed as ids and the OR stays two index scans.
    `breached`: those ids, when the caller has read them (breached_ahead)."""
    breached = breached_ahead(now) if breached is None else breached
    late = Q(due_at__lt=now)
    return late | Q(pk__in=breached) if breached else late


def breached_ahead(now: datetime) -> list[int]:
    """Complaints with a running clock marked breached whose due time is still ahead."""
    return list(ComplaintClock.objects.filter(status=ComplaintClock.Status.RUNNING, breached=True, due_at__gte=now)
                .values_list("complaint_id", flat=True)[:COUNT_CAP])


# ---- filters, search, order ----------------------------------------------------------


def apply_filters(qs: QuerySet, filters: Filters, *, staff: Staff, tz, search: bool = True) -> QuerySet:
    """The filters, and the search unless `search` is False (a page sifts a short one)."""
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.branch:
        qs = qs.filter(branch_id=filters.branch)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.received_from:
        qs = qs.filter(received_at__gte=datetime.combine(filters.received_from, time.min, tzinfo=tz))
    if filters.received_to:  # inclusive: the whole of the last day
        end = datetime.combine(filters.received_to + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(received_at__lt=end)
    if filters.paused == "now":
        qs = qs.filter(Exists(ComplaintClock.objects.filter(complaint=OuterRef("pk"), status="paused")))
    elif filters.paused == "too_long":
        qs = qs.filter(pausing.flagged_condition())
    qs = flags.filtered(qs, critical=filters.critical, economic_dispute=filters.economic_dispute)
    if search and filters.q.strip():
        qs = qs.filter(search_condition(filters.q, staff=staff, narrowed=filters.besides_search()))
    return qs


def search_terms(text: str) -> list[str]:
    """The words of a search, each a criterion of its own ("欧 开户": a surname and a
    word of the complaint). A phone number written with spaces is one term."""
    q = text.strip()
    return [q] if phone_keys(q) else q.split()


def short_search(filters: Filters) -> bool:
    """A search with nothing the text indexes can serve (every term too short): it is
    sifted from the list in order (keyset.seek) and not counted."""
    terms = search_terms(filters.q)
    return bool(terms) and all(0 < len(t) < MIN_TRIGRAM and not uses_bigrams(t) for t in terms)


def uses_bigrams(q: str) -> bool:
    """Two characters, one of them beyond ASCII (a Chinese word), on PostgreSQL: the
    bigram index of subject and cause serves them (migration 0011), so the search is
    filtered, ordered and counted like a long one."""
    return len(q) == 2 and not q.isascii() and connection.vendor == "postgresql"


def _has_bigram(q: str) -> Q:
    """Rows whose subject or cause holds the two characters, in any case, as the index
    expression reads them; the LIKE beside it then checks which field."""
    pieces = Func(F("subject"), F("cause"), function="redress_bigrams", output_field=ArrayField(TextField()))
    return Q(ArrayContains(pieces, [q.upper()]))


def search_condition(text: str, *, staff: Staff, narrowed: bool = False, sifted: bool = False) -> Q:
    """Every term of the search must match (search_terms); `narrowed`: another filter
    is set, so a lone surname is a criterion (see _term); `sifted`: the condition sifts
    a list window by window (keyset.seek), see _surname."""
    terms = search_terms(text)
    cond = Q()
    for term in terms:
        cond &= _term(term, staff=staff, surname=narrowed or len(terms) > 1, sifted=sifted)
    return cond


def _surname(q: str, sifted: bool) -> Q:
    """The customer's name starts with `q`. Sifted, a probe of the customer's row: each
    query walks one window of the list whatever PostgreSQL guesses, and joined it spent
    10-20 ms planning the OR across two tables for each of a page's several windows.
    Otherwise joined: the plan is chosen from the guess, and a probe is guessed to match
    half the rows (a surname with a four-character word then walked 724,511 complaints
    for 35 matches, 2.3 s)."""
    if sifted:
        return Q(Exists(Customer.objects.filter(pk=OuterRef("customer_id"), name__startswith=q)))
    return Q(customer__name__startswith=q)


def _term(q: str, *, staff: Staff, surname: bool, sifted: bool = False) -> Q:
    """One term: the reference number or a piece of it, the complainant's name, whole
    phone or whole account number, and the words of the subject and cause. Substrings,
    Chinese included (委托 finds 我昨天的委托一直未成交).

    On PostgreSQL trigram indexes serve substrings of three characters or more (the
    reference's too), and a bigram index of subject and cause serves two (most Chinese
    words are two characters). A shorter query, or two characters on SQLite, still
    matches subject and cause, read in the list's index order and cut at the page.
    Under three characters a name matches only exactly, so a short query never scans
    every customer; one or two Chinese characters match a surname only beside another
    criterion (`surname`): alone, 王 would be one customer in ten."""
    # Without letters that have a case (Chinese, digits) a plain LIKE finds the same rows
    # as the upper-cased one and costs half; only the trigram indexes need UPPER().
    words = "contains" if len(q) < MIN_TRIGRAM and q.upper() == q.lower() else "icontains"
    by_key = Q(reference=q.upper())
    piece = reference_piece(q)
    if piece:
        by_key |= Q(reference__contains=piece)
    if may_reveal(staff):
        # Only people who may see contact details may find a case by them; otherwise a
        # search would confirm a masked name or number.
        customers = _matching_customers(q)
        if customers:
            by_key |= Q(customer_id__in=customers)
        if surname and is_surname(q):
            by_key |= _surname(q, sifted)
    cond = by_key | Q(**{f"subject__{words}": q}) | Q(**{f"cause__{words}": q})
    if uses_bigrams(q):
        # The same rows (the pair is in a text that holds the word), said so that the
        # bigram index can find them: PostgreSQL reads this half from the indexes and
        # checks only the LIKE half on the rows, never working out a row's pairs again.
        cond &= by_key | _has_bigram(q)
    return cond


def reference_piece(q: str) -> str:
    """The piece of a reference number a term may be ("000011", "2026-000011",
    "ts-2026-0000"), upper-cased as references are stored; "" when it cannot be one."""
    piece = unicodedata.normalize("NFKC", q).strip().upper()
    return piece if REFERENCE_PIECE.match(piece) else ""


def is_surname(q: str) -> bool:
    """One or two Chinese characters: 王, 欧阳."""
    return 0 < len(q) <= 2 and not q.isascii() and q.isalpha()


def surname_beside_words(filters: Filters) -> bool:
    """A surname with other words ("卢 理财产品"): few complaints hold both, so the page and
    its count read the same matches. One walk gives both (page_of's count_in_order): the
    first SEARCH_COUNT_CAP + 1 in order, the page the first of them; apart, PostgreSQL
    read and re-checked every complaint holding the word twice (4,072 for 理财产品 at a
    million complaints, 100 ms each). Not for words alone: a common word is found at
    once in order, and its count is cheaper unordered."""
    terms = search_terms(filters.q)
    return len(terms) > 1 and any(is_surname(t) for t in terms)


def surname_alone(filters: Filters) -> str:
    """The surname searched for with nothing beside it, which therefore matched no name
    (the page asks for another criterion); "" otherwise."""
    terms = search_terms(filters.q)
    if len(terms) == 1 and len(terms[0]) == 1 and is_surname(terms[0]) and not filters.besides_search():
        return terms[0]
    return ""


def _matching_customers(q: str) -> list[int]:
    """Customers by name (a substring from three characters, else exactly), by their
    whole account number or their whole phone number (customers.phone_keys): never by a
    piece of a number, which would let digits typed one at a time spell it out."""
    match = Q(name__icontains=q) if len(q) >= MIN_TRIGRAM else Q(name=q)
    if any(ch.isdigit() for ch in q):
        match |= Q(account_number=q.replace(" ", ""))
    found = list(Customer.objects.filter(match).values_list("pk", flat=True)[:CUSTOMER_MATCHES])
    return found + customers_with_phone(q, CUSTOMER_MATCHES)


def looks_like_reference(text: str) -> bool:
    return bool(REFERENCE_SHAPE.match(text.strip()))


def find_reference(staff: Staff, text: str) -> Complaint | None:
    """The complaint a reference-number-shaped query names, if `staff` may see it."""
    if not looks_like_reference(text):
        return None
    return visible_complaints(staff).filter(reference=text.strip().upper()).first()


def ordered(qs: QuerySet, sort: str) -> QuerySet:
    """The queryset in one of SORTS (empty due times last, as pages read them)."""
    order = sort_order(sort)
    sign = "-" if order.descending else ""
    if order.nullable:  # both databases put NULL first ascending unless told otherwise
        column = F(order.field).desc(nulls_last=True) if order.descending else F(order.field).asc(nulls_last=True)
        return qs.order_by(column, f"{sign}id")
    return qs.order_by(f"{sign}{order.field}", f"{sign}id")


def sort_order(sort: str) -> Order:
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; expected one of {', '.join(SORTS)}")
    return SORTS[sort]


def parse_cursor(token: str, sort: str) -> Cursor:
    """The position a page link carried (ValueError when it is not one of this sort)."""
    return Cursor.parse(token, sort_order(sort), Complaint)


# ---- the page ------------------------------------------------------------------------


def open_clocks() -> Prefetch:
    """The running and paused clocks of each row, soonest first, in one query."""
    return Prefetch(
        "clocks",
        queryset=ComplaintClock.objects.filter(status__in=("running", "paused")).order_by("status", "due_at"),
        to_attr="open_clocks",
    )


def main_clock(complaint: Complaint) -> ComplaintClock | None:
    """The clock a row shows: the running clock due soonest, else a paused one."""
    clocks = getattr(complaint, "open_clocks", None)
    if clocks is None:
        clocks = list(complaint.clocks.filter(status__in=("running", "paused")).order_by("status", "due_at"))
    running = [c for c in clocks if c.status == "running"]
    return min(running, key=lambda c: c.due_at) if running else (clocks[0] if clocks else None)


def worklist(staff: Staff, view: str, *, at: Moment, pack: Pack, filters: Filters = Filters(),
             sort: str = DEFAULT_SORT, search: bool = True) -> QuerySet:
    """One view, filtered and sorted (a page reads its rows through `rows_by_id`)."""
    qs = apply_filters(in_view(staff, view, at, pack, every_state=bool(filters.state), state=filters.state),
                       filters, staff=staff,
                       tz=at.cal.tz, search=search)
    return ordered(qs, sort)


def rows_by_id(ids: list[int]) -> QuerySet:
    """The complaints a page shows, with what each row shows fetched alongside: once
    the page's ids are known, not joined to the whole list (keyset._read)."""
    return (Complaint.objects.filter(pk__in=ids)
            .select_related("customer", "owner", "handler", "branch", "responsible_unit")
            .prefetch_related(open_clocks(), Prefetch("pauses", queryset=ClockPause.objects.order_by("id"),
                                                      to_attr="pause_rows")))


def worklist_page(staff: Staff, view: str, *, at: Moment, pack: Pack, filters: Filters = Filters(),
                  sort: str = DEFAULT_SORT, after: Cursor | None = None, before: Cursor | None = None,
                  number: int = 1, per_page: int = 25) -> Page:
    """One page of a view: counted up to COUNT_CAP, a text search up to
    SEARCH_COUNT_CAP, and a short text search sifted in order and not counted."""
    if short_search(filters):
        qs = worklist(staff, view, at=at, pack=pack, filters=filters, sort=sort, search=False)
        # Walked once a window where each row's scope test costs (probes of work orders);
        # for someone who sees the whole list, walking it twice is cheap and the second
        # walk stops at the page (keyset.seek).
        return page_of(qs, sort, after=after, before=before, number=number, per_page=per_page,
                       sift=search_condition(filters.q, staff=staff, narrowed=filters.besides_search(), sifted=True),
                       sift_once=not sees_all_of(staff, filters.state))
    qs = worklist(staff, view, at=at, pack=pack, filters=filters, sort=sort)
    in_order, cap, total = surname_beside_words(filters), count_cap(filters), None
    if filters.q.strip() and not in_order and sees_all_of(staff, filters.state):
        qs, total = matches_first(qs, cap)
    return page_of(qs, sort, after=after, before=before, number=number, per_page=per_page,
                   cap=cap, count_in_order=in_order, total=total)


# A text search reads up to this many of its matches, in no order, before its page.
FEW_MATCHES = 1000


def matches_first(qs: QuerySet, cap: int) -> tuple[QuerySet, int]:
    """A text search's matches when they are few (at most FEW_MATCHES, or the count's
    `cap` if higher): the list is then those ids alone, sorted by PostgreSQL from the
    primary key, and their number is its count. Otherwise `qs` as it was, and a count
    of more than the cap.

    PostgreSQL chooses between two plans from its guess of how many complaints hold the
    words: read the matches from the text index and sort them, or walk the list in its
    order and test each complaint's words until a page is full. The guess comes from a
    sample of 300 texts (migration 0042), so a phrase in 704 complaints of a million
    (「我没有失联」) is guessed at 3,449 when one sampled text holds it; the walk then
    tested 40,015 complaints, 131 ms, for what the index gives in 2 ms (its matches are
    older cases, the walk starts at the newest). Read once here, in no order, the
    matches come from the text index whatever the guess; when there are more, the walk
    finds a page of them soon. This read replaces the search's count, which read the
    same index for its first SEARCH_COUNT_CAP + 1 matches.

    Only for a list with no scope (sees_all_of): there the read is the text index's
    matches and nothing else. A branch handler's is those of the unit's cases, and to
    find 1,001 of them it read and set aside 4,520 of other units' (a word in 60,000
    complaints: 38 ms where the count had taken 12)."""
    few = max(FEW_MATCHES, cap)
    ids = read_ids(qs.order_by().values("pk")[:few + 1])
    if len(ids) > few:
        return qs, len(ids)
    return Complaint.objects.filter(among(ids)), len(ids)


@dataclass
class Page:
    rows: list
    number: int  # shown only ("page 7"): the links carry the position, not an offset
    per_page: int
    has_next: bool
    has_previous: bool
    total: int | None  # capped: cap + 1 means "more than cap"; None: not counted
    cap: int
    next_cursor: str = ""  # after the last row
    previous_cursor: str = ""  # before the first row

    @property
    def total_is_capped(self) -> bool:
        return self.total is None or self.total > self.cap

    @property
    def last(self) -> int | None:
        """The last page number, when the total is known exactly."""
        return None if self.total_is_capped else max(1, -(-self.total // self.per_page))

    @property
    def seen(self) -> int:
        """Rows up to the end of this page (what an uncounted list can say: "50+")."""
        return (self.number - 1) * self.per_page + len(self.rows)


def count_cap(filters: Filters) -> int:
    return SEARCH_COUNT_CAP if filters.q.strip() else COUNT_CAP


# A first page counted in order reads its count's ids themselves when the count stops
# at this many (page_of); a whole count (the register's ?count=all) is counted apart.
COUNT_READ_UP_TO = 1000


def capped_count(qs: QuerySet, cap: int | None = None, order: Order | None = None) -> int:
    """min(count, cap + 1): counting stops at the cap, so a list of a million costs as
    little as one of a thousand. With `order`, the rows counted are the first in that
    order, so PostgreSQL may walk the same index as the page (the register: a unit
    filter of twelve units otherwise sent it through the unit index, 355,000 rows of
    other units before a handler's first visible one)."""
    cap = COUNT_CAP if cap is None else cap
    known = known_size(qs)
    if known is not None:
        return min(known, cap + 1)
    counted = keyset_ordered(qs, order) if order is not None else qs.order_by()
    return counted.values("pk")[: cap + 1].count()


def page_of(qs: QuerySet, sort: str | Order, *, after: Cursor | None = None, before: Cursor | None = None,
            number: int = 1, per_page: int = 25, cap: int | None = None, sift: Q | None = None,
            fetch=None, count_in_order: bool = False, sift_once: bool = False,
            total: int | None = None) -> Page:
    """The first page, the page after `after` or the one before `before` (keyset.seek),
    one row long to know whether another follows. `number` is what the link said.
    Rows must also match `sift`, a condition no index serves: then nothing is counted.
    `sort` is one of SORTS or an Order of another list (the register's); `fetch` reads
    the page's rows by id (rows_by_id unless given); `count_in_order`: see capped_count;
    `sift_once`: see keyset.seek; `total`: the list's size (or a size above the cap),
    when the caller knows it already."""
    order = sort if isinstance(sort, Order) else sort_order(sort)
    fetch = rows_by_id if fetch is None else fetch
    cap = COUNT_CAP if cap is None else cap
    # The first page of a list counted in its own order (the register): the count walks
    # the page's index range from the same start, only further. One walk reads both, the
    # first cap + 1 ids, the page being the first of them (a filter that leaves few rows,
    # accountability for training, walked or sorted its matches twice).
    one_walk = (count_in_order and after is None and before is None and sift is None
                and per_page <= cap <= COUNT_READ_UP_TO)
    if before is not None:
        rows = seek(qs, order.reversed(), before, per_page + 1, sift, fetch, once=sift_once)[::-1]
        if len(rows) > per_page:  # a full page, and more before it
            rows, has_previous, has_next, number = rows[1:], True, True, max(2, number)
        else:  # back at the start (rows came or went meanwhile): show the first page
            before, number = None, 1
    if before is None:
        if one_walk:
            walked = keyset.ids(qs, order, None, cap + 1)
            rows = keyset.rows_in_order(walked[:per_page + 1], fetch)
        else:
            rows = seek(qs, order, after, per_page + 1, sift, fetch, once=sift_once)
        has_next, has_previous = len(rows) > per_page, after is not None
        rows = rows[:per_page]
        number = max(2, number) if after is not None else 1
    if total is not None:
        total = min(total, cap + 1)
    elif sift is not None:
        total = None
    elif one_walk:
        total = len(walked)
    elif before is None and after is None and not has_next:
        # The page read the list from its start to its end: these are all its rows.
        # Counting them again walks the list a second time, and a list that a filter
        # makes short for this person (a handler's cases with no unit yet: none, after
        # 113,000 rows walked at a million complaints) costs its whole walk twice.
        total = min(len(rows), cap + 1)
    else:
        total = capped_count(qs, cap, order if count_in_order else None)
    return Page(rows=rows, number=number, per_page=per_page, has_next=has_next, has_previous=has_previous,
                total=total, cap=cap,
                next_cursor=Cursor.of(rows[-1], order).token() if has_next and rows else "",
                previous_cursor=Cursor.of(rows[0], order).token() if has_previous and rows else "")


def view_counts(staff: Staff, views: list[str], *, at: Moment, pack: Pack) -> dict[str, int]:
    """Capped counts for the tabs (unfiltered: the tab says how much work is there)."""
    return {view: capped_count(in_view(staff, view, at, pack)) for view in views}

