"""The data behind benchmarks/web_pages.py: a million complaints seeded the way a busy
securities broker's database looks (states by age, branches, channels, categories,
running clocks, work orders, pending proposals, hash-chained ledger events), written
with COPY / executemany through Django's own connection (see seeding.py)."""

from __future__ import annotations

import csv
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from seeding import (
    foreign_keys_dropped,
    insert,
    reset_sequences,
    secondary_indexes_dropped,
)

ROOT = Path(__file__).resolve().parent.parent
ZH_COMPLAINTS = ROOT.parent / "shared" / "data" / "zh" / "complaints_train.csv"
if not ZH_COMPLAINTS.exists():
    ZH_COMPLAINTS = Path("/work/shared/data/zh/complaints_train.csv")
PASSWORD = "bench-not-for-signing-in"
SEED = 20261201
A_COLUMNS = ["complaint_id", "unit_id", "instructions", "assigned_by_id", "assigned_at", "status", "accepted_by_id",
             "accepted_at", "handler_id", "return_reason"]


# ---- the data ------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏辉建华晨阳宇浩然子涵欣怡梓萱雨轩"
         "思远嘉怡家豪俊杰志强海燕春梅冬梅文博一鸣佳琪晓东晓燕红梅丹丹立新国强振华婷婷雪梅建国永刚")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫")
PHONE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
                  "166", "176", "177", "180", "181", "186", "187", "188", "189", "199")
REQUESTS = ("", "", "", "要求退还相关费用", "要求赔偿损失并书面道歉", "要求尽快处理并回复", "要求更正交易记录",
            "要求说明收费依据", "要求调查营销人员的违规行为")

CHANNELS = {"phone": 35, "app": 20, "web": 10, "walk_in": 12, "regulator_referral": 8, "letter": 3,
            "email": 7, "fax": 1, "other": 4}
CATEGORIES = {"counter": 22, "trading_assets": 15, "stolen_funds": 1, "info_system": 14,
              "service_quality": 25, "marketing": 8, "suitability": 7, "other": 8}
SEVERITIES = {"low": 30, "medium": 55, "high": 12, "major": 3}
BRANCH_WEIGHTS = {"branch_tianhe": 30, "branch_pudong": 30, "branch_chaoyang": 25, "branch_futian": 15}

# (age below this many days, share of complaints still open, open states by weight)
AGE_BUCKETS = (
    (1, 0.95, {"received": 3, "registered": 4, "assessed": 3}),
    (3, 0.93, {"registered": 1, "assessed": 3, "dispatched": 4, "investigating": 2}),
    (20, 0.88, {"dispatched": 1, "investigating": 6, "proposed": 1.2, "approved": 0.8, "remedy_pending": 0.3,
                "awaiting_callback": 0.7}),
    (30, 0.65, {"investigating": 3, "proposed": 1, "approved": 1, "remedy_pending": 0.5,
                "awaiting_callback": 2.5, "follow_up": 0.5}),
    (60, 0.20, {"investigating": 1, "proposed": 0.3, "awaiting_callback": 1, "follow_up": 2, "referred": 1,
                "remedy_pending": 0.3}),
    (200, 0.05, {"follow_up": 3, "referred": 2, "investigating": 0.3, "awaiting_callback": 0.2}),
    (10_000, 0.001, {"referred": 1, "follow_up": 0.5}),
)
CLOSED_RECENT = {"closed": 60, "archived": 10, "closed_inquiry": 12, "resolved_on_spot": 10, "redirected": 4,
                 "withdrawn": 4}
CLOSED_OLD = {"archived": 60, "closed": 25, "closed_inquiry": 5, "resolved_on_spot": 4, "redirected": 2,
              "withdrawn": 2, "deemed_closed": 2}

R, E = "received", "registered"
# The ledger path each state was reached by (ledger.EventType names). A complaint
# stores 3-5 of them (first, last and some between): "a few events" per complaint.
PATHS = {
    "received": ["RECEIVED"],
    "registered": ["RECEIVED", "REGISTERED"],
    "assessed": ["RECEIVED", "REGISTERED", "ASSESSED"],
    "dispatched": ["RECEIVED", "REGISTERED", "ASSESSED", "DISPATCHED"],
    "investigating": ["RECEIVED", "REGISTERED", "ASSESSED", "DISPATCHED", "ASSIGNMENT_ACCEPTED",
                      "FINDING_ADDED"],
    "proposed": ["RECEIVED", "REGISTERED", "DISPATCHED", "ASSIGNMENT_ACCEPTED", "PROPOSED"],
    "approved": ["RECEIVED", "REGISTERED", "DISPATCHED", "ASSIGNMENT_ACCEPTED", "PROPOSED", "APPROVED"],
    "remedy_pending": ["RECEIVED", "REGISTERED", "DISPATCHED", "PROPOSED", "APPROVED", "RESULT_COMMUNICATED"],
    "awaiting_callback": ["RECEIVED", "REGISTERED", "DISPATCHED", "PROPOSED", "APPROVED",
                          "RESULT_COMMUNICATED"],
    "follow_up": ["RECEIVED", "REGISTERED", "DISPATCHED", "APPROVED", "RESULT_COMMUNICATED",
                  "CALLBACK_RECORDED"],
    "referred": ["RECEIVED", "REGISTERED", "DISPATCHED", "ASSIGNMENT_ACCEPTED", "REFERRED"],
    "closed": ["RECEIVED", "REGISTERED", "DISPATCHED", "ASSIGNMENT_ACCEPTED", "PROPOSED", "APPROVED",
               "RESULT_COMMUNICATED", "CALLBACK_RECORDED"],
    "archived": ["RECEIVED", "REGISTERED", "DISPATCHED", "ASSIGNMENT_ACCEPTED", "PROPOSED", "APPROVED",
                 "RESULT_COMMUNICATED", "CALLBACK_RECORDED", "ARCHIVED"],
    "deemed_closed": ["RECEIVED", "REGISTERED", "DISPATCHED", "RESULT_COMMUNICATED", "CALLBACK_RECORDED",
                      "DEEMED_CLOSED"],
    "closed_inquiry": ["RECEIVED", "INQUIRY_ANSWERED"],
    "resolved_on_spot": ["RECEIVED", "RESOLVED_ON_SPOT"],
    "redirected": ["RECEIVED", "REGISTERED", "REDIRECTED"],
    "withdrawn": ["RECEIVED", "REGISTERED", "DISPATCHED", "WITHDRAWN"],
}
DISPATCHED_STATES = {s for s, path in PATHS.items() if "DISPATCHED" in path}
ACCEPTED_STATES = DISPATCHED_STATES - {"dispatched"}
RESOLUTION_RUNNING = {"registered", "assessed", "dispatched", "investigating", "proposed", "approved"}
CALLBACK_RUNNING = {"remedy_pending", "awaiting_callback"}
CLOSED_STATES = set(CLOSED_RECENT) | set(CLOSED_OLD)

# Staff added to the demo organisation so the load per person is realistic: a broker
# with a million complaints in three years has more than two handlers per branch.
EXTRA_STAFF = {  # unit code: (intake desks, handlers)
    "customer_service": (12, 6),
    "brokerage_dept": (0, 6),
    "it_center": (0, 6),
    "branch_tianhe": (3, 10),
    "branch_pudong": (3, 10),
    "branch_chaoyang": (3, 10),
    "branch_futian": (3, 10),
}


def weighted(rng: random.Random, table: dict):
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


class Picker:
    """rng.choices over a fixed table, with the cumulative weights computed once."""

    def __init__(self, table: dict):
        self.keys = list(table)
        total, self.cum = 0.0, []
        for k in self.keys:
            total += table[k]
            self.cum.append(total)

    def __call__(self, rng: random.Random):
        return rng.choices(self.keys, cum_weights=self.cum)[0]


def load_texts() -> list[tuple[str, str]]:
    """(subject, cause) pairs from the real Chinese complaints, read at run time."""
    pairs = []
    with ZH_COMPLAINTS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = (row.get("text") or "").strip()
            if not text:
                continue
            first = re.split(r"[，。！？,.!?；;\n]", text, maxsplit=1)[0].strip() or text
            pairs.append((first[:40], text))
    if not pairs:
        sys.exit(f"no complaint texts in {ZH_COMPLAINTS}")
    return pairs


@dataclass
class People:
    """Who works where, by unit code and role (the demo org plus EXTRA_STAFF)."""

    units: dict  # code -> OrgUnit
    staff: dict  # username -> Staff
    intake: dict = field(default_factory=dict)  # unit code -> [staff ids]
    handlers: dict = field(default_factory=dict)
    office: list = field(default_factory=list)
    callback: list = field(default_factory=list)
    approvers: dict = field(default_factory=dict)  # role -> [staff ids]


def build_people() -> People:
    from django.contrib.auth.hashers import make_password

    from redress.complaints.demo.org import build_org
    from redress.complaints.models import Staff, StaffRole

    cast = build_org(PASSWORD)
    hashed = cast.staff["admin"].password
    extra = []
    for code, (n_intake, n_handlers) in EXTRA_STAFF.items():
        unit = cast.units[code]
        short = code.removeprefix("branch_")
        for role, count in (("intake", n_intake), ("handler", n_handlers)):
            for i in range(1, count + 1):
                extra.append((Staff(username=f"bench.{role}.{short}{i}", password=hashed or make_password(PASSWORD),
                                    display_name=f"{unit.name}{'受理' if role == 'intake' else '经办'}{i}",
                                    unit=unit, email=f"bench.{role}.{short}{i}@example-securities.cn"), role))
    Staff.objects.bulk_create([s for s, _ in extra])
    StaffRole.objects.bulk_create([StaffRole(staff=s, role=role) for s, role in extra])
    people = People(units=cast.units, staff=dict(cast.staff) | {s.username: s for s, _ in extra})
    demo_roles = [(person, r) for person in cast.staff.values() for r in person.roles.values_list("role", flat=True)]
    for s, role in demo_roles + extra:
        code = next(c for c, u in cast.units.items() if u.pk == s.unit_id)
        if role == "intake":
            people.intake.setdefault(code, []).append(s.pk)
        elif role == "handler":
            people.handlers.setdefault(code, []).append(s.pk)
        elif role == "complaints_office":
            people.office.append(s.pk)
        elif role == "callback":
            people.callback.append(s.pk)
        people.approvers.setdefault(role, []).append(s.pk)
    return people


def seed(n: int, batch: int) -> dict:
    """Write the complaints and everything the lists read. Returns figures for the report."""
    from django.db import connection, transaction
    from django.utils import timezone

    from redress.complaints import ledger, period_tally, tally
    from redress.complaints.models import (
        Assignment,
        Complaint,
        ComplaintClock,
        Customer,
        Event,
        Extension,
        Proposal,
    )
    from redress.complaints.services.timing import calendar_for
    from redress.policy.loader import active_pack

    rng = random.Random(SEED)
    t0 = time.perf_counter()
    with transaction.atomic():
        people = build_people()
    pack = active_pack()
    cal = calendar_for(pack)
    resolution_limit = pack.clock("resolution").limit
    callback_limit = pack.clock("callback").limit
    texts = load_texts()
    now = timezone.now()
    end_of_today = datetime.combine(now.astimezone(cal.tz).date() + timedelta(days=1), datetime.min.time(),
                                    tzinfo=cal.tz)
    span = timedelta(days=3 * 365)
    start = now - span
    adapt = fast_datetime_adapter(connection)
    types = {t.name: int(t) for t in ledger.EventType}
    units = {code: u.pk for code, u in people.units.items()}
    branch_pick, channel_pick = Picker(BRANCH_WEIGHTS), Picker(CHANNELS)
    category_pick, severity_pick = Picker(CATEGORIES), Picker(SEVERITIES)
    bucket_picks = [(age, p_open, Picker(w)) for age, p_open, w in AGE_BUCKETS]
    closed_recent, closed_old = Picker(CLOSED_RECENT), Picker(CLOSED_OLD)
    approver_sets = [(["dept_head", "complaints_office"], 6), (["complaints_office"], 3),
                     (["cro", "senior_management"], 1)]

    # Customers: about 0.7 per complaint (some complain more than once).
    n_customers = max(1, int(n * 0.7))
    cust_fields = ["id", "name", "phone", "email", "address", "account_number", "id_type", "id_number",
                   "preferred_channel", "language", "created_at", "public_id"]
    cust_columns = [Customer._meta.get_field(f).column for f in cust_fields]
    customers_out = {"phone": {}, "account": {}, "name": {}}

    def customer_rows():
        for cid in range(1, n_customers + 1):
            surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
            given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            name = surname + given
            phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            account = f"{rng.choice((3101, 4403, 1101, 4401))}{cid:08d}"
            yield (cid, name, phone, "", "", account, "id_card", f"{rng.randrange(10**17, 10**18)}",
                   "phone", "zh-hans", adapt(start - timedelta(days=rng.randrange(1, 2000))),
                   str(uuid.UUID(int=cid)))  # unique, and no draw from rng: the rest stays as it was

    # Complaint rows: one prepared by the model fields, copied and changed per complaint.
    proto = Complaint(id=0, reference="", state="closed", policy_code=pack.code, customer_id=1, channel="phone",
                      received_at=now, subject="", cause="", intake_unit_id=units["customer_service"],
                      owner_id=people.office[0], first_responder_id=people.office[0], ledger_head="",
                      ledger_length=0, created_at=now, updated_at=now)
    c_fields = list(Complaint._meta.concrete_fields)
    c_proto = [f.get_db_prep_save(getattr(proto, f.attname), connection) for f in c_fields]
    ci = {f.attname: i for i, f in enumerate(c_fields)}
    c_columns = [f.column for f in c_fields]
    k_columns = ["complaint_id", "code", "unit", "started_at", "due_at", "status", "paused_at", "pause_reason",
                 "stopped_at", "breached", "breached_at", "extended"]
    p_columns = ["complaint_id", "summary", "facts", "responsibility", "legal_basis", "compensation",
                 "approver_roles", "proposed_by_id", "proposed_at", "status", "decision_note"]
    x_columns = ["complaint_id", "clock_code", "sequence", "working_days", "reason", "plan", "customer_consent",
                 "consent_note", "requested_by_id", "requested_at", "due_before", "status", "decision_note",
                 "reported_to"]
    e_columns = ["complaint_id", "seq", "type", "at", "actor_id", "actor_role", "channel", "payload",
                 "prev_hash", "hash"]
    json_dump = Proposal._meta.get_field("approver_roles").get_db_prep_save
    year_counter: dict[int, int] = {}
    stats = {"open": 0, "overdue": 0, "due_today": 0, "events": 0, "clocks": 0, "assignments": 0,
             "proposals": 0, "extensions": 0}

    def state_for(age_days: float) -> str:
        for limit, p_open, pick in bucket_picks:
            if age_days < limit:
                if rng.random() < p_open:
                    return pick(rng)
                break
        return (closed_recent if age_days < 60 else closed_old)(rng)

    def complaint(cid: int, out: dict) -> None:
        # Ids follow received time (as the ORM would assign them); intake grows over the
        # three years: the density rises linearly from 0.5 to 1.5 (inverse of its CDF).
        v = (cid - 1 + rng.random()) / n
        received = start + span * ((0.25 + 2 * v) ** 0.5 - 0.5)
        age = (now - received).total_seconds() / 86400
        state = state_for(age)
        if state == "deemed_closed" and age < 200:
            state = "closed"
        category = category_pick(rng)
        branch = branch_pick(rng) if rng.random() < 0.9 else None
        intake_unit = "customer_service" if (branch is None or rng.random() < 0.65) else branch
        dispatched = state in DISPATCHED_STATES
        if category == "info_system":
            responsible = "it_center"
        elif category == "suitability":
            responsible = "brokerage_dept"
        elif category == "service_quality" and (branch is None or rng.random() < 0.5):
            responsible = "customer_service"
        else:
            responsible = branch or "customer_service"
        first_responder = rng.choice(people.intake[intake_unit])
        owner = first_responder if rng.random() < 0.95 else rng.choice(people.office)
        handler = rng.choice(people.handlers[responsible]) if state in ACCEPTED_STATES else None
        registered = received + timedelta(minutes=rng.randrange(5, 240)) if state != "received" else None
        if state in CLOSED_STATES:
            closed = min(received + timedelta(hours=rng.randrange(1, 25 * 24)), now - timedelta(minutes=1))
            last = closed + timedelta(days=rng.randrange(1, 10)) if state == "archived" else closed
            last = min(last, now - timedelta(seconds=30))
        else:
            closed = None
            last = received + (now - received) * (0.5 + 0.45 * rng.random())
        subject, cause = texts[rng.randrange(len(texts))]
        year = received.astimezone(cal.tz).year
        year_counter[year] = year_counter.get(year, 0) + 1
        reference = f"{pack.reference_prefix}-{year}-{year_counter[year]:06d}"
        channel = channel_pick(rng)

        # Clocks: the resolution clock from registration, the callback clock from the
        # result being told; stored due times as the services compute them.
        clocks, due_at = [], None
        if registered is not None and state not in ("closed_inquiry", "resolved_on_spot"):
            if state in RESOLUTION_RUNNING:
                due = cal.due(registered, resolution_limit)
                if rng.random() < 0.015 and now < end_of_today - timedelta(minutes=10):
                    due = now + (end_of_today - now) * rng.random()  # some fall due later today
                if rng.random() < 0.02:
                    clocks.append(("resolution", "working_days", registered, due, "paused",
                                   last, "等待客户补充材料", None, False))
                else:
                    clocks.append(("resolution", "working_days", registered, due, "running", None, "", None,
                                   due < now and rng.random() < 0.8))
                    due_at = due
            else:
                told = registered + (last - registered) * 0.8
                due = registered + timedelta(days=28)
                clocks.append(("resolution", "working_days", registered, due, "stopped", None, "", told,
                               told > due or rng.random() < 0.03))
                if state in CALLBACK_RUNNING:
                    cb_due = cal.due(told, callback_limit)
                    clocks.append(("callback", "working_days", told, cb_due, "running", None, "", None,
                                   cb_due < now and rng.random() < 0.8))
                    due_at = cb_due
                elif state in CLOSED_STATES or state == "follow_up":
                    cb_stop = closed or last
                    clocks.append(("callback", "working_days", told, told + timedelta(days=7), "stopped", None,
                                   "", cb_stop, False))
        elif state == "closed_inquiry":
            clocks.append(("inquiry_reply", "same_working_day", received, received + timedelta(hours=8),
                           "stopped", None, "", closed, False))
        if state not in CLOSED_STATES:
            stats["open"] += 1
            if due_at is not None:
                stats["overdue"] += due_at < now
                stats["due_today"] += now <= due_at < end_of_today

        for code, unit, started, due, status, paused, reason, stopped, breached in clocks:
            out["clocks"].append((cid, code, unit, adapt(started), adapt(due), status, adapt(paused), reason,
                                  adapt(stopped), breached, adapt(due) if breached else None, False))
        if dispatched:
            assigned = registered + timedelta(hours=rng.randrange(1, 48))
            accepted = assigned + timedelta(hours=rng.randrange(1, 24)) if handler else None
            out["assignments"].append((cid, units[responsible], "请核实并处理", owner, adapt(assigned),
                                       "accepted" if handler else "open", handler, adapt(accepted), handler, ""))
        proposer = handler or owner
        if state == "proposed":
            roles = weighted(rng, dict((tuple(r), w) for r, w in approver_sets))
            out["proposals"].append((cid, "经核实，拟向客户解释并致歉", "已调取录音和交易记录", "institution", "",
                                     None, json_dump(list(roles), connection), proposer, adapt(last), "pending",
                                     ""))
        if state == "investigating" and due_at is not None and rng.random() < 0.02:
            out["extensions"].append((cid, "resolution", 1, 10, "需调取交易所记录", "取得记录后答复客户", False,
                                      "", proposer, adapt(last), adapt(due_at), "requested", "",
                                      json_dump([], connection)))

        # The ledger: a few events of the path, hashed with the project's own functions.
        path = PATHS[state]
        k = min(len(path), rng.choice((3, 4, 5)))
        picked = path if k == len(path) else [path[0], *[path[i] for i in sorted(
            rng.sample(range(1, len(path) - 1), k - 2))], path[-1]]
        prev, step = ledger.GENESIS, (last - received) / max(1, len(picked) - 1)
        for seq, name in enumerate(picked, 1):
            at = received + step * (seq - 1) + timedelta(microseconds=seq)
            actor, role = (handler, "handler") if handler and seq > 2 else (first_responder, "intake")
            payload = ledger.canonical({"state": state if seq == len(picked) else "", "step": name.lower(),
                                        "reference": reference} if seq in (1, len(picked)) else
                                       {"step": name.lower()})
            digest = ledger.event_hash(complaint_id=cid, seq=seq, type_code=types[name], at=at, actor_id=actor,
                                       actor_role=role, channel="web", payload=payload, prev_hash=prev)
            out["events"].append((cid, seq, types[name], adapt(at), actor, role, "web", payload, prev, digest))
            prev = digest

        row = list(c_proto)
        for attname, value in (
            ("id", cid), ("reference", reference), ("state", state),
            ("kind", "inquiry" if state == "closed_inquiry" else "complaint"),
            ("version", len(picked)), ("customer_id", rng.randrange(1, n_customers + 1)), ("channel", channel),
            ("received_at", adapt(received)), ("registered_at", adapt(registered)),
            ("referral_source", "hotline_12386" if channel == "regulator_referral" else ""),
            ("subject", subject), ("cause", cause), ("request", rng.choice(REQUESTS)),
            ("amount_claimed", Decimal(rng.randrange(100, 500_000)) if rng.random() < 0.15 else None),
            ("category", category), ("severity", severity_pick(rng)),
            ("urgency", "urgent" if rng.random() < 0.05 else "normal"),
            ("intake_unit_id", units[intake_unit]), ("branch_id", units[branch] if branch else None),
            ("responsible_unit_id", units[responsible] if dispatched else None), ("owner_id", owner),
            ("first_responder_id", first_responder), ("handler_id", handler), ("closed_at", adapt(closed)),
            ("archived_at", adapt(last) if state == "archived" else None),
            ("follow_up_since", adapt(last) if state in ("follow_up", "deemed_closed") else None),
            ("outcome", "resolved" if state in ("closed", "archived") else ""),
            ("satisfied", (rng.random() < 0.85) if state in ("closed", "archived") else None),
            ("due_at", adapt(due_at)), ("ledger_head", prev), ("ledger_length", len(picked)),
            ("created_at", adapt(received)), ("updated_at", adapt(last)),
        ):
            row[ci[attname]] = value
        out["complaints"].append(row)

    tables = [Customer, Complaint, ComplaintClock, Assignment, Event]
    gen_s = copy_s = 0.0
    with foreign_keys_dropped(connection, tables + [Proposal, Extension]) as fks, \
            secondary_indexes_dropped(connection, tables) as dropped:
        t_rows = time.perf_counter()
        chunk = []
        for row in customer_rows():
            chunk.append(row)
            if row[0] in (1, n_customers // 3, n_customers // 2):
                customers_out["name"][row[0]] = row[1]
            if len(chunk) >= batch * 2:
                insert(connection, Customer, cust_columns, chunk)
                chunk = []
        if chunk:
            insert(connection, Customer, cust_columns, chunk)
        for first in range(1, n + 1, batch):
            out = {"complaints": [], "clocks": [], "assignments": [], "proposals": [], "extensions": [],
                   "events": []}
            t = time.perf_counter()
            for cid in range(first, min(first + batch, n + 1)):
                complaint(cid, out)
            t2 = time.perf_counter()
            gen_s += t2 - t
            insert(connection, Complaint, c_columns, out["complaints"])
            insert(connection, ComplaintClock, k_columns, out["clocks"])
            insert(connection, Assignment, A_COLUMNS, out["assignments"])
            insert(connection, Proposal, p_columns, out["proposals"])
            insert(connection, Extension, x_columns, out["extensions"])
            insert(connection, Event, e_columns, out["events"])
            copy_s += time.perf_counter() - t2
            for key in ("events", "clocks", "assignments", "proposals", "extensions"):
                stats[key] += len(out[key])
            if sys.stdout.isatty():
                print(f"\r  seeded {min(first + batch - 1, n):>10,} / {n:,} complaints", end="", flush=True)
        if sys.stdout.isatty():
            print()
        rows_s = time.perf_counter() - t_rows
        t_idx = time.perf_counter()
    index_s = time.perf_counter() - t_idx
    reset_sequences(connection, [Customer, *tables[1:], Proposal, Extension])
    stats["assignments"] += send_some_back(connection)
    # The dashboard's day tallies, as the services would have kept them (a recount).
    t_tally = time.perf_counter()
    stats["tallies"] = tally.rebuild(cal.tz)
    stats["tally_s"] = time.perf_counter() - t_tally
    # The statistics' period tallies, through the code `redress tallies --rebuild` runs.
    t_tally = time.perf_counter()
    stats["period_tallies"] = period_tally.rebuild(cal)
    stats["period_tally_s"] = time.perf_counter() - t_tally
    t_an = time.perf_counter()
    with connection.cursor() as cur:
        # VACUUM too on PostgreSQL: freshly copied tables have no visibility map (every
        # index-only scan would fetch the heap) and no hint bits (the first read of each
        # page writes it back), which autovacuum would fix over time, and is off here.
        cur.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    return {**stats, "customers": n_customers, "seconds": time.perf_counter() - t0, "rows_s": rows_s,
            "gen_s": gen_s, "copy_s": copy_s, "index_s": index_s, "indexes": len(dropped),
            "fks": len(fks), "analyze_s": time.perf_counter() - t_an}


# One dispatched case in this many went first to another branch, which sent it back:
# the case is that branch's by its returned work order alone (scope.UNIT_LINKS), and its
# complaint is marked orders_elsewhere (the scope probes the work orders of those rows).
SENT_BACK_ONE_IN = 20


def send_some_back(connection) -> int:
    """Add the returned work orders (SENT_BACK_ONE_IN) and mark their complaints; the
    seed calls it before counting the tallies. A database seeded before it had none:
    `web_pages.py --reuse` adds them once (the caller rebuilds the period tallies, which
    keep a row for each unit that sees a case). Returns how many it added."""
    from django.db import transaction
    from django.db.models import F

    from redress.complaints.models import Assignment, Complaint, OrgUnit

    if Assignment.objects.filter(status=Assignment.Status.RETURNED).exists():
        return 0
    branches = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).order_by("pk").values_list("pk", flat=True))
    first_orders = (Assignment.objects.annotate(one_in=F("complaint_id") % SENT_BACK_ONE_IN).filter(one_in=7)
                    .order_by("complaint_id").values_list("complaint_id", "unit_id", "assigned_by_id", "assigned_at"))
    rows = []
    for complaint_id, unit_id, assigned_by, assigned_at in first_orders.iterator(chunk_size=20000):
        other = [b for b in branches if b != unit_id]
        rows.append((complaint_id, other[complaint_id // SENT_BACK_ONE_IN % len(other)], "请核实并处理", assigned_by,
                     assigned_at - timedelta(hours=2), "returned", None, None, None, "非本营业部客户,退回投诉管理部门"))
    insert(connection, Assignment, A_COLUMNS, rows)
    with transaction.atomic():
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), 5000):
            Complaint.objects.filter(pk__in=ids[start:start + 5000]).update(orders_elsewhere=True)
    return len(rows)


def fast_datetime_adapter(connection):
    """connection.ops.adapt_datetimefield_value, minus its per-call settings lookups on
    SQLite (naive UTC text there; PostgreSQL takes the aware datetime as it is).
    Checked against Django's own function before use, so the stored text is the same."""
    django_adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor != "sqlite":
        return django_adapt
    tz = connection.timezone

    def adapt(value):
        return None if value is None else str(value.astimezone(tz).replace(tzinfo=None))

    probe = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
    for value in (probe, probe.replace(microsecond=0), probe.astimezone(connection.timezone), None):
        if adapt(value) != django_adapt(value):
            return django_adapt
    return adapt
