"""A report form's answers as a sheet and back (reporting.exporters, reporting.importers on core.sheets): one row per
unit expected to fill the form, blanks for units without a report; the edited sheet fills drafts through the
services (dry run first, row errors in Chinese, all or nothing); scope on both sides."""

from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.permissions import SYSTEM
from core.models import AuditEntry, ImportJob
from reporting import services
from reporting.models import Answer, AnswerOrigin, FieldKind, PeriodType, Report, ReportStatus
from reporting.sheets import kind_of
from tests.core.sheet_helpers import confirm, csv_bytes, upload

pytestmark = pytest.mark.django_db
DAY = date(2024, 5, 15)
START = date(2024, 5, 1)
HEADERS = [
    "单位编码",
    "单位名称",
    "报告期",
    "状态",
    "党员人数（人） [members]",
    "集体收入（万元） [income]",
    "耕地面积（亩） [area]",
    "组织类型 [org_type]",
    "活动主题 [topics]",
    "召开日期 [held_on]",
    "已开展 [done]",
    "情况说明 [note]",
]


def build_sheet_form(unit, *, code="sheet", extra=0):
    """A monthly form at `unit` for villages and communities with a field of every kind a sheet holds (and `extra`
    more whole numbers)."""
    form = services.form_create(
        unit=unit,
        actor=SYSTEM,
        code=code,
        name="村（社区）月报",
        period_type=PeriodType.MONTHLY,
        filled_by=["village", "community"],
    )
    version = services.version_draft(form=form, actor=SYSTEM)
    section = services.section_add(version=version, actor=SYSTEM, title="基本情况", order=1)
    fields = [
        ("members", "党员人数", FieldKind.INTEGER, {"unit_label": "人", "prefill": "members"}),
        ("income", "集体收入", FieldKind.DECIMAL, {"unit_label": "万元"}),
        ("area", "耕地面积", FieldKind.DECIMAL, {"unit_label": "亩"}),
        ("org_type", "组织类型", FieldKind.CHOICE, {"choices": ["党委", "党总支", "党支部"]}),
        ("topics", "活动主题", FieldKind.MULTIPLE, {"choices": ["学习", "服务", "宣传"]}),
        ("held_on", "召开日期", FieldKind.DATE, {}),
        ("done", "已开展", FieldKind.YES_NO, {}),
        ("note", "情况说明", FieldKind.TEXT, {}),
        *((f"extra{i}", f"附加{i}", FieldKind.INTEGER, {}) for i in range(extra)),
    ]
    for order, (field_code, label, kind, attrs) in enumerate(fields, 1):
        services.field_add(section=section, actor=SYSTEM, code=field_code, label=label, kind=kind, order=order, **attrs)
    services.form_publish(form=form, actor=SYSTEM)
    return form


@pytest.fixture
def form(county):
    return build_sheet_form(county["city"])


def _filled(form, unit, values, status=None):
    report = services.report_open(form=form, unit=unit, day=DAY, actor=SYSTEM)
    services.report_save_draft(report=report, actor=SYSTEM, values=values)
    if status:
        Report.objects.filter(pk=report.pk).update(status=status)
    return report


def _export_url(form, unit=None, fmt="xlsx", period="2024-05-01"):
    url = reverse("reporting:sheet_export") + f"?form={form.pk}&period={period}&fmt={fmt}"
    return url + (f"&unit={unit.pk}" if unit is not None else "")


def _rows(response):
    assert response.status_code == 200, response.status_code
    book = openpyxl.load_workbook(BytesIO(response.getvalue()))
    # Date cells come back as midnight datetimes.
    return [
        [v.date() if isinstance(v, datetime) else v for v in row] for row in book.active.iter_rows(values_only=True)
    ]


def _answers(report):
    return {a.field.code: a for a in Answer.objects.filter(report=report).select_related("field")}


def test_township_export_has_a_row_per_expected_unit(county, users, form, client_for):
    _filled(
        form,
        county["village_a1"],
        {
            "income": "12.5",
            "area": "1200.5",
            "org_type": "党支部",
            "topics": ["学习", "宣传"],
            "held_on": "2024-05-04",
            "done": True,
            "note": "=SUM(A1)",
        },
    )
    rows = _rows(client_for(users["staff_a"]).get(_export_url(form, county["township_a"])))
    assert rows[0] == HEADERS
    by_code = {row[0]: row for row in rows[1:]}
    assert list(by_code) == ["VILA10001", "VILA20001", "COMA00001"]  # tree order; no township B, no grids
    filled = by_code["VILA10001"]
    assert filled[1:4] == ["甲一村", date(2024, 5, 1), "草稿"]
    assert filled[4:] == [0, 12.5, 1200.5, "党支部", "学习、宣传", date(2024, 5, 4), "是", "'=SUM(A1)"]
    blank = by_code["VILA20001"]
    assert blank[1:4] == ["甲二村", date(2024, 5, 1), "未填报"] and blank[4:] == [None] * 8


def test_county_export_and_csv(county, users, form, client_for):
    _filled(form, county["village_b1"], {"members": 7, "done": False})
    client = client_for(users["city_staff"])
    rows = _rows(client.get(_export_url(form, county["city"])))
    assert [row[0] for row in rows[1:]] == ["VILA10001", "VILA20001", "COMA00001", "VILB10001"]
    assert rows[-1][4] == 7 and rows[-1][10] == "否"
    assert [row[0] for row in _rows(client.get(_export_url(form)))[1:]] == [row[0] for row in rows[1:]]
    response = client.get(_export_url(form, county["city"], fmt="csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[:5] == HEADERS[:5]
    assert "VILB10001,乙一村,2024-05-01,草稿,7," in text


def test_export_scope(county, users, form, client_for):
    staff_a = client_for(users["staff_a"])
    # Without a unit: the user's whole jurisdiction.
    assert [row[0] for row in _rows(staff_a.get(_export_url(form)))[1:]] == ["VILA10001", "VILA20001", "COMA00001"]
    assert staff_a.get(_export_url(form, county["township_b"])).status_code == 404
    assert staff_a.get(_export_url(form, county["city"])).status_code == 404
    assert staff_a.get(reverse("reporting:sheet_export") + "?form=999999").status_code == 404
    assert staff_a.get(_export_url(form, fmt="pdf")).status_code == 400
    assert staff_a.get(_export_url(form, period="May")).status_code == 400
    other = build_sheet_form(county["township_b"], code="b-only")
    assert staff_a.get(_export_url(other)).status_code == 404
    assert client_for(users["secretary_a1"]).get(_export_url(form)).status_code == 403


def test_export_queries_do_not_grow_with_rows_or_fields(county, users, form, client_for):
    _filled(form, county["village_a1"], {"note": "有"})
    client = client_for(users["city_staff"])
    client.get(_export_url(form))  # the session and the user's roles are read once
    with CaptureQueriesContext(connection) as few:
        assert client.get(_export_url(form)).status_code == 200
    wide = build_sheet_form(county["city"], code="wide", extra=30)
    for name in ("village_a1", "village_a2", "community_a", "village_b1"):
        _filled(wide, county[name], {"extra0": 3, "note": "有"})
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client.get(_export_url(wide)))) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_sheets_page_links_the_export_and_the_import(county, users, form, client_for):
    client = client_for(users["staff_a"])
    assert reverse("reporting:sheets") in client.get(reverse("reporting:index")).content.decode()
    page = client.get(reverse("reporting:sheets") + f"?form={form.pk}").content.decode()
    assert reverse("reporting:sheet_export") in page and reverse("imports:start", args=[kind_of(form)]) in page
    assert "甲镇（TOWNA0001）" in page and "乙街道" not in page
    secretary = client_for(users["secretary_a1"])
    assert secretary.get(reverse("reporting:sheets")).status_code == 403
    assert reverse("reporting:sheets") not in secretary.get(reverse("reporting:index")).content.decode()


def _edited(body: bytes, changes: dict) -> tuple[str, bytes]:
    """The exported workbook with cells changed: {(unit code, header): value}."""
    book = openpyxl.load_workbook(BytesIO(body))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for (code, header), value in changes.items():
            if row[0].value == code:
                row[headers.index(header)].value = value
    out = BytesIO()
    book.save(out)
    return "edited.xlsx", out.getvalue()


def test_reimport_of_an_edited_export_fills_drafts(county, users, form, client_for):
    client = client_for(users["staff_a"])
    report = _filled(form, county["village_a1"], {"income": "12.5", "done": True})
    body = client.get(_export_url(form, county["township_a"])).getvalue()
    name, content = _edited(
        body,
        {
            ("VILA10001", HEADERS[5]): 15.25,
            ("VILA20001", HEADERS[4]): "1,234",
            ("VILA20001", HEADERS[8]): "服务、学习",
            ("VILA20001", HEADERS[10]): "否",
            ("VILA20001", HEADERS[9]): "2024年5月20日",
        },
    )
    reports, audits = Report.objects.count(), AuditEntry.objects.count()
    response, job = upload(client, kind_of(form), name, content)
    assert response.status_code == 302 and job.status == ImportJob.Status.READY, (job.status, job.error_summary)
    assert job.errors == [] and job.counts["total"] == 3
    assert ["15.25"] == [v for row in job.preview["rows"] for v in row["values"] if v.startswith("15")]  # 万元
    # The dry run wrote nothing.
    assert Report.objects.count() == reports and AuditEntry.objects.count() == audits
    assert _answers(report)["income"].value == "12.50"
    confirm(client, job)
    assert job.status == ImportJob.Status.DONE, job.error_summary
    assert job.counts["created"] == 1 and job.counts["updated"] == 1
    answers = _answers(report)
    assert answers["income"].value == "15.25" and answers["income"].origin == AnswerOrigin.TYPED
    assert answers["done"].value is True  # a cell left as exported is unchanged
    new = Report.objects.get(form=form, unit=county["village_a2"], period_start=START)
    assert new.status == ReportStatus.DRAFT
    answers = _answers(new)
    assert answers["members"].value == 1234 and answers["members"].origin == AnswerOrigin.TYPED
    assert answers["members"].computed == 0  # prefill computed on opening, kept beside the typed value
    assert answers["topics"].value == ["学习", "服务"] and answers["done"].value is False
    assert answers["held_on"].value == "2024-05-20"
    # No report opened for the community whose row stayed blank.
    assert not Report.objects.filter(unit=county["community_a"]).exists()
    actions = AuditEntry.objects.filter(actor=users["staff_a"]).values_list("action", flat=True)
    assert {"report.open", "report.save_draft", "import.confirm"} <= set(actions)
    changed = AuditEntry.objects.get(action="report.save_draft", object_id=str(report.pk), actor=users["staff_a"])
    assert changed.changes == {"income": ["12.50", "15.25"]}


def test_amounts_in_yuan_or_wan_and_thousands_separators(county, users, form, client_for):
    client = client_for(users["staff_a"])
    rows = [  # a row number and the error column of a corrected error sheet are not unknown fields
        ["序号", "单位编码", "报告期", "集体收入（元）", "党员人数（人）", "错误说明"],
        ["1", "VILA10001", "2024-05", '"120,000"', "12", ""],
        ["2", "VILA20001", "2024.5.3", "12.5万", "１５", "党员人数：请填写整数"],
    ]
    _response, job = upload(client, kind_of(form), "sheet.csv", csv_bytes(rows))
    assert job.status == ImportJob.Status.READY and job.errors == [], job.errors
    confirm(client, job)
    assert job.status == ImportJob.Status.DONE, job.error_summary
    a1 = _answers(Report.objects.get(unit=county["village_a1"], form=form))
    a2 = _answers(Report.objects.get(unit=county["village_a2"], form=form))
    assert a1["income"].value == "12.00" and a1["members"].value == 12
    assert a2["income"].value == "12.50" and a2["members"].value == 15


def test_row_errors_and_nothing_written(county, users, form, client_for):
    _filled(form, county["village_a2"], {"income": "3"}, status=ReportStatus.APPROVED)
    _filled(form, county["community_a"], {"income": "4"}, status=ReportStatus.SUBMITTED)
    client = client_for(users["staff_a"])
    rows = [
        ["单位编码", "报告期", "党员人数", "集体收入（万元）", "组织类型", "无关列"],
        ["VILA10001", "2024-05-01", "十二", "1", "党支部", ""],
        ["NOPE0001", "2024-05-01", "1", "1", "", ""],
        ["VILB10001", "2024-05-01", "1", "1", "", ""],
        ["VILA20001", "2024-05-01", "", "5", "", ""],
        ["COMA00001", "2024-05-01", "", "4", "党小组", ""],
        ["TOWNA0001", "2099-01-01", "1", "", "", ""],
    ]
    fine = [["VILA10001", "2024-04-01", "3", "2", "党委", ""]]
    reports, answers = Report.objects.count(), list(Answer.objects.values_list("pk", "value"))
    _response, job = upload(client, kind_of(form), "bad.csv", csv_bytes([*rows, *fine]))
    assert job.status == ImportJob.Status.READY and job.counts["valid"] == 0  # the unknown column: every row
    found = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "不是本表的字段" in found[(2, "整行")] and "无关列" in found[(2, "整行")]
    assert "十二" in found[(2, "党员人数（人） [members]")]
    assert "NOPE0001" in found[(3, "单位编码")]
    assert "VILB10001" in found[(4, "单位编码")]  # township B's village: outside staff A's jurisdiction
    assert "已审核通过" in found[(5, "单位编码")]
    assert "党小组" in found[(6, "组织类型 [org_type]")]
    assert "不填报本表" in found[(7, "单位编码")] and "尚未开始" in found[(7, "报告期")]
    assert Report.objects.count() == reports
    # Without the unknown column, the one fine row is valid; confirming still writes nothing (all or nothing).
    rows = [row[:-1] for row in rows + fine]
    _response, job = upload(client, kind_of(form), "bad.csv", csv_bytes(rows))
    assert job.counts["valid"] == 1 and not any(e["column"] == "整行" for e in job.errors)
    confirm(client, job)
    assert job.status == ImportJob.Status.FAILED, job.status
    assert Report.objects.count() == reports and list(Answer.objects.values_list("pk", "value")) == answers


def test_unchanged_rows_of_submitted_reports_pass(county, users, form, client_for):
    """Re-importing an export holding approved reports: their rows are unchanged, not refused."""
    _filled(form, county["village_a2"], {"income": "3"}, status=ReportStatus.APPROVED)
    client = client_for(users["staff_a"])
    body = client.get(_export_url(form, county["township_a"])).getvalue()
    name, content = _edited(body, {("VILA10001", HEADERS[6]): 3})
    _response, job = upload(client, kind_of(form), name, content)
    assert job.errors == [], job.errors
    confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.counts["unchanged"] == 1 and job.counts["created"] == 1


def test_import_page_scope(county, users, form, client_for):
    kind = kind_of(form)
    assert client_for(users["staff_a"]).get(reverse("imports:start", args=[kind])).status_code == 200
    assert client_for(users["secretary_a1"]).get(reverse("imports:start", args=[kind])).status_code == 403
    assert client_for(users["staff_a"]).get(reverse("imports:start", args=["report_999999"])).status_code == 404
    other = build_sheet_form(county["township_b"], code="b-only")
    assert client_for(users["staff_a"]).get(reverse("imports:start", args=[kind_of(other)])).status_code == 404
    template = client_for(users["staff_a"]).get(reverse("sheets:template", args=[kind]))
    headers = [c.value for c in openpyxl.load_workbook(BytesIO(template.content)).active[1]]
    assert headers == HEADERS
