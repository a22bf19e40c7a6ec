"""Which complaints a member of staff may see (STYLE: reads go through selectors that
scope by the user's units and roles).

Every page, API call and report that lists or opens complaints starts from
`visible_complaints`, and `get_visible` gives the same NotFound for "missing" and
"not yours", so a guessed reference number tells nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _

from redress.complaints.errors import NotFound
from redress.complaints.lifecycle import State
from redress.complaints.models import Assignment, Complaint, OwnershipTransfer, Staff

# Roles that oversee the whole institution's complaints (SPEC §1): the complaints office
# supervises every deadline, compliance, audit, the CRO and senior management receive
# reports, an auditor inspects the ledger.
WIDE_ROLES = frozenset({"complaints_office", "compliance", "audit", "cro", "senior_management", "auditor", "admin"})

# The callback desk works on closed-and-told cases, whoever handled them.
CALLBACK_STATES = frozenset({State.AWAITING_CALLBACK, State.FOLLOW_UP, State.CLOSED, State.DEEMED_CLOSED})

# A person's pending hand-overs are a handful: read first as ids, they join the column
# tests as one more indexed arm of the OR (PostgreSQL can then answer the whole scope
# from indexes). As an EXISTS probe they were checked on every row of a list no index
# narrowed: the callback desk's archived cases, which it sees none of, meant 450,000
# rows probed per page and per count at a million complaints (1.25 s). Beyond this
# many, the probe again (no list that long in a query).
TRANSFERS_LISTED_UP_TO = 1000


def sees_everything(staff: Staff) -> bool:
    return staff.is_superuser or bool(staff.role_set() & WIDE_ROLES)


def sees_all_of(staff: Staff, state: str = "") -> bool:
    """`staff` sees every complaint of a list of that one state ("": of any state), so
    the list carries no scope condition (visible_condition is None)."""
    if sees_everything(staff):
        return True
    return bool(state) and "callback" in staff.role_set() and state in {s.value for s in CALLBACK_STATES}


# ---- What a unit sees ---------------------------------------------------------------
# A unit's handlers and head see complaints through their unit by the links below, said
# once: the lists' condition (visible_condition), the statistics' (unit_view_condition)
# and the units a complaint's period tallies are kept for (`units_seeing`, for
# period_tally.Facts.seen_by) are all made from UNIT_LINKS, so the three cannot say
# different things (tests/complaints/selectors/test_scope.py holds them to the same
# cases).
# A unit's sub-units are not the unit: a head sees a sub-unit's case by one of these
# links only (a case concerning their branch); "a unit with its sub-units" is a filter
# on the unit responsible within what one sees (reports.register.sub_units).


@dataclass(frozen=True)
class UnitLink:
    """One way a complaint is a unit's: the complaint's `column` names the unit, or (no
    column) a work order went to it, whatever became of the order (returned to the
    office, accepted, finished: the unit worked on the case). `roles`: whose unit rules
    it is in."""

    what: str
    roles: frozenset[str]
    column: str = ""


UNIT_LINKS = (
    UnitLink("the unit responsible", frozenset({"handler", "dept_head"}), "responsible_unit_id"),
    UnitLink("the branch the complaint concerns", frozenset({"dept_head"}), "branch_id"),
    UnitLink("a unit a work order was sent to", frozenset({"handler", "dept_head"})),
)


def unit_links(roles: Iterable[str]) -> tuple[UnitLink, ...]:
    """The links by which someone with `roles` sees through their unit, in UNIT_LINKS'
    order (which is the order of the conditions in the SQL)."""
    return tuple(link for link in UNIT_LINKS if link.roles & set(roles))


# A department head's links: all of them. Their unit's view is what statistics and the
# period tallies keep per unit (unit_viewer).
HEAD_LINKS = unit_links({"dept_head"})
# The complaint's columns that name a unit seeing it (period_tally reads them).
UNIT_COLUMNS = tuple(link.column for link in HEAD_LINKS if link.column)


def work_orders() -> QuerySet:
    """The work orders by which their unit sees a complaint: every one (UnitLink)."""
    return Assignment.objects.all()


def units_seeing(columns: Mapping[str, int | None], ordered_to: Iterable[int] = ()) -> frozenset[int]:
    """The units whose head sees a complaint, from its UNIT_COLUMNS' values and the units
    its work orders went to (`ordered_to`): unit_view_condition, in memory."""
    seen: set[int | None] = set()
    for link in HEAD_LINKS:
        if link.column:
            seen.add(columns[link.column])
        else:
            seen.update(ordered_to)
    return frozenset(seen - {None})


def has_orders_elsewhere(complaint: Complaint) -> bool:
    """Complaint.orders_elsewhere for the row as it is in memory (a step's columns, not
    yet saved): a work order of it went to a unit other than its responsible unit, or
    names a person other than its handler."""
    return any(unit_id != complaint.responsible_unit_id or (handler_id is not None and handler_id != complaint.handler_id)
               for unit_id, handler_id in Assignment.objects.filter(complaint_id=complaint.pk)
               .values_list("unit_id", "handler_id"))


# A list confined to cases that work orders seldom reach (visible_condition's `within`)
# reads the work orders' complaints within it first as ids, up to this many; beyond,
# the probe again.
ORDERS_LISTED_UP_TO = 1000


def visible_condition(staff: Staff, via: str = "", *, many: bool = False, state: str = "",
                      within: Q | None = None) -> Q | None:
    """Who sees which complaint, as a condition on the complaint row itself (None:
    everything): everyone what they own, took in or are asked to take over; intake desks
    what their unit took in; handlers and department heads their unit's cases and work
    orders; department heads their branch's; handlers their own; callback agents the
    cases at or past callback. Lists put it next to their own conditions, which PostgreSQL
    answers from an index (a unit's open cases, my open cases); this is then only
    re-checked on those rows: the column tests first, the work-order and transfer
    rules as EXISTS probes last (answered from the work orders' covering indexes). An
    id list of the whole scope instead (a UNION of every case the unit ever had,
    160,000 ids for a branch at a million complaints) costs seconds per page.

    `via` is the path from another model to its complaint ("complaint__" for clocks),
    so that rows of that model can be scoped through a join to their complaint.

    The work-order rules probe the covering index row by row: a page or a capped count
    checks a few thousand rows at most, while PostgreSQL, left to choose, hashes all
    160,000 work orders of a big branch first (30–100 ms) because it cannot see the
    LIMIT. `many=True` (a month of charts, tens of thousands of rows) lets it hash.

    `state`: the list is of that one state (the caller filters on it), so the rule by
    state is settled here: a callback agent sees every case in a callback state, and by
    that rule none in another (then only what they own, took in or are handed over).

    `within`: a condition on the complaint that the list itself puts beside this one (a
    register filter of cases work orders seldom reach: inquiries, no unit yet). The
    work-order rules then name the complaints within it that the person's work orders
    went to, read first as ids (both sets in complaint order, from partial indexes: a
    merge of the unit's 160,000 work orders with the 113,000 cases without a unit, 20
    ms), instead of probing each row: a handler sees few such cases, so the walk down
    the list goes to its end, two probes a row (0.25 s at a million complaints)."""
    if sees_all_of(staff, state):
        return None
    roles = staff.role_set()

    def col(**lookup) -> Q:
        return Q(**{f"{via}{name}": value for name, value in lookup.items()})

    links = unit_links(roles) if staff.unit_id else ()
    q = col(owner=staff) | col(first_responder=staff)
    if staff.unit_id and "intake" in roles:
        q |= col(intake_unit_id=staff.unit_id)
    for link in links:
        if link.column:
            q |= col(**{link.column: staff.unit_id})
    if "handler" in roles:
        q |= col(handler=staff)
    if "callback" in roles and not state:
        q |= col(state__in=[s.value for s in CALLBACK_STATES])
    complaint = OuterRef(f"{via}pk")
    transfers = OwnershipTransfer.objects.filter(to_staff=staff, status=OwnershipTransfer.Status.PENDING)
    handed = list(transfers.values_list("complaint_id", flat=True)[:TRANSFERS_LISTED_UP_TO + 1])
    if len(handed) > TRANSFERS_LISTED_UP_TO:
        q |= Q(Exists(transfers.filter(complaint=complaint)))
    elif handed:
        q |= col(pk__in=sorted(set(handed)))
    orders = work_orders().filter(complaint=complaint)
    if not many:
        # Always true beside the equality, but not an equality: PostgreSQL then cannot
        # turn the EXISTS into a hashed IN and probes the index for each row.
        orders = orders.filter(complaint_id__gte=complaint)

    def ordered(**to) -> Q:
        if within is not None and not via:
            mine = work_orders().filter(complaint__in=Complaint.objects.filter(within).values("pk"), **to)
            ids = set(mine.values_list("complaint_id", flat=True)[:ORDERS_LISTED_UP_TO + 1])
            if len(ids) <= ORDERS_LISTED_UP_TO:
                return col(pk__in=sorted(ids)) if ids else Q()
        # Whoever sees by a work order to their unit also sees by the unit responsible
        # (UNIT_LINKS), and a handler by one naming them also by the handler column: a
        # work order to the unit responsible or naming the handler adds nothing, so the
        # work orders are probed only on rows where one went elsewhere. The flag is
        # tested inside the EXISTS (a one-time filter on the outer row, before any
        # probe), not beside it: beside it, it lowered PostgreSQL's guess of the scope's
        # share of rows, and a department head's "needs my action" was then read id by
        # id and sorted (12 ms) instead of walked in due order until the page (0.4 ms).
        return Q(Exists(orders.filter(**to).filter(Exact(OuterRef(f"{via}orders_elsewhere"), True))))

    if any(not link.column for link in links):
        q |= ordered(unit_id=staff.unit_id)
    if "handler" in roles:
        q |= ordered(handler=staff)
    return q


# Roles that see complaints by rules of their own, beside a department head's unit rules.
OTHER_RULES = frozenset({"intake", "callback"})


def unit_viewer(staff: Staff) -> int | None:
    """The unit whose view `staff` has, when what they see (visible_condition) is that
    unit's view (`unit_view_condition`) and complaints of their own (`own_complaints`):
    a department head (a handler too, or not) without a role that sees by other rules.
    None otherwise (everyone else's scope is not kept per unit: the statistics count the
    rows for them)."""
    roles = staff.role_set()
    if sees_everything(staff) or not staff.unit_id or "dept_head" not in roles or roles & OTHER_RULES:
        return None
    return staff.unit_id


def unit_view_condition(unit_id: int) -> Q:
    """What a department head of the unit sees by its unit (HEAD_LINKS: the unit
    responsible, the branch concerned, a work order to the unit, whatever became of it).
    The work orders as one id list to hash, not probed row by row as in
    visible_condition: the statistics take the rows of whole periods. The period tallies
    keep a row set per unit by the same links (units_seeing)."""
    q = Q()
    for link in HEAD_LINKS:
        if link.column:
            q |= Q(**{link.column: unit_id})
        else:
            q |= Q(pk__in=work_orders().filter(unit_id=unit_id).values("complaint_id"))
    return q


def own_complaints(staff: Staff) -> QuerySet:
    """The ids of the complaints `staff` sees as a person (visible_condition's rules that
    name them, not their unit): owned, first responded, handled, a transfer to them
    pending, a work order they handle. Each part from an index; few for a head."""
    roles = staff.role_set()
    parts = [Complaint.objects.filter(owner=staff).values_list("pk"),
             Complaint.objects.filter(first_responder=staff).values_list("pk"),
             OwnershipTransfer.objects.filter(to_staff=staff, status=OwnershipTransfer.Status.PENDING)
             .values_list("complaint_id")]
    if "handler" in roles:
        parts += [Complaint.objects.filter(handler=staff).values_list("pk"),
                  Assignment.objects.filter(handler=staff).values_list("complaint_id")]
    return parts[0].union(*parts[1:])


def visible_complaints(staff: Staff, base: QuerySet | None = None, *, many: bool = False,
                       state: str = "", within: Q | None = None) -> QuerySet:
    """The complaints `staff` may see, as a queryset to filter further (`many`, `state`,
    `within`: see visible_condition; with `state` or `within` the caller filters on that
    state or condition itself)."""
    qs = Complaint.objects.all() if base is None else base
    q = visible_condition(staff, many=many, state=state, within=within)
    return qs if q is None else qs.filter(q)


def may_view(staff: Staff, complaint: Complaint) -> bool:
    return sees_everything(staff) or visible_complaints(staff).filter(pk=complaint.pk).exists()


def get_visible(staff: Staff, *, reference: str | None = None, pk: int | None = None) -> Complaint:
    """The complaint, if `staff` may see it; NotFound alike for missing and forbidden."""
    lookup = {"reference": reference} if reference is not None else {"pk": pk}
    complaint = visible_complaints(staff).filter(**lookup).first()
    if complaint is None:
        raise NotFound(_("no complaint %(pk)s that you may see") % {"pk": reference or pk})
    return complaint
