"""A bank moving from another system (issue 13 item 9): per complaint its registration
date, resolution text, handler and responsible unit, outcome from its own column, the
correspondence and a folder of files keyed by the old system's id; closed cases' clocks
reconstructed from their dates so the statistics count them; estimated dates flagged on
the complaint; critical triggers in old complaints kept for review, never reported."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.db.models import Sum
from django.utils import translation

from redress.complaints import ledger
from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import (
    AuthorityReport,
    Communication,
    Complaint,
    ComplaintClock,
    DayTally,
    Event,
    Evidence,
)
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.imports.models import ImportedRecord
from redress.imports.runner import run_import
from redress.notify.models import OutboxMessage
from redress.policy.loader import active_pack
from redress.reports import statistics as stats
from redress.reports.periods import Period
from redress.web.complaint.timeline import timeline
from tests.conftest import at
from tests.imports.files import MAPPING, REAL_CFPB, real_cfpb_rows, write_csv
from tests.imports.files import ROWS as CFPB_ROWS

SH = ZoneInfo("Asia/Shanghai")
IMPORTED_AT = at(2026, 3, 2)

# The old system's export, as a Chinese bank's complaint system writes it.
BANK_MAPPING = """
source: oldbank
pack: general
id: 案件编号
timezone: Asia/Shanghai
date_formats: ["%Y-%m-%d"]
fields:
  received_at: 受理日期
  registered_at: { column: 登记日期 }
  subject: 摘要
  cause: 投诉内容
  closed_at: { column: 办结日期 }
  resolution: 处理结果
  handler: 处理人
  unit: 责任部门
customer:
  name: "{客户姓名}"
  phone: "{联系电话}"
channel: { column: 渠道, values: { 电话: phone, 柜面: walk_in, 网站: web } }
category: { column: 业务类别, values: { 收费: fees, 服务: service_quality, 盗刷: unauthorized_transaction } }
state: { column: 状态, values: { 已办结: { state: closed }, 处理中: { state: registered } } }
outcome: { column: 结案类型, values: { 解释说明: explained, 退还费用: refund, 不予支持: not_upheld } }
correspondence:
  - { column: 客户来函, direction: in, kind: customer_message, at: 受理日期 }  # it came with the complaint
  - { column: 答复函, direction: out, kind: result, at: 答复日期 }
attachments: { folder: 附件 }
handlers: { 张伟: handler }
"""
COLUMNS = ["案件编号", "受理日期", "登记日期", "办结日期", "状态", "渠道", "业务类别", "摘要", "投诉内容", "客户姓名",
           "联系电话", "处理人", "责任部门", "处理结果", "结案类型", "客户来函", "答复函", "答复日期"]
# March 2015: no public holiday and no 调休 working weekend in China, so a working day
# is a weekday (the independent count below relies on it). 2 March 2015 was a Monday.
ROWS = [
    # closed on time: registered the day it came in, answered two days later, with two files
    ["OB-001", "2015-03-02", "2015-03-02", "2015-03-04", "已办结", "柜面", "收费", "年费重复收取",
     "信用卡年费被扣了两次。", "王芳", "13800001111", "张伟", "天河营业部", "已退还重复收取的年费200元。",
     "退还费用", "附上扣费短信截图,请核实。", "经核实,重复扣收的年费已于3月4日退还。", "2015-03-04"],
    # closed late: registered three days later, closed after three weeks; a threat in its text
    ["OB-002", "2015-03-03", "2015-03-06", "2015-03-27", "已办结", "电话", "服务", "柜员态度",
     "柜员态度恶劣,我威胁要找他们领导。", "李强", "13900002222", "handler2", "branch_yuexiu",
     "已对柜员进行批评教育。", "解释说明", "", "", ""],
    # closed on time; the reply letter is in the file without its date
    ["OB-003", "2015-03-09", "2015-03-09", "2015-03-10", "已办结", "网站", "收费", "短信费",
     "未经同意开通短信提醒并收费。", "赵敏", "13700003333", "张伟", "天河营业部", "解释收费依据。", "不予支持",
     "", "短信提醒服务系开户时勾选开通,可随时取消。", ""],
    # still open in the old system; its text threatens a lawsuit
    ["OB-004", "2015-03-16", "2015-03-16", "", "处理中", "电话", "盗刷", "账户被盗刷",
     "账户被盗刷五千元,银行不处理我就起诉。", "孙丽", "13600004444", "handler2", "branch_yuexiu", "", "", "", "", ""],
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def write_bank_files(tmp_path, rows=ROWS, *, xlsx=False):
    """The export, its mapping and the attachments folder (one sub-folder per old id)."""
    mapping = tmp_path / "oldbank.yaml"
    mapping.write_text(BANK_MAPPING, encoding="utf-8")
    files = tmp_path / "附件"
    (files / "OB-001").mkdir(parents=True)
    (files / "OB-001" / "扣费短信截图.png").write_bytes(PNG)
    (files / "OB-001" / "退款回单.pdf").write_bytes(PDF)
    (files / "OB-001" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # the Mac's, not the case's
    (files / "OB-003").mkdir()
    (files / "OB-003" / "开户申请书.pdf").write_bytes(PDF + b"% page 2\n")
    if xlsx:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("投诉台账")
        sheet.append(COLUMNS)
        for row in rows:  # dates as Excel date cells, as a bank's clerk types them
            sheet.append([datetime.strptime(v, "%Y-%m-%d") if i in (1, 2, 3, 17) and v else v
                          for i, v in enumerate(row)])
        path = tmp_path / "投诉台账.xlsx"
        book.save(path)
    else:
        path = tmp_path / "投诉台账.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
    return path, mapping


def run(path, mapping, actor, **kw):
    with frozen(IMPORTED_AT), translation.override("en"):
        return run_import(path, mapping, actor=actor, **kw)


def events(complaint) -> list[tuple[int, dict]]:
    return [(e.type, json.loads(e.payload)) for e in Event.objects.filter(complaint=complaint).order_by("seq")]


@pytest.mark.django_db
@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_a_bank_export_comes_in_with_its_handler_unit_resolution_outcome_letters_and_files(org, importer,
                                                                                          tmp_path, xlsx):
    path, mapping = write_bank_files(tmp_path, xlsx=xlsx)

    report = run(path, mapping, importer)

    assert (report.imported, report.rejected) == (4, [])
    refund = Complaint.objects.get(external_reference="OB-001")
    assert (refund.handler, refund.responsible_unit) == (org.handler, org.branch)  # 张伟 → handler; by unit name
    assert refund.resolution == "已退还重复收取的年费200元。"
    assert (refund.state, refund.outcome) == ("closed", "refund")  # the outcome from its own column
    assert refund.registered_at.astimezone(SH) == datetime(2015, 3, 2, 9, 0, tzinfo=SH)
    assert refund.closed_at.astimezone(SH).date() == date(2015, 3, 4) and refund.estimated_dates == []
    rude = Complaint.objects.get(external_reference="OB-002")
    assert (rude.handler, rude.responsible_unit, rude.outcome) == (org.handler2, org.branch2, "explained")
    assert rude.registered_at.astimezone(SH).date() == date(2015, 3, 6)

    # the correspondence, with the dates the letters bear
    letters = list(refund.communications.order_by("at", "direction").values_list("direction", "kind", "body", "at"))
    assert [(d, k, b) for d, k, b, _ in letters] == [
        ("in", "customer_message", "附上扣费短信截图,请核实。"),
        ("out", "result", "经核实,重复扣收的年费已于3月4日退还。")]
    assert letters[1][3].astimezone(SH).date() == date(2015, 3, 4)
    assert Communication.objects.get(complaint=refund, direction="out").staff == org.handler
    # a reply the file does not date: the closing date stands in, and the case says so
    sms = Complaint.objects.get(external_reference="OB-003")
    assert sms.communications.get().at == sms.closed_at and sms.estimated_dates == ["correspondence"]

    # the files of each case, by the old system's id, byte for byte (the hidden file is not one)
    files = {e.original_name: e for e in Evidence.objects.filter(complaint=refund)}
    assert set(files) == {"扣费短信截图.png", "退款回单.pdf"}
    source = tmp_path / "附件" / "OB-001" / "退款回单.pdf"
    assert files["退款回单.pdf"].sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert files["退款回单.pdf"].content_type == "application/pdf" and files["退款回单.pdf"].source == "import"
    with files["退款回单.pdf"].file.open("rb") as fh:
        assert fh.read() == PDF
    assert Evidence.objects.filter(complaint=sms).count() == 1
    assert not Evidence.objects.filter(complaint=rude).exists()

    # the ledger: written in order at the time of the import, the past in the payload
    kinds = [t for t, _ in events(refund)]
    assert kinds == [EventType.IMPORTED, EventType.MESSAGE_RECEIVED, EventType.MESSAGE_SENT,
                     EventType.EVIDENCE_ADDED, EventType.EVIDENCE_ADDED]
    assert {e.at for e in Event.objects.filter(complaint=refund)} == {IMPORTED_AT}
    sent = dict(events(refund))[EventType.MESSAGE_SENT]
    assert sent["historical"] is True and sent["effective_at"].startswith("2015-03-04")
    imported = dict(events(refund))[EventType.IMPORTED]
    assert (imported["handler"], imported["unit"]) == (org.handler.pk, org.branch.pk)
    assert ledger.verify().ok
    # nobody is written to about a case of 2015
    assert not OutboxMessage.objects.exists()
    # the timeline says when the letter was dated, not only when it was imported
    sentences = [e.sentence for e in timeline(list(Event.objects.filter(complaint=refund).order_by("seq")))]
    assert sentences[2].endswith("(from the old system, dated 2015-03-04 09:00)")


def weekdays_after(first: date, last: date) -> int:
    """Weekdays after `first` up to and including `last` (March 2015 has no holidays)."""
    return sum(1 for n in range(1, (last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5)


def late_by_the_file(row: list[str], today: date) -> bool:
    """The general policy, read plainly off the export: registered within 24 hours,
    resolved within 5 working days of receipt (an open case: by today)."""
    received, registered = date.fromisoformat(row[1]), date.fromisoformat(row[2])
    ended = date.fromisoformat(row[3]) if row[3] else today
    return (registered - received).days > 1 or weekdays_after(received, ended) > 5


@pytest.mark.django_db
def test_closed_history_counts_in_the_statistics_on_time_figures(org, importer, tmp_path):
    path, mapping = write_bank_files(tmp_path)
    run(path, mapping, importer)

    # the clocks of each closed case, from its dates
    rude = Complaint.objects.get(external_reference="OB-002")
    clocks = {k.code: k for k in ComplaintClock.objects.filter(complaint=rude)}
    # the dispatch was never dated: no clock; the investigation ended by the result told at the latest
    assert set(clocks) == {"acknowledgement", "investigation", "resolution", "callback"}
    assert all(k.status == "stopped" for k in clocks.values())
    assert clocks["acknowledgement"].breached and clocks["resolution"].breached
    assert clocks["resolution"].stopped_at == rude.closed_at and clocks["resolution"].started_at == rude.received_at
    refund = Complaint.objects.get(external_reference="OB-001")
    assert not ComplaintClock.objects.filter(complaint=refund, breached=True).exists()
    summary = json.loads(Event.objects.get(complaint=rude, type=EventType.IMPORTED).payload)["clocks_reconstructed"]
    assert {c["code"]: c["late"] for c in summary} == {"acknowledgement": True, "investigation": True,
                                                       "resolution": True, "callback": False}

    # the statistics of March 2015, against a count made plainly from the file
    read_at = at(2026, 3, 3)
    closed_rows = [r for r in ROWS if r[4] == "已办结"]
    expected_on_time = sum(1 for r in closed_rows if not late_by_the_file(r, read_at.date()))
    expected_late = sum(1 for r in ROWS if late_by_the_file(r, read_at.date()))
    figures = stats.statistics(stats.Scope(org.office), Period.containing("month", date(2015, 3, 1)), now=read_at,
                               cal=calendar_for(active_pack())).figures
    assert (figures["received"].value, figures["closed"].value) == (4, 3)
    assert (figures["on_time"].value, figures["late"].value) == (expected_on_time, expected_late) == (2, 2)
    assert figures["median_days"].value == 2  # working days to close: 2, 1 and 18

    # and the dashboard's day tallies count the same clocks (the cast's fixture also
    # holds them to a recount)
    march = DayTally.objects.filter(day__gte=date(2015, 3, 1), day__lte=date(2015, 3, 31)).aggregate(
        received=Sum("received"), stopped=Sum("stopped"), on_time=Sum("on_time"), late=Sum("late"))
    stopped = ComplaintClock.objects.filter(status="stopped")
    # late clocks, on the day each passed its due time: OB-002's acknowledgement, its
    # investigation (3 working days) and its resolution
    assert march == {"received": 4, "stopped": stopped.count(), "on_time": stopped.filter(breached=False).count(),
                     "late": 3}


@pytest.mark.django_db
def test_a_2015_complaint_with_a_critical_trigger_is_a_case_for_review_not_a_police_report(org, importer,
                                                                                           tmp_path):
    path, mapping = write_bank_files(tmp_path)

    report = run(path, mapping, importer)

    rude = Complaint.objects.get(external_reference="OB-002")  # closed, with 威胁 (a threat: the police)
    theft = Complaint.objects.get(external_reference="OB-004")  # still open, with 起诉 (a lawsuit)
    assert "threat_of_harm" in rude.critical_flags  # on the closed case, for the register's critical filter
    assert theft.critical_flags == []  # on the open one, for its assessment to raise
    imported = json.loads(Event.objects.get(complaint=theft, type=EventType.IMPORTED).payload)
    assert "litigation_threat" in imported["triggers"] and imported["triggers_for_review"]
    # nothing is raised: no report owed to the police, no trigger event, nobody notified
    assert not AuthorityReport.objects.exists()
    assert not Event.objects.filter(type=EventType.TRIGGER_RAISED).exists()
    assert not OutboxMessage.objects.exists()
    # the summary for review names each case, by row and old id
    assert [(r.row, r.source_id) for r in report.for_review] == [(3, "OB-002"), (5, "OB-004")]
    assert "threat_of_harm" in report.for_review[0].triggers
    text = "\n".join(report.lines())
    assert "critical triggers found, for review (2 cases" in text and "row 3: oldbank OB-002" in text
    assert json.loads(Event.objects.get(complaint=rude, type=EventType.IMPORTED).payload)["triggers_for_review"]
    # the open case is the office's to assess, with its clocks running from 2015; the
    # trigger the office confirms is raised then, as for any case
    assert theft.state == "registered" and theft.due_at is not None and theft.due_at < IMPORTED_AT
    with frozen(IMPORTED_AT + timedelta(days=1)):
        svc.complaint_assess(theft, actor=org.office, category="unauthorized_transaction", severity="high",
                             critical_flags=["litigation_threat"])
    raised = json.loads(Event.objects.get(complaint=theft, type=EventType.TRIGGER_RAISED).payload)
    assert raised["triggers"] == ["litigation_threat"]
    assert OutboxMessage.objects.filter(kind="critical_trigger", complaint=theft).exists()


@pytest.mark.django_db
def test_a_dry_run_lists_the_cases_for_review_and_writes_no_file(org, importer, tmp_path, settings):
    path, mapping = write_bank_files(tmp_path)

    report = run(path, mapping, importer, dry_run=True)

    assert (report.ready, report.rejected, len(report.for_review)) == (4, [], 2)
    assert not Complaint.objects.exists() and not Evidence.objects.exists()
    assert not (settings.MEDIA_ROOT / "evidence").exists()


@pytest.mark.django_db
def test_an_unknown_handler_or_a_file_that_is_not_what_it_says_rejects_its_row_and_nothing_is_written(
        org, importer, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][11] = "刘洋"  # OB-003's handler left before the migration and has no account
    path, mapping = write_bank_files(tmp_path, rows)
    (tmp_path / "附件" / "OB-004").mkdir()
    (tmp_path / "附件" / "OB-004" / "身份证.pdf").write_bytes(b"MZ\x90\x00 an executable")

    report = run(path, mapping, importer)

    assert [(r.row, r.field) for r in report.rejected] == [(4, "handler"), (5, "attachments")]
    assert "刘洋" in report.rejected[0].reason
    assert report.rejected[1].reason.startswith("身份证.pdf: ")
    assert not Complaint.objects.exists() and not ImportedRecord.objects.exists()


@pytest.mark.django_db
def test_a_file_imported_again_brings_no_second_copy_of_letters_or_files(org, importer, tmp_path):
    path, mapping = write_bank_files(tmp_path)
    run(path, mapping, importer)

    again = run(path, mapping, importer)

    assert (again.imported, again.skipped) == (0, 4)
    assert (Communication.objects.count(), Evidence.objects.count()) == (3, 3)


@pytest.mark.django_db
def test_estimated_dates_show_on_the_case_page_and_in_the_register(org, importer, tmp_path, signed_in):
    # a CFPB case: the bureau publishes no closing date, so the mapping's stands in
    run(write_csv(tmp_path / "cfpb.csv", CFPB_ROWS[:1]), MAPPING, importer)
    case = Complaint.objects.get(external_reference="7000001")
    assert case.estimated_dates == ["closed_at"]

    client = signed_in("office", "en")
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="estimated-dates"' in page and "closing date" in page
    zh = signed_in("office", "zh-hans").get(case.get_absolute_url()).content.decode()
    assert "结案日期" in zh and "估计" in zh

    export = client.get("/register/export/", {"format": "csv", "period": "received", "date_from": "2023-03-01",
                                              "date_to": "2023-03-31"})
    assert export.status_code == 200
    table = list(csv.DictReader(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()))
    assert [(r["Reference"], r["Estimated dates"]) for r in table] == [(case.reference, "closing date")]


@pytest.mark.django_db
@pytest.mark.skipif(not REAL_CFPB.is_file(), reason=f"the CFPB sample is not at {REAL_CFPB} (CI has it)")
def test_the_real_cfpb_complaints_of_2015_come_in_with_clocks_flags_for_review_and_no_reports(importer, tmp_path):
    header, rows = real_cfpb_rows(lambda row: row[1].startswith("2015"))
    path = write_csv(tmp_path / "cfpb_2015.csv", rows, header)

    report = run(path, MAPPING, importer)

    assert (report.imported, report.rejected) == (len(rows), [])
    closed = Complaint.objects.filter(state="closed")
    assert closed.count() == sum(1 for r in rows if r[header.index("company_response")].startswith("Closed"))
    # every closed case has its resolution clock, stopped on the (estimated) closing date,
    # late by China's calendar (the general pack's) as chinese_calendar itself counts it;
    # exactly 5 working days depends on the hour (09:00 in New York is 21:00 in Shanghai)
    # and is left out of the count
    judged = 0
    for case in closed:
        clock = case.clocks.get(code="resolution")
        assert clock.status == "stopped" and clock.stopped_at == case.closed_at
        assert case.estimated_dates == ["closed_at"]
        row = next(r for r in rows if r[0] == case.external_reference)
        days = china_working_days_after(date.fromisoformat(row[1]), date.fromisoformat(row[11]))
        if days != 5:
            assert clock.breached == (days > 5), (case.external_reference, days)
            judged += 1
    assert judged >= 4
    # the outcome from company_response
    assert set(closed.values_list("outcome", flat=True)) == {"explained", "closed"}
    # what the narratives threaten is for review, and nothing is reported
    flagged = [c.external_reference for c in Complaint.objects.exclude(critical_flags=[]).order_by("pk")]
    assert flagged and [r.source_id for r in report.for_review] == flagged
    assert not AuthorityReport.objects.exists() and not OutboxMessage.objects.exists()
    assert ledger.verify().ok


def china_working_days_after(first: date, last: date) -> int:
    return sum(1 for n in range(1, (last - first).days + 1) if chinese_calendar.is_workday(first + timedelta(days=n)))
