"""Rate limits per client address, and attachments refused before anything is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redress.complaints.models import Communication, Complaint, Customer, Event, Evidence
from redress.complaints.timesource import frozen
from redress.portal import throttle
from redress.portal.models import RateCounter
from tests.portal.conftest import WHEN, form_data, look_up

PDF = b"%PDF-1.7\n" + b"0" * 100


def test_lookups_are_rate_limited_per_address(org, customer, submit):
    reference, code = submit(customer())
    phone = customer(address="203.0.113.50")
    # Given ten lookups from one address within ten minutes (good ones: not failures)
    for minute in range(10):
        assert look_up(phone, reference, code, when=WHEN + timedelta(minutes=minute)).status_code == 302
    # When an eleventh comes
    too_many = look_up(phone, reference, code, when=WHEN + timedelta(minutes=9, seconds=30))
    # Then it gets the polite page, in the customer's language
    assert too_many.status_code == 429 and "请稍后再试" in too_many.content.decode()
    # while another address is not affected
    assert look_up(customer(address="203.0.113.51"), reference, code,
                   when=WHEN + timedelta(minutes=9, seconds=30)).status_code == 302
    # and after the window the first address may look up again
    assert look_up(phone, reference, code, when=WHEN + timedelta(minutes=10)).status_code == 302


def test_failed_access_codes_are_limited_even_with_the_right_code_afterwards(org, customer, submit):
    reference, code = submit(customer())
    guesser = customer(address="203.0.113.60")
    for i in range(throttle.LIMITS["bad_code"].count):
        assert look_up(guesser, reference, f"AAAA-BBBB-CCCC-000{i}",
                       when=WHEN + timedelta(minutes=10 * i)).status_code == 404
    # the sixth try within the hour is refused even when it would be right
    assert look_up(guesser, reference, code, when=WHEN + timedelta(minutes=59)).status_code == 429
    assert look_up(guesser, reference, code, when=WHEN + timedelta(minutes=61)).status_code == 302


def test_submissions_are_limited_per_address(org, customer, submit):
    phone = customer(address="203.0.113.70")
    for i in range(throttle.LIMITS["submit"].count):
        submit(phone, when=WHEN + timedelta(minutes=i))
    with frozen(WHEN + timedelta(minutes=30)):
        response = phone.post("/portal/", form_data())
    assert response.status_code == 429 and Complaint.objects.count() == throttle.LIMITS["submit"].count


def test_counters_are_kept_in_the_database_by_a_keyed_hash_of_the_address(org, customer, submit):
    reference, code = submit(customer(address="203.0.113.80"))
    look_up(customer(address="203.0.113.80"), reference, "wrong")
    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert {k.split(":")[0] for k in keys} == {"submit", "lookup", "bad_code"}
    assert not any("203.0.113.80" in k for k in keys)


def test_a_forwarded_for_header_is_never_read_by_the_application(rf):
    """Only the web server turns a trusted proxy's X-Forwarded-For into REMOTE_ADDR
    (redress.proxy; tests/web/test_behind_nginx.py runs it behind nginx): a header that
    reaches the application is ignored, so a client cannot type a fresh address."""
    request = rf.get("/portal/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.77")
    assert throttle.client_address(request) == "10.0.0.1"


def test_oversized_attachment_is_refused_before_anything_is_stored(org, customer, settings):
    limit = 20 * 1024 * 1024  # the cn-securities pack's limit
    big = SimpleUploadedFile("账单.pdf", PDF + b"0" * (limit - len(PDF) + 1), content_type="application/pdf")
    small = SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")
    with frozen(WHEN):
        response = customer().post("/portal/", {**form_data(), "attachments": [small, big]})
    html = response.content.decode()
    assert response.status_code == 400 and "“账单.pdf”大小为 20.0 MB,每个文件不得超过 20.0 MB" in html
    assert "3月1日我在手机App下单买入" in html  # what was typed is kept
    assert (Complaint.objects.count(), Customer.objects.count(), Evidence.objects.count(), Event.objects.count(),
            Communication.objects.count()) == (0, 0, 0, 0, 0)
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_of_the_wrong_type_or_disguised_is_refused(org, customer, settings):
    exe = SimpleUploadedFile("setup.exe", b"MZ" + b"\x00" * 50, content_type="application/x-msdownload")
    fake = SimpleUploadedFile("截图.png", b"MZ" + b"\x00" * 50, content_type="image/png")
    with frozen(WHEN):
        response = customer("en").post("/portal/", {**form_data(), "attachments": [exe]})
        disguised = customer("en").post("/portal/", {**form_data(), "attachments": [fake]})
    assert "“setup.exe”: this kind of file is not accepted" in response.content.decode()
    assert "“截图.png” does not look like the kind of file its name says" in disguised.content.decode()
    assert Complaint.objects.count() == 0 and Evidence.objects.count() == 0


def test_a_windows_program_declared_a_recording_is_refused(org, customer, settings):
    """Issue 14 item 4: `invoice.exe` with an executable header, declared audio/mpeg, was
    accepted and later offered to staff under that name."""
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 52 + b"PE\x00\x00" + b"\x00" * 100
    with frozen(WHEN):
        named = customer("en").post("/portal/", {**form_data(), "attachments": [
            SimpleUploadedFile("invoice.exe", exe, content_type="audio/mpeg")]})
        renamed = customer("en").post("/portal/", {**form_data(), "attachments": [
            SimpleUploadedFile("invoice.mp3", exe, content_type="audio/mpeg")]})
    assert named.status_code == renamed.status_code == 400
    assert "“invoice.exe” does not look like the kind of file its name says" in named.content.decode()
    assert "“invoice.mp3” does not look like the kind of file its name says" in renamed.content.decode()
    assert Complaint.objects.count() == 0 and Evidence.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_submission_with_good_files_stores_them_with_the_complaint(org, customer, submit, settings):
    with frozen(WHEN):
        response = customer().post("/portal/", {**form_data(), "attachments": [
            SimpleUploadedFile("对账单.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"1" * 30, content_type="application/octet-stream")]})
    assert response.status_code == 302
    names = sorted(Evidence.objects.filter(source="customer").values_list("original_name", flat=True))
    assert names == ["photo.jpg", "对账单.pdf"]
    assert all((settings.MEDIA_ROOT / e.file.name).is_file() for e in Evidence.objects.all())


def test_a_failure_after_the_files_are_stored_removes_them_and_the_complaint(org, customer, settings, monkeypatch):
    from redress.portal import services

    def broken():
        raise RuntimeError("disk full")

    # The consent is recorded after the files are stored.
    monkeypatch.setattr(services, "current_time", broken)
    with frozen(WHEN), pytest.raises(RuntimeError):
        customer().post("/portal/", {**form_data(), "attachments": [
            SimpleUploadedFile("对账单.pdf", PDF, content_type="application/pdf")]})
    assert Complaint.objects.count() == 0 and Evidence.objects.count() == 0
    assert (settings.MEDIA_ROOT / "evidence").is_dir()  # the file had been stored ...
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))  # ... and was removed
