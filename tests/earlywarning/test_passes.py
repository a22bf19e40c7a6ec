"""The sweep runs the detectors only when something happened since their last pass
(earlywarning/passes.py): a sweep a minute at a million complaints cannot spend 4–5 s
of them re-reading days of complaints that nothing touched."""

from __future__ import annotations

from datetime import timedelta

import pytest

from redress.complaints import services as svc
from redress.complaints.models import Complaint
from redress.complaints.sweep import sweep
from redress.complaints.timesource import frozen
from redress.earlywarning import passes
from redress.earlywarning.models import DetectorPass, EarlyWarning
from redress.policy.loader import active_pack
from tests.earlywarning.conftest import NOW

pytestmark = pytest.mark.django_db
CUSTOMER = "620011112222"


def pass_at(when):
    with frozen(when):
        return passes.raise_warnings_if_needed()


def test_with_nothing_happened_since_the_last_pass_the_detectors_are_not_run(org, make, monkeypatch):
    for d in (30, 20):
        make(NOW - timedelta(days=d), customer=CUSTOMER)
    assert pass_at(NOW) == []
    ran = []
    monkeypatch.setattr(passes, "raise_warnings", lambda **kw: ran.append(kw) or [])
    assert pass_at(NOW + timedelta(minutes=1)) is None
    assert pass_at(NOW + timedelta(minutes=59)) is None
    assert ran == []


def test_a_complaint_received_since_the_last_pass_brings_one_and_its_warning(org, make):
    for d in (30, 20):
        make(NOW - timedelta(days=d), customer=CUSTOMER)
    assert pass_at(NOW) == []
    third = make(NOW + timedelta(minutes=5), customer=CUSTOMER)
    [warning] = pass_at(NOW + timedelta(minutes=6))
    assert (warning.kind, warning.complaint_ids[-1]) == ("repeat", third.pk)
    assert pass_at(NOW + timedelta(minutes=7)) is None


def test_a_step_on_an_old_complaint_brings_a_pass(org, make):
    """A category given at assessment moves a complaint into another series: any event
    counts, not only a new complaint."""
    old = make(NOW - timedelta(days=3))
    assert pass_at(NOW) == []
    with frozen(NOW + timedelta(minutes=2)):
        svc.complaint_assess(Complaint.objects.get(pk=old.pk), actor=org.office, category="info_system",
                             severity="high")
    assert pass_at(NOW + timedelta(minutes=3)) == []


def test_an_hour_after_the_last_pass_the_detectors_run_whatever_happened(org, make):
    make(NOW - timedelta(days=3))
    assert pass_at(NOW) == []
    assert pass_at(NOW + timedelta(minutes=59)) is None
    assert pass_at(NOW + timedelta(hours=1)) == []
    assert DetectorPass.objects.get().ran_at == NOW + timedelta(hours=1)


def test_a_clock_set_back_counts_as_an_old_pass(org, make):
    make(NOW - timedelta(days=3))
    assert pass_at(NOW) == []
    assert pass_at(NOW - timedelta(minutes=5)) == []


def test_a_changed_policy_brings_a_pass(org, make, monkeypatch):
    make(NOW - timedelta(days=3))
    assert pass_at(NOW) == []
    pack = active_pack()
    stricter = pack.model_copy(update={"early_warning": pack.early_warning.model_copy(
        update={"repeat_min_complaints": pack.early_warning.repeat_min_complaints + 1})})
    monkeypatch.setattr(passes, "active_pack", lambda: stricter)
    assert pass_at(NOW + timedelta(minutes=1)) == []


def test_the_sweep_says_when_it_left_the_detectors_alone(org, make):
    for d in (30, 20, 10):
        make(NOW - timedelta(days=d), customer=CUSTOMER)
    with frozen(NOW):
        assert "1 early warnings raised" in sweep()
    with frozen(NOW + timedelta(minutes=1)):
        assert "early warnings not run (nothing happened since their last pass)" in sweep()
    assert EarlyWarning.objects.count() == 1


def test_a_clock_falling_due_or_someone_reading_personal_data_brings_no_pass(org, make, monkeypatch):
    """The sweep marks clocks late every minute somewhere in a million complaints, and
    reading a phone number is logged: neither changes what the detectors read."""
    old = make(NOW - timedelta(days=60))  # its clocks long past due
    assert pass_at(NOW) == []
    ran = []
    monkeypatch.setattr(passes, "raise_warnings", lambda **kw: ran.append(kw) or [])
    with frozen(NOW + timedelta(minutes=1)):
        assert svc.mark_breaches() >= 1
        svc.personal_data_reveal(Complaint.objects.get(pk=old.pk), actor=org.office, fields=["phone"],
                                 purpose="回电核实")
    assert old.events.filter(type__in=passes.UNMOVING).count() >= 2
    assert pass_at(NOW + timedelta(minutes=2)) is None
    with frozen(NOW + timedelta(minutes=3)):
        svc.complaint_assess(Complaint.objects.get(pk=old.pk), actor=org.office, category="info_system",
                             severity="high")
    assert pass_at(NOW + timedelta(minutes=4)) == []  # and a step that moves it still does
    assert len(ran) == 1
