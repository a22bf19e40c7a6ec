"""Intake: the first responder takes a complaint down and chooses its path (SPEC §3):
an inquiry answered, a complaint resolved on the spot, out of scope and redirected, or
registered with an acknowledgment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from redress.complaints import duties, limits, period_tally, phones, rows, triggers
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.guards import ensure_may_accept_or_handle
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action, State
from redress.complaints.models import (
    Communication,
    Complaint,
    ComplaintParty,
    Customer,
    OrgUnit,
    Staff,
)
from redress.complaints.references import allocate
from redress.complaints.services import customers
from redress.complaints.services.base import Step, acting_on, require_role
from redress.complaints.services.messages import check_phrases, tell_customer
from redress.complaints.services.reports import owe_report
from redress.complaints.services.timing import (
    OPEN_CLOCK,
    calendar_for,
    reach_stage,
    step_calendar,
    stop_clock,
)
from redress.complaints.timesource import now as current_time
from redress.notify import texts
from redress.policy.loader import active_pack
from redress.policy.schema import Stage
from redress.portal import codes
from redress.portal.access import access_issue

INTAKE_ROLES = duties.INTAKE_ROLES
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock a little ahead is not "the future"
EARLIEST = datetime(1990, 12, 1, tzinfo=UTC)  # Shanghai Stock Exchange opened; nothing is older
# Django builds `.values` afresh at each call; the checks ask for every complaint
KINDS, PARTY_KINDS = frozenset(Complaint.Kind.values), frozenset(ComplaintParty.Kind.values)


@dataclass
class CustomerInput:
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    account_number: str = ""
    id_type: str = ""
    id_number: str = ""
    preferred_channel: str = ""
    language: str = "zh-hans"
    # Which record (services/customers.py): one a person chose (the lookup's pick, a
    # re-complaint's original, a match the agent confirmed on the read-back) ...
    known: Customer | None = None
    confirmed: int | None = None  # ... the record the agent confirmed was the same person
    not_same: frozenset[int] = frozenset()  # records the agent said were someone else
    # Contacts this channel proves belong to the complainant: mail-in the address they
    # wrote from, the intake screen the phone read back to them (002 §二(一)).
    verified: tuple[str, ...] = ()


@dataclass
class PartyInput:
    kind: str  # unit / employee / product
    unit: OrgUnit | None = None
    staff: Staff | None = None
    product: str = ""
    description: str = ""


@dataclass
class ComplaintInput:
    customer: CustomerInput
    channel: str
    subject: str
    cause: str
    request: str = ""
    amount_claimed: str | Decimal | None = None
    currency: str = ""  # empty: the policy's currency
    received_at: datetime | None = None
    kind: str = Complaint.Kind.COMPLAINT
    branch: OrgUnit | None = None
    parties: list[PartyInput] = field(default_factory=list)
    referral_source: str = ""
    external_reference: str = ""


def clean_amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationFailed("amount_claimed", _("must be a number, got %(value)s") % {"value": repr(str(value)[:40])}) from None
    if not amount.is_finite():
        raise ValidationFailed("amount_claimed", _("must be a finite number"))
    if amount < 0:
        raise ValidationFailed("amount_claimed", _("may not be negative"))
    if amount >= Decimal("1e14"):
        raise ValidationFailed("amount_claimed", _("is larger than any amount this system records (10^14)"))
    return amount.quantize(Decimal("0.01"))


def validate_complaint(data: ComplaintInput, pack, now: datetime) -> None:
    c = data.customer
    if not c.name.strip():
        raise ValidationFailed("customer.name", _("the complainant's name is required"))
    if not (c.phone.strip() or c.email.strip() or c.address.strip()):
        raise ValidationFailed("customer.contact", _("give at least one way to reach the complainant: phone, email or address"))
    if c.email:
        try:
            EmailValidator()(c.email)
        except DjangoValidationError:
            raise ValidationFailed("customer.email", _("%(email)s is not an email address") % {"email": repr(c.email[:60])}) from None
    if c.phone.strip() and not (c.known is not None and c.phone == c.known.phone):  # a kept record's own stands
        phones.normalise(c.phone, field="customer.phone", region=pack.calendar.country)
    limits.check_all({f"customer.{k}": getattr(c, k) for k in ("name", "email", "address", "account_number",
                                                               "id_type", "id_number", "preferred_channel")})
    limits.check_all({"cause": data.cause, "request": data.request, "external_reference": data.external_reference})
    if data.channel not in pack.channel_codes():
        raise ValidationFailed("channel", _("unknown channel %(channel)s; the policy allows %(channel_codes)s") % {"channel": repr(data.channel), "channel_codes": ', '.join(pack.channel_codes())})
    if not data.subject.strip():
        raise ValidationFailed("subject", _("a short subject is required"))
    limits.check("subject", data.subject)
    if not data.cause.strip():
        raise ValidationFailed("cause", _("say what happened (事由)"))
    if data.kind not in KINDS:
        raise ValidationFailed("kind", _("must be one of %(values)s") % {"values": ', '.join(Complaint.Kind.values)})
    if data.received_at is not None:
        if data.received_at.tzinfo is None:
            raise ValidationFailed("received_at", _("must carry a time zone"))
        if data.received_at > now + CLOCK_SKEW:
            raise ValidationFailed("received_at", _("may not be in the future"))
        if data.received_at < EARLIEST:
            raise ValidationFailed("received_at", _("is before any date this system records (1990-12)"))
    for i, party in enumerate(data.parties):
        if party.kind not in PARTY_KINDS:
            raise ValidationFailed(f"parties[{i}].kind", _("must be one of %(values)s") % {"values": ', '.join(ComplaintParty.Kind.values)})
        needed = {"unit": party.unit, "employee": party.staff, "product": party.product.strip()}[party.kind]
        if not needed:
            raise ValidationFailed(f"parties[{i}]", _("a %(kind)s party must name the %(kind)s") % {"kind": party.kind})
    if data.referral_source and pack.authority(data.referral_source) is None:
        raise ValidationFailed("referral_source", _("unknown authority %(referral_source)s") % {"referral_source": repr(data.referral_source)})


def complaint_receive(*, actor: Staff, data: ComplaintInput, via: str = "web", register: bool = False,
                      then: Callable[[Complaint], None] | None = None) -> Complaint:
    """Take a complaint (or inquiry) down. With `register=True` it is also registered
    and acknowledged in the same transaction — the usual case at a call-centre seat.
    `then(complaint)` runs in that transaction once everything is written (the API
    records its idempotency key there); if it raises, nothing is kept."""
    pack = active_pack()
    now = current_time().astimezone(UTC)  # in UTC, as the database gives times back
    validate_complaint(data, pack, now)
    amount = clean_amount(data.amount_claimed)
    if not any(actor.has_role(r) for r in INTAKE_ROLES):
        raise NotPermitted(_("taking complaints down needs one of the roles %(INTAKE_ROLES)s") % {"INTAKE_ROLES": ', '.join(INTAKE_ROLES)})
    involved = {p.staff.pk for p in data.parties if p.staff is not None}
    ensure_may_accept_or_handle(actor, None, involved)
    if actor.unit_id is None:
        raise NotPermitted(_("%(username)s belongs to no unit, so cannot be a first responder") % {"username": actor.username})
    if not actor.is_active:
        raise NotPermitted(_("%(username)s is deactivated") % {"username": actor.username})
    # The clocks run from here (001 第二十二条). A time a little ahead (a device's clock,
    # within CLOCK_SKEW) is taken as now, so no clock starts in the future.
    received_at = min(data.received_at or now, now).astimezone(UTC)
    cal = calendar_for(pack)
    role = next(r for r in INTAKE_ROLES if actor.has_role(r))
    flags = triggers.detect(pack, data.subject, data.cause, data.request)
    # Under bulk intake its rows are held, not written: no savepoint to take (held_rows).
    with transaction.atomic(savepoint=not rows.held()):
        # On PostgreSQL the id comes with the reference, so the whole case is built first
        # and the complaint row written once, last (its foreign keys are checked at
        # commit); on SQLite it is inserted first for its id and saved again at the end.
        found = customers.customer_record(data.customer, now)
        reference, complaint_id = allocate(pack.reference_prefix, received_at.astimezone(cal.tz).year,
                                           row_id_for=Complaint)
        complaint = rows.build(
            Complaint, id=complaint_id, reference=reference,
            kind=data.kind, state=State.RECEIVED, policy_code=pack.code, language=data.customer.language or "zh-hans",
            channel=data.channel, received_at=received_at,
            referral_source=data.referral_source, external_reference=data.external_reference,
            subject=data.subject.strip(), cause=data.cause.strip(), request=data.request.strip(),
            amount_claimed=amount, currency=data.currency or pack.currency,
            is_economic_dispute=pack.is_economic_dispute(amount=amount, flags=flags),
            critical_flags=flags, created_at=now, updated_at=now,
            related={"customer": found.customer, "intake_unit": actor.unit, "branch": data.branch, "owner": actor,
                     "first_responder": actor},
        )
        if complaint_id is None:
            rows.insert(complaint)
        rows.insert(*[ComplaintParty(complaint=complaint, kind=party.kind, unit=party.unit, staff=party.staff,
                                     product=party.product, description=party.description) for party in data.parties])
        step = Step(complaint=complaint, action=Action.REGISTER, actor=actor, via=via, now=now, pack=pack,
                    before=State.RECEIVED, role=role, calendar=cal, clocks=[])  # a new case has no clocks
        step.record(EventType.RECEIVED, kind=data.kind, channel=data.channel, received_at=received_at,
                    amount_claimed=amount, parties=len(data.parties), referral_source=data.referral_source)
        customers.record_found(step, found, data.customer)
        if flags:
            raise_triggers(step, flags, source="keywords")
        if data.referral_source:
            # 001 第二十一条: a 12386 referral is tracked until the hotline has its reply.
            owe_report(step, data.referral_source, kind="reply", source="referral", code=data.external_reference,
                       since=received_at)
        if register:
            # Accepting was checked above against the parties given (001 第十四条).
            # Registering passes through the received stage (one write for its clocks).
            complaint_register(complaint, actor=actor, via=via, _within=step)
        else:
            reach_stage(step, Stage.RECEIVED)
        step.count(None)
        step.period_tallies += period_tally.received_now(  # the statistics' figures, written with the step's rows
            complaint, step.clocks or [], [p.product for p in data.parties if p.kind == ComplaintParty.Kind.PRODUCT], cal)
        step.flush()
        if complaint_id is None:
            complaint.save()
        else:
            rows.insert(complaint)
        if found.offers:
            customers.offers_insert(complaint, found, now)
        if then is not None:
            then(complaint)
    return complaint


def raise_triggers(step: Step, codes: list[str], *, source: str) -> None:
    """Report critical triggers at once to the roles the policy names (001 第三、十八、
    二十条): one ledger event, one outbox row per role. A report owed to an authority is
    a task for the recorder roles (services/reports.py), open until it is made. A trigger
    the policy counts as a claim for money makes the case an economic dispute (004 第十六条)."""
    if step.pack.is_economic_dispute(amount=None, flags=codes):
        step.complaint.is_economic_dispute = True
    for code in codes:
        trigger = next(t for t in step.pack.triggers if t.code == code)
        for role in trigger.notify_roles:
            step.notify("critical_trigger", role=role, trigger=code)
    step.record(EventType.TRIGGER_RAISED, triggers=codes, source=source)
    for code in codes:
        trigger = next(t for t in step.pack.triggers if t.code == code)
        for authority in trigger.notify_authorities:
            owe_report(step, authority, source="trigger", code=code)


def _reply_channel(c: Complaint) -> str:
    return c.customer.preferred_channel or c.channel


def complaint_register(complaint: Complaint | int, *, actor: Staff, via: str = "web",
                       expected_version: int | None = None, _within: Step | None = None) -> Complaint:
    """Register and acknowledge: the customer is told the reference, the process, the
    time limit and their rights (002 §二(一)). `_within`: intake's step, registering
    the complaint it is taking down (it has checked who may accept it)."""
    with acting_on(complaint, Action.REGISTER, actor=actor, via=via, expected_version=expected_version,
                   within=_within) as step:
        require_role(step, duties.ROLES[Action.REGISTER], _("registering a complaint"))
        if _within is None:
            ensure_may_accept_or_handle(actor, step.complaint)
        c = step.complaint
        if c.kind == Complaint.Kind.INQUIRY:
            # Answering failed to satisfy: it becomes a complaint (001 第十五条).
            c.kind = Complaint.Kind.COMPLAINT
            for clock in step.known_clocks():
                if clock.status in OPEN_CLOCK:
                    stop_clock(step, clock)
        step.move_to(State.REGISTERED)
        c.registered_at = step.now
        # Taken down and registered in one go (_within): its receipt clocks start and stop here.
        reach_stage(step, *([Stage.RECEIVED] if _within is not None else []), Stage.REGISTERED)
        promised = step.pack.reply_clock()
        clock = next((k for k in step.known_clocks() if promised and k.code == promised.code), None)
        # Every channel gets a portal access code (a caller, a visitor, a letter writer
        # too). The case keeps the acknowledgment with the code masked; the clear text
        # goes out once (tell_customer's `sent_body`) and back to the caller.
        code = access_issue(step)
        written = {"pack": step.pack, "reference": c.reference, "language": c.language,
                   "due": clock.due_at if clock else None, "tz": step_calendar(step).tz}
        message = tell_customer(step, Communication.Kind.ACKNOWLEDGMENT,
                                texts.acknowledgment(**written, access_code=codes.masked(code)),
                                channel=_reply_channel(c), sent_body=texts.acknowledgment(**written, access_code=code))
        c.issued_access_code = code  # not a field: the only place the caller can read it
        step.record(EventType.REGISTERED, acknowledgment=message.pk, due=clock.due_at if clock else None,
                    access_code_ends=code[-codes.GROUP:])
    return step.complaint


def inquiry_answer(complaint: Complaint | int, *, actor: Staff, answer: str,
                   confirm_phrases: list[str] | None = None, via: str = "web",
                   expected_version: int | None = None) -> Complaint:
    """An inquiry answered and accepted by the customer: not counted as a complaint
    (001 第十五条)."""
    if not answer.strip():
        raise ValidationFailed("answer", _("record the answer given to the customer"))
    limits.check("answer", answer)
    with acting_on(complaint, Action.ANSWER_INQUIRY, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, INTAKE_ROLES, _("answering an inquiry"))
        c = step.complaint
        c.kind = Complaint.Kind.INQUIRY
        c.resolution, c.outcome, c.closed_at = answer, "inquiry_answered", step.now
        step.move_to(State.CLOSED_INQUIRY)
        message = tell_customer(step, Communication.Kind.INQUIRY_ANSWER, answer, channel=_reply_channel(c),
                                confirmed=confirm_phrases, field="answer")
        reach_stage(step, Stage.COMMUNICATED)
        reach_stage(step, Stage.CLOSED)
        step.record(EventType.INQUIRY_ANSWERED, answer=answer, forbidden_confirmed=message.forbidden_phrases_confirmed)
    return step.complaint


def resolve_on_spot(complaint: Complaint | int, *, actor: Staff, resolution: str, customer_opinion: str = "",
                    confirm_phrases: list[str] | None = None, via: str = "web",
                    expected_version: int | None = None) -> Complaint:
    """Resolved at once and the customer satisfied, not pursuing it further (004 §7(一),
    001 第二十二条). Under a pack with a summary_resolution window (DISP 1.5) this is the
    summary resolution: allowed only until the window closes, and sent to the customer
    in writing with the pack's referral notice."""
    if not resolution.strip():
        raise ValidationFailed("resolution", _("record how it was resolved"))
    limits.check_all({"resolution": resolution, "customer_opinion": customer_opinion})
    with acting_on(complaint, Action.RESOLVE_ON_SPOT, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, INTAKE_ROLES, _("resolving on the spot"))
        ensure_may_accept_or_handle(actor, step.complaint)
        # Told to the customer there and then (当场答复): the same check as a written reply.
        confirmed = check_phrases(step.pack, resolution, confirm_phrases, field="resolution")
        c = step.complaint
        summary = step.pack.summary_resolution
        if summary is not None:
            _refuse_past_summary_window(step, summary)
        c.resolution, c.customer_opinion, c.satisfied = resolution, customer_opinion, True
        c.outcome, c.closed_at, c.handler = "resolved_on_spot", step.now, actor
        step.move_to(State.RESOLVED_ON_SPOT)
        if summary is not None:
            body = texts.with_referral_notice(resolution, pack=step.pack, language=c.language)
            tell_customer(step, Communication.Kind.RESULT, body, channel=_reply_channel(c), confirmed=confirmed,
                          field="resolution")
        reach_stage(step, Stage.COMMUNICATED)
        reach_stage(step, Stage.CLOSED)
        step.record(EventType.RESOLVED_ON_SPOT, resolution=resolution, customer_opinion=customer_opinion,
                    forbidden_confirmed=confirmed)
    return step.complaint


def _refuse_past_summary_window(step: Step, summary) -> None:
    """DISP 1.5: the short route is open until close of business of the third business
    day after the day of receipt (the pack's `within`, on its calendar); after that the
    complaint needs the full procedure and a final response."""
    cal = step_calendar(step)
    closes = cal.due(step.complaint.received_at, summary.within)
    if step.now > closes:
        raise ValidationFailed("resolution", _(
            "%(route)s was possible until %(closes)s; the complaint needs the full procedure and a final "
            "response now") % {"route": summary.name.get(translation.get_language()),
                               "closes": format(closes.astimezone(cal.tz), "%Y-%m-%d %H:%M")})


def complaint_redirect(complaint: Complaint | int, *, actor: Staff, authority: str, note: str = "",
                       confirm_phrases: list[str] | None = None, via: str = "web",
                       expected_version: int | None = None) -> Complaint:
    """Out of scope: tell the customer which body is competent and how to reach it
    (004 第十七条)."""
    with acting_on(complaint, Action.REDIRECT, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, INTAKE_ROLES, _("redirecting a complaint"))
        target = step.pack.authority(authority)
        if target is None:
            known = ", ".join(a.code for a in step.pack.authorities)
            raise ValidationFailed("authority", _("unknown authority %(authority)s; the policy lists %(known)s") % {"authority": repr(authority), "known": known})
        c = step.complaint
        c.redirect_authority, c.outcome, c.closed_at = authority, "redirected", step.now
        step.move_to(State.REDIRECTED)
        body = texts.redirect(authority_name=target.name.get(c.language), contact=target.contact,
                              language=c.language, note=note)
        message = tell_customer(step, Communication.Kind.REDIRECT, body, channel=_reply_channel(c),
                                confirmed=confirm_phrases, field="note")
        reach_stage(step, Stage.CLOSED)
        step.record(EventType.REDIRECTED, authority=authority, message=message.pk,
                    forbidden_confirmed=message.forbidden_phrases_confirmed)
    return step.complaint
