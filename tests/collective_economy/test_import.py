"""Importing a township's yearly income sheet on the engine (core.sheets): the check, bad rows by row and column in
Chinese, nothing written; the amount unit declared (元 or 万元), never guessed; update existing as a choice; the
admin offers no second import path."""

from decimal import Decimal

import pytest
from django.urls import reverse

from collective_economy.models import IncomeReport, ReportStatus
from core.models import ImportJob
from tests.core.sheet_helpers import confirm, csv_bytes, page, post, upload, xlsx

from .helpers import approved

pytestmark = pytest.mark.django_db
Status = ImportJob.Status
HEADERS = ["村编码", "年度", "集体经济总收入（元）", "经营性收入（元）", "收入来源", "发展模式", "年末资产（元）"]
HEADERS.append("年末负债（元）")


def _check(client, *rows, headers=HEADERS):
    _response, job = upload(client, "income", "s.csv", csv_bytes([headers, *rows]))
    return job


def test_bad_rows_reported_by_row_and_field_and_nothing_written(county, users, client_for):
    client = client_for(users["staff_a"])
    job = _check(
        client,
        ["VILA10001", 2024, "210000.00", "150000", "发包", "资源发展", "100", "0"],  # fine
        ["VILA20001", 2024, "-1", "0", "", "资源发展", "0", "0"],  # negative income
        ["NOSUCH001", 2024, "120000", "100000", "", "资产运营", "0", "0"],  # unknown village code
        ["COMA00001", 2024, "120000", "100000", "", "合作发展", "0", "0"],  # a community
    )
    found = {(e["row"], e["column"]) for e in job.errors}
    assert {(3, "集体经济总收入"), (4, "村编码"), (5, "村编码")} <= found
    messages = " ".join(e["message"] for e in job.errors)
    assert "不能为负" in messages and "NOSUCH001" in messages and "社区" in messages
    confirm(client, job, warnings_confirmed=True)
    assert job.status == Status.FAILED and not IncomeReport.objects.exists()


def test_other_township_village_is_unknown_to_the_importer(county, users, client_for):
    job = _check(client_for(users["staff_a"]), ["VILB10001", 2024, "1", "1", "", "资源发展", "0", "0"])
    assert job.errors and job.errors[0]["column"] == "村编码"


def test_good_sheet_check_writes_nothing_then_import_writes_and_corrections_need_update(county, users, client_for):
    client = client_for(users["staff_a"])
    approved(county["village_a2"], 2024, "100000.00")
    rows = [
        ["VILA10001", 2024, "210000.00", "150000", "发包", "资源发展", "100", "0"],
        ["VILA20001", 2024, "110000.00", "90000", "", "asset", "", ""],
    ]
    job = _check(client, *rows)
    assert [e["message"] for e in job.errors] == ["该记录已存在：如需修改，请选择“更新已有记录”。"]
    assert IncomeReport.objects.count() == 1
    confirm(client, job, update_existing=True, warnings_confirmed=True)
    assert job.status == Status.DONE, job.error_summary
    assert (job.counts["created"], job.counts["updated"]) == (1, 1)
    a1 = IncomeReport.objects.get(village=county["village_a1"], status=ReportStatus.APPROVED)
    assert a1.total_income == Decimal("210000.00") and a1.reviewed_by == users["staff_a"]
    a2 = IncomeReport.objects.get(village=county["village_a2"], status=ReportStatus.APPROVED)
    assert (a2.version, a2.total_income, a2.correction_reason) == (2, Decimal("110000.00"), "乡镇表格导入")


def test_amounts_without_a_unit_ask_the_uploader_and_wan_is_converted(county, users, client_for):
    client = client_for(users["staff_a"])
    headers = [h.replace("（元）", "") for h in HEADERS]
    job = _check(client, ["VILA10001", 2024, "90.920932", "50", "", "资源发展", "", ""], headers=headers)
    assert job.status == Status.NEEDS_UNIT and "unit-form" in page(client, job)
    post(client, f"/imports/job/{job.pk}/", {"amount_unit": "wan"})
    job.refresh_from_db()
    assert job.status == Status.READY and "909,209.32" in page(client, job)
    confirm(client, job, warnings_confirmed=True)
    assert IncomeReport.objects.get().total_income == Decimal("909209.32")


def test_wan_in_the_header_is_read_not_guessed(county, users, client_for):
    client = client_for(users["staff_a"])
    headers = [h.replace("（元）", "（万元）") for h in HEADERS]
    _response, job = upload(
        client, "income", "s.xlsx", xlsx([headers, ["VILA10001", 2024, "21", "15", "", "资源发展", "", ""]])
    )
    assert job.status == Status.READY and job.preview["amount_unit"] == "wan"
    assert "210,000.00" in page(client, job)


def test_export_then_reimport_round_trip(county, users, client_for):
    approved(county["village_a1"], 2024, "123456.78")
    client = client_for(users["staff_a"])
    exported = client.get(reverse("sheets:export", args=["income", "xlsx"]) + "?year=2024").getvalue()
    _response, job = upload(client, "income", "export.xlsx", exported)
    assert job.status != Status.NEEDS_UNIT  # the export's headers declare 元
    assert job.errors == [], job.errors
    confirm(client, job, warnings_confirmed=True)
    assert job.status == Status.DONE and job.counts["unchanged"] == 1
    assert IncomeReport.objects.count() == 1  # unchanged figures: no new version


def test_admin_offers_no_second_import_path(county, users, client_for):
    client = client_for(users["staff_a"])
    response = client.get("/admin/collective_economy/incomereport/import/", follow=True)
    assert "import_file" not in response.content.decode()  # no admin import form (the URL is an unknown object)
    changelist = client.get("/admin/collective_economy/incomereport/").content.decode()
    assert "/imports/income/" in changelist
    assert not IncomeReport.objects.exists()
