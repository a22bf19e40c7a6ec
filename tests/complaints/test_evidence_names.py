"""Evidence names of any length and script: the file on disk is named by its digest,
the name the sender gave is kept (up to 255 characters) and sent back on download."""

from __future__ import annotations

import importlib
import json
from urllib.parse import quote

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Event, Evidence
from redress.complaints.services.evidence import keep_name
from redress.complaints.timesource import frozen
from tests.conftest import at

PDF = b"%PDF-1.4\n% statement of account\n"
LONG_CHINESE = "二〇二六年三月客户对账单及委托成交回报" * 13 + ".pdf"  # 251 characters


def test_a_300_character_chinese_name_is_kept_in_full_meaning_and_stored_under_a_short_path(org, walk):
    w = walk()
    name = "对" * 296 + ".pdf"
    assert len(name) == 300
    with frozen(at(2026, 3, 2, 11)):
        item = svc.evidence_add(w.c, actor=org.intake, name=name, content_type="application/pdf", data=PDF)
    item.refresh_from_db()
    # the name is cut to 255 characters before its extension, and says it was cut
    assert len(item.original_name) == 255 and item.original_name.endswith("….pdf")
    assert item.original_name.startswith("对" * 250)
    # the path on disk is short, ASCII, and keeps the type
    assert len(item.file.name) < 100 and item.file.name.isascii() and item.file.name.endswith(".pdf")
    assert item.file.name.startswith(f"evidence/{w.c.reference}/")
    with item.file.open("rb") as fh:
        assert fh.read() == PDF
    # and the ledger records that the name was shortened
    added = json.loads(Event.objects.get(complaint=w.c, type=EventType.EVIDENCE_ADDED).payload)
    assert added["name"] == item.original_name and added["name_shortened"] is True


def test_a_name_under_255_characters_is_kept_exactly_and_the_ledger_says_nothing_was_cut(org, walk):
    w = walk()
    with frozen(at(2026, 3, 2, 11)):
        item = svc.evidence_add(w.c, actor=org.intake, name=LONG_CHINESE, content_type="application/pdf", data=PDF)
    assert Evidence.objects.get().original_name == LONG_CHINESE
    added = json.loads(Event.objects.get(complaint=w.c, type=EventType.EVIDENCE_ADDED).payload)
    assert "name_shortened" not in added and item.file.name.endswith(".pdf")


def test_the_same_file_twice_gets_two_files_on_disk(org, walk):
    w = walk()
    with frozen(at(2026, 3, 2, 11)):
        one = svc.evidence_add(w.c, actor=org.intake, name="a.pdf", content_type="application/pdf", data=PDF)
        two = svc.evidence_add(w.c, actor=org.intake, name="b.pdf", content_type="application/pdf", data=PDF)
    assert one.file.name != two.file.name and len(two.file.name) < 100


def test_keep_name_removes_control_characters_and_keeps_the_extension():
    assert keep_name("state\x00ment\x07.pdf") == ("statement.pdf", False)
    assert keep_name("a\u00a0b.pdf") == ("a b.pdf", False)
    cut, shortened = keep_name("x" * 400)  # no extension: cut at 255
    assert shortened and len(cut) == 255 and cut.endswith("…")
    cut, shortened = keep_name("报告." + "y" * 300)  # an "extension" too long to be one
    assert shortened and len(cut) == 255


def test_the_migration_gives_old_rows_their_name_from_the_path():
    migration = importlib.import_module("redress.complaints.migrations.0012_reports13_evidence_names")
    assert migration.name_from_path("evidence/TS-2026-000001/0123456789abcdef-对账单.pdf") == "对账单.pdf"
    assert migration.name_from_path("evidence/2026/03/plain.pdf") == "plain.pdf"
    assert len(migration.name_from_path("evidence/X/0123456789abcdef-" + "长" * 300 + ".pdf")) == 255


def test_the_migration_fills_a_blank_original_name_and_leaves_the_others(org, walk):
    from django.apps import apps

    migration = importlib.import_module("redress.complaints.migrations.0012_reports13_evidence_names")
    w = walk()
    with frozen(at(2026, 3, 2, 11)):
        kept = svc.evidence_add(w.c, actor=org.intake, name="kept.pdf", content_type="application/pdf", data=PDF)
    old = Evidence.objects.create(complaint=w.c, file=f"evidence/{w.c.reference}/0123456789abcdef-旧对账单.pdf",
                                  original_name="", content_type="application/pdf", size=1, sha256="0" * 64,
                                  uploaded_at=at(2026, 3, 2, 11))
    migration.fill_original_names(apps, None)
    assert Evidence.objects.get(pk=old.pk).original_name == "旧对账单.pdf"
    assert Evidence.objects.get(pk=kept.pk).original_name == "kept.pdf"


def content_disposition_names(name: str) -> str:
    return f"attachment; filename*=utf-8''{quote(name)}"


def test_download_sends_the_original_chinese_name_as_rfc_5987(org, walk, client):
    w = walk()
    with frozen(at(2026, 3, 2, 11)):
        item = svc.evidence_add(w.c, actor=org.intake, name=LONG_CHINESE, content_type="application/pdf", data=PDF)
    client.force_login(org.intake)
    response = client.get(f"{w.c.get_absolute_url()}evidence/{item.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == content_disposition_names(LONG_CHINESE)
