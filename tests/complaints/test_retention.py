"""retention_years (001 第二十四条: 投诉台帐保存时间不得少于三年): a complaint's record is
kept that long after archiving, and nothing deletes it before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db.models import ProtectedError

from redress.complaints import retention
from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted
from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from tests.conftest import SH, at


def _archived(org, walk, when):
    w = walk(when=when).to_awaiting_callback().callback()
    with frozen(when):
        svc.complaint_archive(w.c, actor=org.office, root_cause="customer_misunderstanding")
    return Complaint.objects.get(pk=w.c.pk)


def test_the_record_is_kept_retention_years_after_archiving(org, walk):
    c = _archived(org, walk, at(2026, 12, 31, 23, 30))  # New Year's Eve in Shanghai, already 2027 nowhere
    until = retention.kept_until(c)
    assert until.astimezone(SH).date().isoformat() == "2029-12-31"  # cn-securities: 3 years
    with pytest.raises(NotPermitted, match="2029-12-31.*001 第二十四条"):
        retention.ensure_may_delete(c, now=until - timedelta(minutes=1))
    retention.ensure_may_delete(c, now=until)  # from then on a purge may take it


def test_archived_on_29_february_is_kept_until_1_march(org, walk):
    c = _archived(org, walk, at(2028, 2, 29))
    assert retention.kept_until(c).astimezone(SH).date().isoformat() == "2031-03-01"


def test_a_complaint_not_archived_is_kept_for_ever(org, walk):
    c = walk().c
    assert retention.kept_until(c) is None
    with pytest.raises(NotPermitted, match="not archived"):
        retention.ensure_may_delete(c, now=at(2099, 1, 1))


def test_nothing_deletes_a_complaint_before_its_retention_ends(org, walk):
    c = _archived(org, walk, at(2026, 3, 2))
    with frozen(at(2027, 3, 2)), pytest.raises((NotPermitted, ProtectedError)):
        Complaint.objects.filter(pk=c.pk).delete()
    with frozen(at(2027, 3, 2)), pytest.raises(NotPermitted, match="001 第二十四条"):
        retention._refuse_early_delete(Complaint, instance=c)  # the pre_delete receiver itself
    assert Complaint.objects.filter(pk=c.pk).exists()
    assert not admin.site._registry[Complaint].has_delete_permission(None, c)
