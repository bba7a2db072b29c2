"""The bulk exchange `/api/v1/bulk/<kind>/` (core/api/bulk.py on core/sheets/bulk.py): JSON rows through the sheet
importers — dry run with row errors and nothing written, all or nothing, scope by row, the row limit, bad shapes
400 never 500 — and the export of the same shape, edited and imported back, for the collective income and a report
form's answers."""

import csv
import io
import json
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.permissions import SYSTEM
from collective_economy.models import IncomeReport, ReportStatus
from core.models import AuditEntry, ImportJob
from core.sheets import bulk
from reporting import services as reporting_services
from reporting.models import Answer, Report
from tests.collective_economy.helpers import approved
from tests.reporting.test_sheets import build_sheet_form

pytestmark = pytest.mark.django_db
URL = "/api/v1/bulk/{}/"
INCOME = URL.format("income")


def _row(code="VILA10001", **extra):
    return {
        "village_code": code,
        "year": 2024,
        "total_income": "210000.50",
        "operating_income": "150000",
        "income_sources": "光伏发电",
        "development_model": "industry",
        "assets": "1000",
        "debt": "0",
        **extra,
    }


def _written():
    """What an import writes: the records, the audit rows, the import jobs."""
    return IncomeReport.objects.count(), AuditEntry.objects.count(), ImportJob.objects.count()


def _post(api, rows, url=INCOME, **body):
    return api.post(url, {"rows": rows, **body}, format="json")


@pytest.fixture
def staff(api_for, users):
    return api_for(users["staff_a"])


@pytest.fixture
def may_2024(monkeypatch):
    """The portal lives on 10 May 2024: the report forms' May period is open."""
    moment = timezone.make_aware(datetime.combine(date(2024, 5, 10), time(10)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- the import: dry run, all or nothing, scope -------------------------------------------------------------------


@pytest.mark.parametrize("how", ["body", "query"])
def test_dry_run_reports_the_sheet_importers_row_errors_and_writes_nothing(county, staff, how):
    rows = [
        _row(),
        _row("VILA20001", total_income="-1", operating_income="0"),  # negative income
        _row("VILB10001"),  # township B's village: outside staff_a's jurisdiction
        _row("COMA00001"),  # a community does not report an income
        _row("VILA10001", year="二〇二四"),  # not a number
        {"village_code": "VILA20001", "year": 2024, "development_model": "industry"},  # required amounts missing
    ]
    before = _written()
    if how == "body":
        response = _post(staff, rows, dry_run=True)
    else:
        response = staff.post(INCOME + "?dry_run=1", {"rows": rows}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert _written() == before
    assert body["dry_run"] is True and body["written"] is False and body["job"] is None
    # The would-be counts: the valid row would be created, the five with errors left out.
    assert body["counts"] == {
        "total": 6,
        "valid": 1,
        "invalid": 5,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 5,
    }
    found = {(e["row"], e["field"]): e for e in body["row_errors"]}
    assert found[(2, "total_income")]["message"] == "金额不能为负数。"
    assert (
        found[(2, "total_income")]["code"] == "row_invalid" and found[(2, "total_income")]["column"] == "集体经济总收入"
    )
    assert "VILB10001" in found[(3, "village_code")]["message"]
    assert "社区" in found[(4, "village_code")]["message"]
    assert (5, "year") in found
    assert found[(6, "total_income")]["code"] == "required" and found[(6, "operating_income")]["code"] == "required"
    assert not any(row == 1 for row, _field in found)


def test_clean_import_writes_every_row_and_is_audited_as_the_sheet_import(county, staff, users):
    rows = [_row(), _row("VILA20001", total_income="12.5万", operating_income="100000", debt=None)]
    response = _post(staff, rows)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["written"] is True and body["counts"]["created"] == 2 and body["row_errors"] == []
    reports = {r.village.code: r for r in IncomeReport.objects.select_related("village")}
    assert reports["VILA10001"].total_income == Decimal("210000.50")
    assert reports["VILA20001"].total_income == Decimal("125000.00")  # the value's own unit (12.5万)
    assert all(r.status == ReportStatus.APPROVED for r in reports.values())
    job = ImportJob.objects.get(pk=body["job"])
    assert (job.kind, job.uploader, job.status, job.file_name) == ("income", users["staff_a"], "done", "API")
    entry = AuditEntry.objects.get(action="import.confirm")
    assert entry.object_id == str(job.pk) and entry.changes["created"] == 2 and entry.actor == users["staff_a"]


def test_one_bad_row_and_nothing_is_written(county, staff):
    before = _written()
    response = _post(staff, [_row(), _row("VILA20001", operating_income="999999")])
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "rows_invalid" and body["detail"] == "1 行有错误，未写入任何数据。"
    assert body["errors"] == {"rows.1.operating_income": ["经营性收入不能超过集体经济总收入。"]}
    assert body["codes"] == {"rows.1.operating_income": ["row_invalid"]}
    assert body["row_errors"][0]["row"] == 2 and body["counts"]["invalid"] == 1
    assert _written() == before


def test_valid_only_writes_the_valid_rows(county, staff):
    response = _post(staff, [_row(), _row("VILB10001")], valid_only=True, confirm_warnings=True)
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["created"] == 1 and response.json()["counts"]["skipped"] == 1
    assert list(IncomeReport.objects.values_list("village__code", flat=True)) == ["VILA10001"]


def test_another_townships_villages_are_row_errors_never_written(county, api_for, users):
    before = _written()
    response = _post(api_for(users["staff_b"]), [_row("VILB10001"), _row("VILA10001"), _row("VILA20001")])
    assert response.status_code == 400
    assert {e["row"] for e in response.json()["row_errors"]} == {2, 3}
    assert _written() == before
    # The same rows for the city's staff: all in its jurisdiction.
    rows = [_row("VILB10001"), _row("VILA10001")]
    assert _post(api_for(users["city_staff"]), rows, confirm_warnings=True).status_code == 200


def test_an_existing_record_needs_update_existing_and_warnings_need_confirming(county, staff):
    approved(county["village_a1"], 2023, 1000)
    approved(county["village_a1"], 2024, 200000)
    rows = [_row(), _row("VILA20001")]
    response = _post(staff, rows)
    assert response.status_code == 400 and response.json()["row_errors"][0]["field"] == "village_code"
    # Updating it: 210,000 against last year's 1,000 is a warning to confirm.
    response = _post(staff, rows, update_existing=True)
    assert response.status_code == 400 and response.json()["code"] == "warnings_unconfirmed"
    assert "1,000.00" in response.json()["warnings"][0]
    assert (
        IncomeReport.objects.get(village=county["village_a1"], year=2024, status=ReportStatus.APPROVED).total_income
        == 200000
    )
    dry = _post(staff, rows, update_existing=True, dry_run=True).json()["counts"]
    assert (dry["created"], dry["updated"], dry["unchanged"], dry["invalid"]) == (1, 1, 0, 0)
    response = _post(staff, rows, update_existing=True, confirm_warnings=True)
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {
        "total": 2,
        "valid": 2,
        "invalid": 0,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "skipped": 0,
    }
    assert IncomeReport.objects.get(
        village=county["village_a1"], year=2024, status=ReportStatus.APPROVED
    ).total_income == Decimal("210000.50")


def test_params_give_a_value_for_every_row(county, staff):
    rows = [{k: v for k, v in _row(code).items() if k != "year"} for code in ("VILA10001", "VILA20001")]
    response = _post(staff, rows, params={"year": 2023})
    assert response.status_code == 200, response.content
    assert set(IncomeReport.objects.values_list("year", flat=True)) == {2023}


# --- who may use a kind ----------------------------------------------------------------------------------------


def test_unknown_kinds_and_kinds_without_bulk_are_not_found_and_roles_without_import_are_refused(
    county, users, staff, api_for
):
    for kind in ("nosuch", "members", "report_999999", "report_x", "a" * 200, "report_"):
        assert _post(staff, [_row()], url=URL.format(kind)).status_code == 404, kind
        assert staff.get(URL.format(kind)).status_code == 404, kind
    secretary = api_for(users["secretary_a1"])
    response = _post(secretary, [_row()])
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not IncomeReport.objects.exists()


def test_a_form_outside_the_jurisdiction_is_not_found(county, staff, may_2024):
    form = build_sheet_form(county["township_b"], code="b_only")
    rows = [{"unit_code": "VILB10001", "period": "2024-05-01", "field_members": 3}]
    assert _post(staff, rows, url=URL.format(f"report_{form.pk}")).status_code == 404
    assert staff.get(URL.format(f"report_{form.pk}") + "?period=2024-05-01").status_code == 404


# --- bad input: 400, never 500 ----------------------------------------------------------------------------------


def test_more_rows_than_the_limit_is_refused(county, staff):
    before = _written()
    response = _post(staff, [{"village_code": "VILA10001"}] * (bulk.MAX_ROWS + 1))
    assert response.status_code == 400
    assert response.json()["codes"] == {"rows": ["max_length"]}
    assert response.json()["errors"]["rows"] == [f"每次请求最多 {bulk.MAX_ROWS} 行，其余的请分次提交。"]
    assert _written() == before


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"rows": "x"}, "rows", "not_a_list"),
        ({"rows": []}, "rows", "empty"),
        ({"rows": [1, 2]}, "rows.0", "not_a_dict"),
        ({}, "rows", "required"),
        ({"rows": [{}], "dry_run": "maybe"}, "dry_run", "invalid"),
        ({"rows": [{}], "params": []}, "params", "not_a_dict"),
        ({"rows": [{}], "params": {"village_code": "VILA10001"}}, "params", "unknown_field"),
        ({"rows": [{}], "params": {"year": [2024]}}, "params", "incorrect_type"),
    ],
)
def test_bad_shapes_are_400_with_a_field_code(county, staff, body, field, code):
    response = staff.post(INCOME, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["codes"][field] == [code]


def test_bad_bodies_are_400(county, staff):
    for raw in (b"{", b"[]", b'"rows"', b"null", b'{"rows": [{"year": NaN}]}'):
        response = staff.post(INCOME, raw, content_type="application/json")
        assert response.status_code == 400, raw
    assert staff.post(INCOME, "rows=1", content_type="application/x-www-form-urlencoded").status_code == 415
    assert staff.post(INCOME + "?dry_run=perhaps", {"rows": [_row()]}, format="json").status_code == 400


def test_unknown_keys_and_nested_values_are_row_errors(county, staff):
    response = _post(staff, [_row(total_incme="1"), _row("VILA20001", assets={"v": 1}, debt=[1])], dry_run=True)
    assert response.status_code == 200
    found = {(e["row"], e["field"]): e["code"] for e in response.json()["row_errors"]}
    assert found == {
        (1, "total_incme"): "unknown_field",
        (2, "assets"): "incorrect_type",
        (2, "debt"): "incorrect_type",
    }


def test_export_refuses_bad_parameters(county, staff):
    assert staff.get(INCOME + "?format=xml").status_code == 400
    assert staff.get(INCOME + "?year=abc").status_code == 400
    assert staff.get(INCOME + "?unit=TOWNB0001").status_code == 404  # another township
    assert staff.get(INCOME + "?unit=NOSUCH").status_code == 404
    assert staff.get(INCOME + "?unit=" + "9" * 40).status_code == 404


# --- export → edit → import -------------------------------------------------------------------------------------


def _export(api, url):
    response = api.get(url)
    assert response.status_code == 200, response.content
    return json.loads(b"".join(response.streaming_content))


def test_income_round_trip(county, staff, api_for, users):
    approved(county["village_a1"], 2024, "210000.50", operating="150000")
    approved(county["village_a2"], 2024, "90000")
    approved(county["village_b1"], 2024, "80000")
    approved(county["village_a1"], 2023, "200000")
    exported = _export(staff, INCOME + "?unit=TOWNA0001&year=2024")
    keys = [column.key for column in bulk.importer_for("income", users["staff_a"]).spec.columns]
    assert [c["key"] for c in exported["columns"]] == keys
    assert [row["village_code"] for row in exported["rows"]] == ["VILA10001", "VILA20001"]
    assert all(list(row) == keys for row in exported["rows"])
    first = exported["rows"][0]
    assert first["total_income"] == "210000.50" and first["development_model"] == "resource" and first["year"] == 2024
    # Unchanged, it goes back in unchanged; edited, the edit is written. The dry run says so first.
    assert _post(staff, exported["rows"], dry_run=True).json()["counts"]["unchanged"] == 2
    response = _post(staff, exported["rows"], update_existing=True)
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["unchanged"] == 2
    first["total_income"] = "220000.00"
    dry = _post(staff, exported["rows"], update_existing=True, dry_run=True).json()["counts"]
    assert (dry["updated"], dry["unchanged"]) == (1, 1)
    response = _post(staff, exported["rows"], update_existing=True)
    assert response.json()["counts"]["updated"] == 1, response.content
    assert IncomeReport.objects.get(
        village=county["village_a1"], year=2024, status=ReportStatus.APPROVED
    ).total_income == Decimal("220000.00")
    # The whole jurisdiction by default; a unit by id; the city sees township B's too.
    assert len(_export(staff, INCOME + "?year=2024")["rows"]) == 2
    assert len(_export(staff, INCOME + f"?year=2024&unit={county['village_a2'].pk}")["rows"]) == 1
    assert len(_export(api_for(users["city_staff"]), INCOME + "?year=2024")["rows"]) == 3


def test_income_csv_has_the_keys_as_header(county, staff):
    approved(county["village_a1"], 2024, "210000.50", operating="150000")
    response = staff.get(INCOME + "?year=2024&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == ["village_code", "year", "total_income", "operating_income", "income_sources"] + [
        "development_model",
        "assets",
        "debt",
    ]
    assert lines[1][:4] == ["VILA10001", "2024", "210000.50", "150000.00"]
    # The CSV read back as rows is a clean import.
    rows = [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
    response = _post(staff, rows, update_existing=True, confirm_warnings=True)  # 甲二村 has no row: a warning
    assert response.json()["counts"]["unchanged"] == 1


def test_report_answers_round_trip(county, staff, users, may_2024):
    form = build_sheet_form(county["city"])
    url = URL.format(f"report_{form.pk}")
    report = reporting_services.report_open(form=form, unit=county["village_a1"], day=date(2024, 5, 1), actor=SYSTEM)
    reporting_services.report_save_draft(
        report=report, actor=SYSTEM, values={"income": "12.5", "org_type": "党支部", "done": True}
    )
    assert staff.get(url).status_code == 400  # the period is required
    exported = _export(staff, url + "?unit=TOWNA0001&period=2024-05-20")
    units = {c["key"]: c["unit"] for c in exported["columns"]}
    assert units["field_income"] == "wan"  # the field is in 万元: its amounts are written and read in 万元
    by_code = {row["unit_code"]: row for row in exported["rows"]}
    assert list(by_code) == ["VILA10001", "VILA20001", "COMA00001"]
    assert (
        Decimal(by_code["VILA10001"]["field_income"]) == Decimal("12.5") and by_code["VILA10001"]["field_done"] is True
    )
    assert by_code["VILA10001"]["period"] == "2024-05-01"
    # A dry run of the unchanged export writes nothing.
    before = Report.objects.count(), Answer.objects.count(), AuditEntry.objects.count()
    assert _post(staff, exported["rows"], url=url, dry_run=True).json()["counts"]["invalid"] == 0
    assert (Report.objects.count(), Answer.objects.count(), AuditEntry.objects.count()) == before
    # Edited: a1's income, a2's members; the period given once in params.
    by_code["VILA10001"]["field_income"] = "13"
    by_code["VILA20001"]["field_members"] = 41
    rows = [{k: v for k, v in row.items() if k != "period"} for row in by_code.values()]
    dry = _post(staff, rows, url=url, params={"period": "2024-05-01"}, dry_run=True).json()["counts"]
    assert (dry["created"], dry["updated"], dry["unchanged"], dry["skipped"]) == (1, 1, 0, 1)
    response = _post(staff, rows, url=url, params={"period": "2024-05-01"})
    assert response.status_code == 200, response.content
    counts = response.json()["counts"]
    assert (counts["created"], counts["updated"], counts["skipped"]) == (1, 1, 1)  # the blank community: skipped
    answers = {
        (a.report.unit.code, a.field.code): a.value
        for a in Answer.objects.filter(report__form=form).select_related("report__unit", "field")
    }
    assert Decimal(str(answers[("VILA10001", "income")])) == 13
    assert answers[("VILA20001", "members")] == 41
    assert AuditEntry.objects.filter(action="import.confirm").count() == 1


def test_report_rows_outside_the_jurisdiction_or_a_bad_value_write_nothing(county, staff, may_2024):
    form = build_sheet_form(county["city"])
    url = URL.format(f"report_{form.pk}")
    rows = [
        {"unit_code": "VILA10001", "field_members": 12},
        {"unit_code": "VILB10001", "field_members": 3},  # township B
        {"unit_code": "VILA20001", "field_org_type": "居委会"},  # not a choice
    ]
    before = Report.objects.count(), Answer.objects.count()
    response = _post(staff, rows, url=url, params={"period": "2024-05-01"})
    assert response.status_code == 400
    assert {(e["row"], e["field"]) for e in response.json()["row_errors"]} == {
        (2, "unit_code"),
        (3, "field_org_type"),
    }
    assert (Report.objects.count(), Answer.objects.count()) == before


# --- the list of kinds, a report waiting for review, a repeated village ----------------------------------------


def test_the_list_gives_the_kinds_the_caller_may_import_with_their_columns(county, staff, api_for, users, may_2024):
    mine = build_sheet_form(county["city"])
    build_sheet_form(county["township_b"], code="b_only")  # outside township A: not listed for its staff
    response = staff.get("/api/v1/bulk/")
    assert response.status_code == 200, response.content
    kinds = {row["kind"]: row for row in response.json()["kinds"]}
    assert set(kinds) == {"income", f"report_{mine.pk}"}
    income = kinds["income"]
    assert income["params"] == ["year"] and income["title"] == "村集体经济收入"
    keys = [column.key for column in bulk.importer_for("income", users["staff_a"]).spec.columns]
    assert [column["key"] for column in income["columns"]] == keys
    assert kinds[f"report_{mine.pk}"]["params"] == ["period"]
    assert "field_members" in [column["key"] for column in kinds[f"report_{mine.pk}"]["columns"]]
    # A secretary may import neither; the city's staff see both forms.
    assert api_for(users["secretary_a1"]).get("/api/v1/bulk/").json()["kinds"] == []
    city = {row["kind"] for row in api_for(users["city_staff"]).get("/api/v1/bulk/").json()["kinds"]}
    assert len(city) == 3


def test_a_report_waiting_for_review_is_a_row_error_and_not_a_failed_write(county, staff, users):
    from collective_economy import services as income_services

    income_services.income_report_submit(
        village=county["village_a1"],
        year=2024,
        actor=users["secretary_a1"],
        total_income=Decimal(1000),
        operating_income=Decimal(10),
        development_model="industry",
    )
    for dry_run in (True, False):
        body = _post(staff, [_row()], dry_run=dry_run).json()
        assert [(e["row"], e["field"]) for e in body["row_errors"]] == [(1, "year")], body


def test_the_many_service_records_a_repeated_village_as_one_call_after_another(county, users):
    from collective_economy import income_batches

    def item(total):
        return {
            "village": county["village_a1"],
            "year": 2024,
            "total_income": Decimal(total),
            "operating_income": Decimal(0),
            "development_model": "industry",
        }

    actions = income_batches.income_reports_record_many(items=[item(100), item(100), item(200)], actor=users["staff_a"])
    assert actions == ["created", "unchanged", "corrected"]
    current = IncomeReport.objects.get(village=county["village_a1"], year=2024, status=ReportStatus.APPROVED)
    assert current.total_income == 200 and current.version == 2
    assert AuditEntry.objects.filter(action="income_report.record").count() == 1
