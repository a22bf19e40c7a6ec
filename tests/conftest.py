"""Shared fixtures: a small securities broker organised as in seed 001, with a member
of staff for every role, and helpers that walk a complaint along its lifecycle."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import translation

from redress.complaints import services as svc
from redress.complaints.models import Institution, OrgUnit, Staff, StaffRole
from redress.complaints.timesource import frozen

# pytest-django's live server, taking turns with the test on SQLite
from tests.live_server_turns import _test_takes_turns_with_the_live_server, live_server  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")
PASSWORD = "x" * 12  # every member of the cast signs in with it


def at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def pytest_sessionstart(session):
    """A test database kept on disk (REDRESS_TEST_DB_FILE, for mutation runs that start
    pytest once a mutant with --reuse-db) starts every run as it was just migrated: a
    transactional test's flush empties the tables the migrations filled (the tallies'
    state, for one), and a later run would find them empty.

    Each run gets its own copy, a new file: mutmut runs pytest twice in its own process
    (stats, then the clean run) and forks every mutant's run from it, and a connection an
    earlier run left open in some thread still maps that file's write-ahead index, which
    SQLite shares per file within a process; overwriting the file in place made the next
    run's first connection fail with "disk I/O error"."""
    keep = os.environ.get("REDRESS_TEST_DB_FILE")
    if keep and Path(keep + ".pristine").exists():
        from django.conf import settings

        run_copy = f"{keep}.run-{os.getpid()}"
        _remove_database_file(run_copy)
        shutil.copyfile(keep + ".pristine", run_copy)
        settings.DATABASES["default"]["TEST"]["NAME"] = run_copy
        session.config.add_cleanup(lambda: _remove_database_file(run_copy))


def _remove_database_file(name: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


@pytest.fixture(autouse=True, scope="session")
def _pristine_copy_of_a_kept_test_database(request):
    keep = os.environ.get("REDRESS_TEST_DB_FILE")
    if not keep or Path(keep + ".pristine").exists():
        return
    request.getfixturevalue("django_db_setup")
    from django.db import connection

    with request.getfixturevalue("django_db_blocker").unblock(), connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(keep, keep + ".pristine")


@pytest.fixture(autouse=True, scope="session")
def _ledger_signing_key():
    """Checkpoints are signed (complaints/ledger_key.py); the test run has a key in its
    data directory, as `redress init` would create it."""
    from redress.complaints import ledger_key

    ledger_key.ensure()


@pytest.fixture(autouse=True, scope="session")
def _truncate_allowed_for_the_flush():
    """A transactional test (transaction=True, a live server) ends with Django emptying
    every table by TRUNCATE on PostgreSQL, which the ledger's tables refuse (ledger_guard);
    that one statement runs with the refusal lifted and put straight back."""
    from django.db import connection
    from django.test import TransactionTestCase

    from redress.complaints import ledger_guard

    real = TransactionTestCase._fixture_teardown

    def teardown(self):
        if connection.vendor != "postgresql":
            return real(self)
        with connection.cursor() as cur:
            for table in ledger_guard.ALL_TABLES:
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        try:
            return real(self)
        finally:
            with connection.cursor() as cur:
                for table in ledger_guard.ALL_TABLES:
                    cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
                    cur.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                                "FOR EACH STATEMENT EXECUTE FUNCTION redress_ledger_append_only()")

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = real


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service errors are translated into the active language. Outside a request the
    tests read them in English; a request from a zh-hans client switches its thread."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _due_at_from_memory_is_checked(monkeypatch):
    """A step works out Complaint.due_at from the clocks it holds, without a query
    (services.base.sync_due_at). Every time it does, in every test, check the answer
    against the clocks in the database: a clock changed behind the step's back shows."""
    from redress.complaints import rows
    from redress.complaints.services import base, timing

    real = base.sync_due_at

    def checked(complaint, clocks=None):
        real(complaint, clocks)
        held = rows.HOLDING.get()
        if held is not None and not held.paused_now:
            return  # bulk intake: the clocks are not written yet (the bulk tests compare the result)
        if clocks is not None:
            from_memory = complaint.due_at
            real(complaint)
            assert from_memory == complaint.due_at, f"due_at from the step's clocks {from_memory}, " \
                                                    f"from the database {complaint.due_at}"

    checked.__wrapped__ = real  # for a test that counts statements
    monkeypatch.setattr(base, "sync_due_at", checked)
    monkeypatch.setattr(timing, "sync_due_at", checked)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages cache figures per scope for a minute; ids repeat across tests on SQLite."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The cast has thirteen people; real password hashing would cost seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def grant(staff: Staff, role: str) -> None:
    """Give a role to someone already in the cast (and drop their cached role set)."""
    StaffRole.objects.create(staff=staff, role=role)
    staff.__dict__.pop("_role_cache", None)


class Org:
    """The cast. Attribute names are the roles they play."""

    def __init__(self):
        inst = Institution.objects.create(name="示例证券股份有限公司", name_en="Example Securities Co., Ltd.")

        def unit(code, name, kind, parent=None):
            return OrgUnit.objects.create(institution=inst, code=code, name=name, name_en=code, kind=kind,
                                          parent=parent)

        K = OrgUnit.Kind
        self.hq = unit("retail_hq", "零售客户总部", K.HEADQUARTERS)
        self.customer_service = unit("customer_service", "客户服务中心", K.CUSTOMER_SERVICE, self.hq)
        self.brokerage = unit("brokerage_dept", "经纪业务主管部门", K.COMPLAINTS_OFFICE, self.hq)
        self.branch = unit("branch_tianhe", "天河营业部", K.BRANCH, self.hq)
        self.branch2 = unit("branch_yuexiu", "越秀营业部", K.BRANCH, self.hq)
        for code, name in [("it_center", "信息技术中心"), ("marketing_center", "营销中心"),
                           ("compliance_legal", "合规与法律事务部"), ("audit_hq", "审计总部")]:
            setattr(self, code, unit(code, name, K.DEPARTMENT, self.hq))

        def person(username, unit, *roles, marketing=False):
            staff = Staff.objects.create_user(username=username, password=PASSWORD, unit=unit,
                                              display_name=username, is_marketing=marketing,
                                              email=f"{username}@example.com")
            for role in roles:
                StaffRole.objects.create(staff=staff, role=role)
            return staff

        self.intake = person("intake", self.customer_service, "intake")
        self.intake2 = person("intake2", self.branch, "intake")
        self.marketer = person("marketer", self.branch, "intake", marketing=True)
        self.handler = person("handler", self.branch, "handler")
        self.handler2 = person("handler2", self.branch, "handler")
        self.dept_head = person("dept_head", self.branch, "dept_head")
        self.office = person("office", self.brokerage, "complaints_office")
        self.office2 = person("office2", self.brokerage, "complaints_office")
        self.cro = person("cro", self.hq, "cro")
        self.senior = person("senior", self.hq, "senior_management")
        self.callback = person("callback", self.customer_service, "callback")
        self.compliance = person("compliance", self.compliance_legal, "compliance")
        self.auditor = person("auditor", self.audit_hq, "auditor")


@pytest.fixture
def org(db, request):
    yield Org()
    if not request.node.get_closest_marker("behind_the_services"):
        _tallies_match_a_recount()


def _tallies_match_a_recount() -> None:
    """The dashboard's day tallies and the statistics' period tallies are kept step by
    step by the services (complaints.tally, complaints.period_tally); after every test
    with the cast, they must equal a recount of the complaints and the rows around them."""
    from redress.complaints import period_tally, tally
    from redress.complaints.services.timing import calendar_for
    from redress.policy.loader import active_pack

    assert tally.kept() == tally.recount(), "the day tallies drifted from the complaints and clocks"
    assert period_tally.kept() == period_tally.recount(calendar_for(active_pack())), \
        "the statistics' period tallies drifted from the complaints"
    _orders_elsewhere_match_the_work_orders()


def _orders_elsewhere_match_the_work_orders() -> None:
    """Complaint.orders_elsewhere (the scope probes work orders only where it is set) is
    kept by the steps that move a complaint's unit or handler; after every test with the
    cast it must say what the work orders say."""
    from redress.complaints.models import Assignment, Complaint

    elsewhere = {complaint_id for complaint_id, unit_id, handler_id, responsible_id, handled_by in
                 Assignment.objects.values_list("complaint_id", "unit_id", "handler_id",
                                                "complaint__responsible_unit_id", "complaint__handler_id")
                 if unit_id != responsible_id or handler_id not in (None, handled_by)}
    assert set(Complaint.objects.filter(orders_elsewhere=True).values_list("pk", flat=True)) == elsewhere, \
        "Complaint.orders_elsewhere drifted from the work orders"


def complaint_input(**overrides) -> svc.ComplaintInput:
    # The phone with its country code, so that it is a number under every pack (a mainland
    # mobile in a London or New York firm needs its +86); at home it is kept as 13800138000.
    customer = overrides.pop("customer", None) or svc.CustomerInput(
        name="张三", phone="+86 138 0013 8000", account_number="310000123456")
    fields = dict(customer=customer, channel="phone", subject="委托未成交", cause="我昨天下午的委托一直未成交,系统显示已报。",
                  request="请核实并给出说明")
    fields.update(overrides)
    return svc.ComplaintInput(**fields)


class Walk:
    """Drives one complaint through the happy path, one step a call, so a test can stop
    where it wants and check what happens next."""

    def __init__(self, org: Org, when: datetime, **data):
        self.org, self.when = org, when
        with frozen(when):
            self.c = svc.complaint_receive(actor=org.intake, data=complaint_input(**data), register=True)

    def _at(self, fn, *args, **kwargs):
        with frozen(self.when):
            return fn(self.c, *args, **kwargs)

    def assess(self, **kw):
        kw.setdefault("category", "counter")
        kw.setdefault("severity", "medium")
        self._at(svc.complaint_assess, actor=self.org.office, **kw)
        return self

    def dispatch(self):
        self._at(svc.complaint_dispatch, actor=self.org.office, unit=self.org.branch)
        return self

    def accept(self, handler=None):
        self._at(svc.assignment_accept, actor=self.org.handler if handler is None else self.org.dept_head,
                 handler=handler)
        return self

    def propose(self, compensation=None, remedies=None):
        handler = Staff.objects.get(pk=self.c.handler_id)
        self.proposal = self._at(svc.resolution_propose, actor=handler, summary="解释委托规则并致歉",
                                 facts="委托价格超出涨跌停限制,交易所废单", responsibility="customer",
                                 legal_basis="交易规则第3.3条", compensation=compensation, remedies=remedies)
        return self

    def approve(self, by=None):
        self._at(svc.resolution_decide, actor=by or self.org.office, approve=True)
        return self

    def communicate(self):
        handler = Staff.objects.get(pk=self.c.handler_id)
        self._at(svc.result_communicate, actor=handler, channel="phone",
                 body="经核实,您的委托价格超出当日涨跌停限制,被交易所作废。依据交易规则第3.3条。我们已为您说明规则。")
        return self

    def callback(self, satisfied=True, by=None):
        self._at(svc.callback_record, actor=by or self.org.callback, satisfied=satisfied,
                 opinion="" if satisfied else "仍不认可")
        return self

    def to_awaiting_callback(self):
        return self.assess().dispatch().accept().propose().approve().communicate()


@pytest.fixture
def walk(org):
    def make(when: datetime | None = None, **data) -> Walk:
        return Walk(org, when or at(2026, 3, 2), **data)

    return make


@pytest.fixture
def today() -> date:
    return date(2026, 3, 2)
