"""Evidence on the complaint page: upload through the service, refused before anything
is stored when too large or of a disallowed type, downloaded only by those who may
see the complaint."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from redress.complaints.ledger import EventType
from redress.complaints.models import Event, Evidence

PDF = b"%PDF-1.4\n% statement of account\n" + b"0" * 200


def upload(client, complaint, name="对账单.pdf", data=PDF, content_type="application/pdf", **fields):
    return client.post(f"{complaint.get_absolute_url()}evidence/",
                       {"file": SimpleUploadedFile(name, data, content_type=content_type),
                        "description": "三月对账单", "source": "customer", **fields})


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_handler_adds_evidence_and_the_ledger_records_its_hash(org, walk, signed_in):
    w = walk().assess().dispatch().accept()
    handler = signed_in("handler")
    response = upload(handler, w.c)
    assert response.status_code == 302 and response["Location"].endswith("#evidence")
    item = Evidence.objects.get(complaint=w.c)
    assert item.original_name == "对账单.pdf" and item.sha256 == hashlib.sha256(PDF).hexdigest()
    assert item.uploaded_by == org.handler and item.source == "customer"
    assert Event.objects.filter(complaint=w.c, type=EventType.EVIDENCE_ADDED, actor=org.handler).exists()
    html = handler.get(w.c.get_absolute_url()).content.decode()
    assert "对账单.pdf" in html and item.sha256 in html and "三月对账单" in html


def test_oversized_upload_is_refused_and_nothing_is_stored(org, walk, signed_in, settings):
    # Given a deployment that allows 1 KB per file
    settings.REDRESS_MAX_ATTACHMENT_BYTES = 1024
    w = walk().assess().dispatch().accept()
    # When a 5 KB PDF is uploaded
    response = upload(signed_in("handler"), w.c, data=PDF + b"1" * 5000)
    # Then the page comes back with the error on the file field, keeping what was typed
    assert response.status_code == 400
    html = response.content.decode()
    assert "超过 1.0 KB 的大小上限,未保存任何内容" in html
    assert 'aria-invalid="true"' in html and "三月对账单" in html
    # and nothing was stored: no row, no event, no file
    assert not Evidence.objects.filter(complaint=w.c).exists()
    assert not Event.objects.filter(complaint=w.c, type=EventType.EVIDENCE_ADDED).exists()
    assert stored_files(settings) == []


def test_upload_over_the_policy_limit_is_refused_while_streaming(org, walk, signed_in, settings):
    # The shipped policy allows 20 MiB; one byte more is dropped at the chunk that passes it.
    w = walk().assess().dispatch().accept()
    response = upload(signed_in("handler"), w.c, data=PDF + b"1" * (20 * 1024 * 1024))
    assert response.status_code == 400
    assert "20.0 MB" in response.content.decode()
    assert not Evidence.objects.exists() and stored_files(settings) == []


def test_disallowed_type_is_refused_before_anything_is_stored(org, walk, signed_in, settings):
    w = walk().assess().dispatch().accept()
    response = upload(signed_in("handler", "en"), w.c, name="tool.exe", data=b"MZ\x90\x00",
                      content_type="application/x-msdownload")
    assert response.status_code == 400
    assert "application/x-msdownload, which the policy does not allow" in response.content.decode()
    assert not Evidence.objects.exists() and stored_files(settings) == []


def test_file_that_is_not_what_it_claims_is_refused_by_the_service(org, walk, signed_in, settings):
    w = walk().assess().dispatch().accept()
    response = upload(signed_in("handler", "en"), w.c, name="fake.pdf", data=b"MZ not a pdf")
    assert response.status_code == 400
    assert "not a application/pdf file" in response.content.decode()
    assert not Evidence.objects.exists() and stored_files(settings) == []


def test_callback_agent_may_not_upload(org, walk, signed_in):
    w = walk().to_awaiting_callback()
    callback = signed_in("callback")
    assert 'enctype="multipart/form-data"' not in callback.get(w.c.get_absolute_url()).content.decode()
    assert upload(callback, w.c).status_code == 403
    assert not Evidence.objects.exists()


def test_download_of_evidence_checks_visibility(org, walk, signed_in):
    # Given evidence on a case of the Tianhe branch
    w = walk().assess().dispatch().accept()
    upload(signed_in("handler"), w.c)
    item = Evidence.objects.get(complaint=w.c)
    url = f"{w.c.get_absolute_url()}evidence/{item.pk}/"
    # When the handler downloads it, it comes as an attachment that browsers may not sniff
    response = signed_in("handler").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    # Then a handler of another branch gets 404, as for a file that does not exist
    org.handler2.unit = org.branch2
    org.handler2.save()
    assert signed_in("handler2").get(url).status_code == 404
    # and the file's id under another complaint's reference is 404 too
    other = walk()
    assert signed_in("office").get(f"{other.c.get_absolute_url()}evidence/{item.pk}/").status_code == 404


def test_each_download_is_recorded_in_the_ledger_and_shown_on_the_timeline(org, walk, signed_in):
    w = walk().assess().dispatch().accept()
    upload(signed_in("handler"), w.c)
    item = Evidence.objects.get(complaint=w.c)
    url = f"{w.c.get_absolute_url()}evidence/{item.pk}/"
    office = signed_in("office", "en")
    assert office.get(url).status_code == 200
    event = Event.objects.get(complaint=w.c, type=EventType.EVIDENCE_DOWNLOADED)
    assert event.actor == org.office and event.actor_role == "complaints_office"
    assert f'"sha256":"{item.sha256}"' in event.payload and '"evidence":' in event.payload
    html = office.get(w.c.get_absolute_url()).content.decode()
    assert "downloaded evidence 对账单.pdf" in html
    # A refused download (not this complaint's file) leaves nothing in the ledger
    other = walk()
    office.get(f"{other.c.get_absolute_url()}evidence/{item.pk}/")
    assert not Event.objects.filter(complaint=other.c, type=EventType.EVIDENCE_DOWNLOADED).exists()


def test_a_file_with_a_300_character_chinese_name_is_taken_and_downloaded_under_its_name(org, walk, signed_in):
    from urllib.parse import quote

    w = walk().assess().dispatch().accept()
    handler = signed_in("handler")
    name = "客户三月对账单" * 42 + ".pdf"  # 298 characters; the upload keeps 255 with the extension
    response = upload(handler, w.c, name=name)
    assert response.status_code == 302, response.content.decode()[:500]
    item = Evidence.objects.get(complaint=w.c)
    assert item.original_name.startswith("客户三月对账单") and item.original_name.endswith(".pdf")
    assert len(item.original_name) <= 255 and len(item.file.name) < 100
    download = handler.get(f"{w.c.get_absolute_url()}evidence/{item.pk}/")
    assert download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(item.original_name)}"
