"""The complaint record (投诉台账, SPEC §4) and what hangs directly off it.

Rows here are written only by the services (DESIGN rule 1); admin shows them read-only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from redress.complaints.lifecycle import OPEN, State
from redress.policy.schema import Severity

# The states waiting to be registered, assessed or dispatched (the office's triage queue).
TRIAGE_STATES = ["assessed", "received", "registered"]

# How a referred case ended up (services.outcome: "referred_" and the kind), which the
# register filters on (reports.register.referral_condition) through a partial index.
REFERRAL_KINDS = ("mediation", "arbitration", "litigation")
REFERRED_OUTCOMES = [f"referred_{kind}" for kind in REFERRAL_KINDS]

# What people write between the digits of a phone number: "+86 139-1234-5678",
# "(020) 8765.4321". A phone's key is the number without them.
PHONE_SEPARATORS = (" ", "-", "+", "(", ")", ".")


class PhoneKey(models.Func):
    """The stored phone without its separators, as the database works it out. The
    expression index customer_phone_key holds exactly this, so a search by a whole
    number (selectors.customers.customers_with_phone) is an index lookup on both
    databases, however the number was typed in at intake. The separators are written
    into the SQL, not passed as parameters: SQLite matches an expression index only
    against the same constants (with REPLACE(phone, ?, ?) it scanned every customer)."""

    output_field = models.CharField()

    def __init__(self):
        super().__init__(models.F("phone"))

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        for sep in PHONE_SEPARATORS:
            sql = f"REPLACE({sql}, '{sep}', '')"
        return sql, params


def phone_key_expression() -> models.Func:
    return PhoneKey()


class Customer(models.Model):
    """The complainant. Contact and identity fields are personal data: masked for roles
    that do not need them, never written to logs (DESIGN rule 6)."""

    # What pages and forms name the record by (issue 14): 122 random bits, so a customer
    # page cannot be reached by counting (the sequential id walked every customer).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    account_number = models.CharField(max_length=40, blank=True, db_index=True)
    id_type = models.CharField(max_length=20, blank=True)
    id_number = models.CharField(max_length=40, blank=True)
    preferred_channel = models.CharField(max_length=40, blank=True)  # a channel code of the pack (40)
    language = models.CharField(max_length=10, default="zh-hans")
    created_at = models.DateTimeField()
    # When the customer confirmed this contact to us (docs/architecture.md, "One customer,
    # one record"): they wrote from the address (mail-in), or the intake agent read the
    # number back to them (002 §二(一)). Only a verified contact links a new complaint to
    # this record without a person deciding; set again when the contact changes.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone"]), models.Index(fields=["name"]),
            # A search finds "+86 139-1234-5678" by 13912345678 (phone_key_expression).
            models.Index(phone_key_expression(), name="customer_phone_key"),
            # Matching a new complaint by its address, in any case (services/customers.py).
            models.Index(Lower("email"), name="customer_email_lower"),
        ]

    def __str__(self) -> str:
        return self.name


class Complaint(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "投诉 Complaint"
        INQUIRY = "inquiry", "咨询 Inquiry"

    class Urgency(models.TextChoices):
        NORMAL = "normal", "一般 Normal"
        URGENT = "urgent", "紧急 Urgent"

    reference = models.CharField(max_length=30, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    state = models.CharField(max_length=20, choices=[(s.value, s.value) for s in State], db_index=True)
    # Bumped by every action; forms and API calls send the version they saw so a stale
    # edit is refused instead of overwriting someone else's change.
    version = models.PositiveIntegerField(default=1)
    policy_code = models.CharField(max_length=40)
    language = models.CharField(max_length=10, default="zh-hans")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="complaints")
    channel = models.CharField(max_length=40)  # a channel code of the pack: the pack allows 40
    received_at = models.DateTimeField(db_index=False)  # complaint_received_category leads with it
    registered_at = models.DateTimeField(null=True, blank=True)
    referral_source = models.CharField(max_length=40, blank=True, help_text="e.g. hotline_12386")
    external_reference = models.CharField(max_length=60, blank=True)

    subject = models.CharField(max_length=200)
    cause = models.TextField(help_text="事由: what happened")
    request = models.TextField(blank=True, help_text="诉求: what the complainant asks for")
    amount_claimed = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="CNY")

    category = models.CharField(max_length=40, blank=True, db_index=True)
    severity = models.CharField(
        max_length=10, choices=[(s.value, s.value) for s in Severity], default=Severity.MEDIUM
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    critical_flags = models.JSONField(default=list, blank=True)
    is_economic_dispute = models.BooleanField(default=False)
    escalated = models.BooleanField(default=False)

    intake_unit = models.ForeignKey(
        "complaints.OrgUnit", on_delete=models.PROTECT, related_name="intake_complaints"
    )
    branch = models.ForeignKey(
        "complaints.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branch_complaints",
        help_text="the branch the complaint concerns",
    )
    responsible_unit = models.ForeignKey(
        "complaints.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_complaints",
    )
    # First responder (首问负责人) until a transfer is accepted; never empty.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_complaints")
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="first_responded_complaints"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_complaints",
    )
    # A work order of this complaint went to a unit other than `responsible_unit`, or
    # names a person other than `handler` (a unit that sent it back, a handler since
    # replaced). Only then can a unit or person see the case by a work order that the
    # two columns do not already say, so only then does the scope probe the work orders
    # (selectors/scope.visible_condition): a handler's list re-checked two probes a row
    # for every case outside their unit. Kept by acting_on whenever a step moves either
    # column (scope.has_orders_elsewhere); work orders change only in such steps.
    orders_elsewhere = models.BooleanField(default=False, editable=False)

    facts = models.TextField(blank=True)
    responsibility = models.CharField(max_length=20, blank=True)  # institution / customer / shared / none / third_party
    legal_basis = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    root_cause = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=30, blank=True)
    redirect_authority = models.CharField(max_length=40, blank=True)
    customer_opinion = models.TextField(blank=True)
    satisfied = models.BooleanField(null=True, blank=True)
    staff_fault_found = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Dates a migrated case came with that stand in for values its source did not have
    # (ESTIMATED_DATES: "registered_at", "closed_at"): shown beside those dates on the case
    # page and in the register, so nobody reads an estimate as a recorded fact.
    estimated_dates = models.JSONField(default=list, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    follow_up_since = models.DateTimeField(null=True, blank=True)
    # The soonest due time of the complaint's running clocks (None when none runs), kept
    # by the services on every action (services.timing.sync_due_at) so the worklists can
    # sort and pick "overdue" / "due within N" from one indexed column of this table.
    due_at = models.DateTimeField(null=True, blank=True)

    # Head of this complaint's ledger chain, kept with the row so appending an event
    # needs no extra query; `redress verify` checks it against the events.
    ledger_head = models.CharField(max_length=64, blank=True)
    ledger_length = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["state", "received_at"]),
            models.Index(fields=["owner", "state"]),
            models.Index(fields=["responsible_unit", "state"]),
            models.Index(fields=["customer", "state"]),
            # Worklists (selectors/worklists.py): every list sorts by due time, soonest first.
            models.Index(fields=["due_at", "id"], name="complaint_due"),
            # The open lists in due order, the office's all-open first of all: PostgreSQL
            # takes "open" and "due after X" for independent and guesses 1,500 rows
            # where there are 31,000 (every open case has a due time), so without this
            # it sorted the whole list for a page; here "open" is the index's own.
            models.Index(fields=["due_at", "id"], name="complaint_open_due",
                         condition=models.Q(state__in=sorted(s.value for s in OPEN))),
            # The office's "to assess and dispatch", most urgent first (its dashboard's
            # second group): within the open index above it walked 8,500 cases of other
            # states before the first eight of these (10 ms at a million). The states are
            # selectors.worklists' TRIAGE view's; a test holds the two equal.
            models.Index(fields=["due_at", "id"], name="complaint_triage_due",
                         condition=models.Q(state__in=TRIAGE_STATES)),
            models.Index(fields=["responsible_unit", "due_at", "id"], name="complaint_unit_open_due",
                         condition=models.Q(state__in=sorted(s.value for s in OPEN))),
            models.Index(fields=["responsible_unit", "due_at"], name="complaint_unit_due"),
            # A unit's open cases newest or oldest first (the unit list sorted by received
            # date): without it, a bitmap of the unit's 8,700 open cases and a sort per page.
            models.Index(fields=["responsible_unit", "received_at", "id"], name="complaint_unit_open_received",
                         condition=models.Q(state__in=sorted(s.value for s in OPEN))),
            models.Index(fields=["handler", "state"], name="complaint_handler_state"),
            # The dashboard's intake per day and category over a month, from the index
            # alone (it replaces the plain index on received_at, which it leads with).
            models.Index(fields=["received_at", "category"], name="complaint_received_category"),
            # The office's "eligible for deemed closure" (selectors/closure.py): the cases
            # in follow-up by the day it began, a range up to the latest eligible start.
            models.Index(fields=["follow_up_since", "id"], name="complaint_follow_up",
                         condition=models.Q(state="follow_up")),
            # The register's rare yes/no filters, newest first: a page or a capped count
            # of critical cases or economic disputes otherwise walks every complaint.
            models.Index(fields=["received_at", "id"], name="complaint_critical_received",
                         condition=~models.Q(critical_flags=[])),
            models.Index(fields=["received_at", "id"], name="complaint_dispute_received",
                         condition=models.Q(is_economic_dispute=True)),
            # The register's inquiries, the cases no unit is responsible for yet (taken
            # in, answered or closed at intake) and the referred ones: a tenth of the
            # complaints or fewer, but where the newest are still open few of them are
            # near the front of the receipt order, and a page and its count walked
            # hundreds of thousands of rows for them (1.6–2.5 s at a million complaints).
            # On PostgreSQL these two carry the columns the scope's rules test (INCLUDE,
            # migration 0038), so a handler's walk down them, which meets few cases they
            # see and so goes to the end, reads the index alone (the table's rows were
            # 75,000 pages read for the 113,000 cases without a unit).
            models.Index(fields=["received_at", "id"], name="complaint_inquiry_received",
                         condition=models.Q(kind="inquiry")),
            models.Index(fields=["received_at", "id"], name="complaint_no_unit_received",
                         condition=models.Q(responsible_unit__isnull=True)),
            models.Index(fields=["received_at", "id"], name="complaint_referred_received",
                         condition=models.Q(outcome__in=REFERRED_OUTCOMES)),
            # The same two in id order: the work orders a handler's unit was sent, within
            # them, are one merge of two index ranges (scope.visible_condition's `within`).
            models.Index(fields=["id"], name="complaint_inquiry_id", condition=models.Q(kind="inquiry")),
            models.Index(fields=["id"], name="complaint_no_unit_id", condition=models.Q(responsible_unit__isnull=True)),
            # The open cases by state with their ids, read from the index alone: "needs my
            # action" is a UNION of states (the office's: 15,000 cases in seven of them),
            # which through the plain state index fetched every row from the table
            # (250 ms at a million complaints, twice on the office's dashboard).
            models.Index(fields=["state", "id"], name="complaint_open_state",
                         condition=models.Q(state__in=sorted(s.value for s in OPEN))),
        ]
        permissions = [("view_personal_data", "Can see complainants' contact and ID in full")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return f"/complaints/{self.reference}/"  # the workbench's complaint page (web.complaint)


class ComplaintParty(models.Model):
    """Who or what the complaint is about: a unit, an employee, a product."""

    class Kind(models.TextChoices):
        UNIT = "unit", "机构/部门 Unit"
        EMPLOYEE = "employee", "员工 Employee"
        PRODUCT = "product", "产品 Product"

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="parties")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.ForeignKey("complaints.OrgUnit", null=True, blank=True, on_delete=models.PROTECT)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    product = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.product or self.unit or self.staff} ({self.complaint_id})"


class Evidence(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, default="staff")  # staff / customer / call_recording / email
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.original_name} ({self.complaint_id})"


class ComplaintLink(models.Model):
    class Kind(models.TextChoices):
        RECOMPLAINT = "recomplaint", "再投诉 Re-complaint"
        DUPLICATE = "duplicate", "重复 Duplicate"
        RELATED = "related", "相关 Related"

    source = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target", "kind"], name="complaint_link_once")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.kind})"
