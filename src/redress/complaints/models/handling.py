"""What happens while a complaint is handled: work orders, findings, proposals and
approvals, messages, remedies, extensions, callbacks, accountability (SPEC §4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

STAFF = settings.AUTH_USER_MODEL


class Assignment(models.Model):
    """A work order (处理单 / 转办) sending the complaint to a responsible unit."""

    class Status(models.TextChoices):
        OPEN = "open"
        ACCEPTED = "accepted"
        RETURNED = "returned"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey("complaints.OrgUnit", on_delete=models.PROTECT, related_name="assignments",
                             db_index=False)  # assignment_unit_complaint leads with it
    instructions = models.TextField(blank=True)
    assigned_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    accepted_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    handler = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                db_index=False)  # assignment_handler_complaint leads with it
    return_reason = models.TextField(blank=True)

    class Meta:
        # The scope's "a work order sent it to my unit / names me" (selectors.scope) is
        # answered from these alone (index-only scans), not from the 160,000 work-order
        # rows of a big branch; they lead with the foreign keys, so those need no index
        # of their own.
        indexes = [
            models.Index(fields=["unit", "complaint"], name="assignment_unit_complaint"),
            # status too: the dashboard's "assigned to me" leaves out returned work orders.
            models.Index(fields=["handler", "complaint", "status"], name="assignment_handler_complaint"),
        ]

    def __str__(self) -> str:
        return f"work order {self.pk} of complaint {self.complaint_id} to {self.unit_id}"


class OwnershipTransfer(models.Model):
    """首问负责制: the owner stays the owner until the receiver accepts."""

    class Status(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        CANCELLED = "cancelled"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="transfers")
    from_staff = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    to_staff = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"transfer {self.pk} of complaint {self.complaint_id} ({self.status})"


class Finding(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", "调查记录 Note"
        INTERVIEW = "interview", "访谈 Interview"
        FACT = "fact", "事实认定 Fact"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    author = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on complaint {self.complaint_id}"


class Proposal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="proposals")
    summary = models.TextField()
    facts = models.TextField()
    responsibility = models.CharField(max_length=20)
    legal_basis = models.TextField(blank=True)
    compensation = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    # Roles allowed to approve, fixed when proposed from the authority matrix, so a later
    # policy change does not move an approval already waiting.
    approver_roles = models.JSONField(default=list)
    proposed_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        # The approvals worklist looks only at proposals still waiting.
        indexes = [models.Index(fields=["complaint"], name="proposal_pending",
                                condition=models.Q(status="pending"))]

    def __str__(self) -> str:
        return f"proposal {self.pk} of complaint {self.complaint_id} ({self.status})"


class Remedy(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "payment", "赔偿/补偿 Payment"
        RECTIFICATION = "rectification", "整改 Rectification"
        APOLOGY = "apology", "致歉 Apology"
        OTHER = "other", "其他 Other"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="remedies")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField()
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    due_date = models.DateField()
    executed_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    execution_note = models.TextField(blank=True)
    # Not to be carried out after all (the customer declined the payment, the account
    # was closed): who decided, when and why (services/remedies.py).
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    waive_reason = models.TextField(blank=True)
    # When the sweep recorded it late (002 执行跟踪): set once, by a claiming update.
    late_at = models.DateTimeField(null=True, blank=True)
    # Its reminders sent (services/remedy_reminders.py): the indexes of the pack's
    # `remedy_reminders`, each added once under the complaint's row lock.
    reminded = models.JSONField(default=list, blank=True)
    # The steps of the pack's `remedy_escalation` taken once it was late, the same way.
    escalated = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            # The sweep and the late-remedies lists read only the remedies still to be done.
            models.Index(fields=["due_date"], name="remedy_outstanding",
                         condition=models.Q(executed_at__isnull=True, waived_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for complaint {self.complaint_id}"


class Communication(models.Model):
    class Direction(models.TextChoices):
        OUTBOUND = "out", "发出 To customer"
        INBOUND = "in", "收到 From customer"

    class Kind(models.TextChoices):
        ACKNOWLEDGMENT = "acknowledgment", "受理告知 Acknowledgment"
        PROGRESS = "progress", "进度 Progress"
        QUESTION = "question", "询问 Question"
        RESULT = "result", "处理结果 Result"
        REDIRECT = "redirect", "转引 Redirect"
        INQUIRY_ANSWER = "inquiry_answer", "咨询答复 Inquiry answer"
        CUSTOMER_MESSAGE = "customer_message", "客户来信 Customer message"
        CONTACT = "contact", "联系客户 Contact"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="communications")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=40)  # a channel code of the pack (40)
    body = models.TextField()
    staff = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # Phrases the policy forbids that the sender chose to keep after the warning.
    forbidden_phrases_confirmed = models.JSONField(default=list, blank=True)
    visible_to_customer = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on complaint {self.complaint_id}"


class Extension(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested"
        APPROVED = "approved"
        REFUSED = "refused"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="extensions")
    clock_code = models.CharField(max_length=40)
    sequence = models.PositiveSmallIntegerField(help_text="1 = first extension; 2+ = further, need consent")
    working_days = models.PositiveSmallIntegerField()
    reason = models.TextField(help_text="未能办结原因")
    plan = models.TextField(help_text="下一步处理方案")
    customer_consent = models.BooleanField(default=False)
    consent_note = models.TextField(blank=True)
    requested_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_before = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # The roles a further extension was reported to when it was granted (001 第二十二条:
    # 向经纪业务主管部门、合规与法律事务部及审计总部报告); empty for a first extension.
    reported_to = models.JSONField(default=list, blank=True)
    # The message that told the complainant the reason and the new date (001 第二十二条);
    # empty until it is sent (services/messages.message_send with extension_id).
    customer_told = models.ForeignKey("complaints.Communication", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")

    class Meta:
        indexes = [models.Index(fields=["complaint"], name="extension_requested",
                                condition=models.Q(status="requested"))]

    def __str__(self) -> str:
        return f"extension {self.pk} of complaint {self.complaint_id} ({self.status})"


class Callback(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="callbacks")
    agent = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    channel = models.CharField(max_length=40)  # a channel code of the pack (40)
    satisfied = models.BooleanField()
    opinion = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"callback on complaint {self.complaint_id}"


class Accountability(models.Model):
    """责任追究: who was held to account and how (001 第十、十八条)."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="accountability")
    staff = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("complaints.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)  # warning / training / fine / dismissal / process_fix / none
    description = models.TextField()
    reported_to_regulator = models.BooleanField(default=False)
    decided_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.action} on complaint {self.complaint_id}"
