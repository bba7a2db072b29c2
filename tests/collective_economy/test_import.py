"""Importing a township's yearly income sheet: dry run, bad rows by row and field in Chinese, nothing written."""

from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from collective_economy.models import IncomeReport, ReportStatus
from collective_economy.resources import COLUMNS, IncomeReportResource, import_income

from .helpers import approved

pytestmark = pytest.mark.django_db

HEADERS = [
    COLUMNS[k]
    for k in (
        "village_code",
        "year",
        "total_income",
        "operating_income",
        "income_sources",
        "development_model",
        "assets",
        "debt",
    )
]


def sheet(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_bad_rows_reported_by_row_and_field_and_nothing_written(county, users):
    dataset = sheet(
        ["VILA10001", 2024, "210000.00", "150000", "发包", "资源发展", "100", "0"],  # fine
        ["VILA20001", 2024, "-1", "0", "", "资源发展", "0", "0"],  # negative income
        ["NOSUCH001", 2024, "120000", "100000", "", "资产运营", "0", "0"],  # unknown village code
        ["COMA00001", 2024, "120000", "100000", "", "合作发展", "0", "0"],  # a community
    )
    for dry_run in (True, False):
        _result, errors, _counts = import_income(dataset=dataset, actor=users["staff_a"], dry_run=dry_run)
        found = {(e["row"], e["field"]) for e in errors}
        assert (3, "集体经济总收入") in found
        assert (4, "村编码") in found
        assert (5, "村编码") in found
        messages = " ".join(e["message"] for e in errors)
        assert "不能为负" in messages and "NOSUCH001" in messages and "社区" in messages
        assert not IncomeReport.objects.exists()


def test_other_township_village_is_unknown_to_the_importer(county, users):
    _result, errors, _ = import_income(
        dataset=sheet(["VILB10001", 2024, "1", "1", "", "资源发展", "0", "0"]), actor=users["staff_a"], dry_run=True
    )
    assert errors and errors[0]["field"] == "村编码"


def test_good_sheet_dry_run_writes_nothing_then_import_writes(county, users):
    approved(county["village_a2"], 2024, "100000.00")
    dataset = sheet(
        ["VILA10001", 2024, "210000.00", "150000", "发包", "资源发展", "100", "0"],
        ["VILA20001", 2024, "110000.00", "90000", "", "asset", "", ""],
    )
    _result, errors, _ = import_income(dataset=dataset, actor=users["staff_a"], dry_run=True)
    assert errors == []
    assert IncomeReport.objects.count() == 1
    _result, errors, _ = import_income(dataset=dataset, actor=users["staff_a"], dry_run=False)
    assert errors == []
    a1 = IncomeReport.objects.get(village=county["village_a1"], status=ReportStatus.APPROVED)
    assert a1.total_income == Decimal("210000.00") and a1.reviewed_by == users["staff_a"]
    a2 = IncomeReport.objects.get(village=county["village_a2"], status=ReportStatus.APPROVED)
    assert (a2.version, a2.total_income, a2.correction_reason) == (2, Decimal("110000.00"), "乡镇表格导入")


def test_portal_import_dry_run_then_confirm(county, users, client_for):
    client = client_for(users["staff_a"])
    bad = "\n".join([",".join(HEADERS), "VILA10001,2024,-5,0,,资源发展,0,0"]).encode()
    response = client.post("/economy/import/", {"file": SimpleUploadedFile("s.csv", bad)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "第 2 行" in body and "不能为负" in body
    good = "\n".join([",".join(HEADERS), "VILA10001,2024,250000,200000,,产业带动,0,0"]).encode()
    response = client.post("/economy/import/", {"file": SimpleUploadedFile("s.csv", good)})
    assert response.context["dry_run_ok"] and not IncomeReport.objects.exists()
    token = response.context["token"]
    response = client.post("/economy/import/", {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert IncomeReport.objects.get().total_income == Decimal("250000.00")


def test_export_then_reimport_round_trip(county, users):
    approved(county["village_a1"], 2024, "123456.78")
    exported = IncomeReportResource(actor=users["staff_a"], year=2024).export()
    assert exported.dict[0][COLUMNS["village_code"]] == "VILA10001"
    _result, errors, _ = import_income(dataset=exported, actor=users["staff_a"], dry_run=False)
    assert errors == []
    assert IncomeReport.objects.count() == 1  # unchanged figures: no new version


def test_admin_import_dry_run_reports_bad_rows_and_writes_nothing(county, users, client_for):
    client = client_for(users["staff_a"])
    url = "/admin/collective_economy/incomereport/import/"
    assert client.get(url).status_code == 200
    bad = "\n".join([",".join(HEADERS), "COMA00001,2024,100,50,,资源发展,0,0"]).encode()
    response = client.post(url, {"import_file": SimpleUploadedFile("s.csv", bad), "format": "0", "resource": "0"})
    assert response.status_code == 200
    assert "不是行政村" in response.content.decode()
    assert not IncomeReport.objects.exists()
