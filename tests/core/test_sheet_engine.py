"""The one import engine (core.sheets): upload → check (a Celery job) → preview → confirm (a Celery job) → result,
with the mapping step, the amount unit, valid-only and update-existing choices, all-or-nothing, the roll-up after
commit, the audit rows and the uploader-only jobs."""

import pytest
from django.urls import reverse

from cadres.models import PartyMember, Person
from core.models import AuditEntry, ColumnMapping, ImportJob
from tests.cadres import helpers as h

from .sheet_helpers import confirm, csv_bytes, page, post, upload, xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["姓名", "身份证号码", "单位编码", "党员类别", "入党日期"]
Status = ImportJob.Status


def _rows(county, n=2, joined="2020-07-01"):
    return [[f"党员{i}", h.make_id(), county["village_a1"].code, "正式党员", joined] for i in range(n)]


def test_upload_check_preview_confirm_result_with_audit(county, users, client_for):
    client = client_for(users["staff_a"])
    response, job = upload(client, "members", "m.xlsx", xlsx([HEADERS, *_rows(county, 3, "1985-07-01")]))
    assert response.status_code == 302 and job.status == Status.READY, job.error_summary
    assert job.counts == {"total": 3, "valid": 3, "invalid": 0, "skipped": 0}
    body = page(client, job)
    assert "党员0" in body and "1985-07-01" in body and "入党日期" in body
    assert PartyMember.objects.count() == 0  # the check wrote nothing
    assert confirm(client, job).status_code == 302
    assert job.status == Status.DONE, job.error_summary
    assert job.counts["created"] == 3 and PartyMember.objects.filter(joined_on__year=1985).count() == 3
    assert "新建 3" in page(client, job)
    assert AuditEntry.objects.filter(action="import.confirm", object_id=str(job.pk)).count() == 1
    assert AuditEntry.objects.filter(action="member.create").count() == 3
    assert AuditEntry.objects.filter(action="person.create").count() == 3


def test_rows_with_errors_write_nothing_unless_valid_rows_only(county, users, client_for):
    client = client_for(users["staff_a"])
    rows = _rows(county, 2)
    rows[1][2] = "NOPE00001"
    _response, job = upload(client, "members", "m.csv", csv_bytes([HEADERS, *rows]))
    assert job.counts["invalid"] == 1
    body = page(client, job)
    assert "第 3 行" in body and "在您的管辖范围内没有编码为 NOPE00001 的单位。" in body
    confirm(client, job)
    assert job.status == Status.FAILED and PartyMember.objects.count() == 0  # all or nothing
    job.status = Status.READY
    job.save()
    confirm(client, job, valid_only=True)
    assert job.status == Status.DONE and job.counts["created"] == 1 and job.counts["skipped"] == 1
    assert PartyMember.objects.count() == 1


def test_update_existing_is_an_explicit_choice(county, users, client_for):
    client = client_for(users["staff_a"])
    member = h.member(county["village_a1"], "老党员")
    number = h.make_id()
    member.person.set_id_number(number)
    member.person.save()
    rows = [["老党员", number, county["village_a1"].code, "预备党员", "2001-07-01"]]
    _response, job = upload(client, "members", "m.csv", csv_bytes([HEADERS, *rows]))
    assert "此人已登记为党员。" in page(client, job)
    confirm(client, job)
    assert job.status == Status.FAILED
    job.status = Status.READY
    job.save()
    confirm(client, job, update_existing=True)
    assert job.status == Status.DONE and job.counts["updated"] == 1, job.error_summary
    member.refresh_from_db()
    assert member.status == "probationary" and member.joined_on.year == 2001
    assert AuditEntry.objects.filter(action="member.update", object_id=str(member.pk)).exists()


def test_all_or_nothing_rolls_back_a_write_that_fails_midway(county, users, client_for, monkeypatch):
    from cadres import importers

    client = client_for(users["staff_a"])
    _response, job = upload(client, "members", "m.csv", csv_bytes([HEADERS, *_rows(county, 3)]))

    def broken(*args, **kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError("写入失败（测试）")

    monkeypatch.setattr(importers.audit, "record_many", broken)  # after the bulk inserts of the same transaction
    confirm(client, job)
    assert job.status == Status.FAILED and "写入失败" in job.error_summary
    assert PartyMember.objects.count() == 0 and Person.objects.count() == 0


def test_a_failing_rollup_after_commit_does_not_fail_the_import(county, users, client_for, monkeypatch):
    from goals import services as goals_services

    client = client_for(users["staff_a"])
    _response, job = upload(client, "members", "m.csv", csv_bytes([HEADERS, *_rows(county, 2)]))
    calls = []

    def broken(unit_ids):
        calls.append(set(unit_ids))
        raise RuntimeError("roll-up down")

    monkeypatch.setattr(goals_services, "chain_bottoms", broken)
    response = confirm(client, job)
    assert response.status_code == 302 and job.status == Status.DONE
    assert PartyMember.objects.count() == 2
    assert calls == [{county["village_a1"].pk}]  # once per import, with the set of units


def test_mapping_step_saved_and_reused(county, users, client_for):
    client = client_for(users["staff_a"])
    headers = ["名字", "证件号", "所在村", "类别", "时间"]
    _response, job = upload(client, "members", "m.csv", csv_bytes([headers, *_rows(county, 1)]))
    assert job.status == Status.NEEDS_MAPPING
    body = page(client, job)
    assert "mapping-form" in body and "名字" in body
    choice = {"col_name": 0, "col_id_number": 1, "col_unit_code": 2, "col_status": 3, "col_joined_on": 4}
    post(client, reverse("imports:job", args=[job.pk]), {**choice, "remember": "on"})
    job.refresh_from_db()
    assert job.status == Status.READY and job.counts["valid"] == 1, (job.status, job.errors)
    assert ColumnMapping.objects.get(uploader=users["staff_a"], kind="members").mapping["name"] == "名字"
    _response, again = upload(client, "members", "m.csv", csv_bytes([headers, *_rows(county, 1)]))
    assert again.status == Status.READY and again.counts["valid"] == 1


def test_a_job_is_visible_to_its_uploader_only(county, users, client_for):
    _response, job = upload(client_for(users["staff_a"]), "members", "m.csv", csv_bytes([HEADERS, *_rows(county)]))
    other = client_for(users["staff_b"])
    for name in ("imports:job", "imports:progress", "imports:errors"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert other.post(reverse("imports:job", args=[job.pk]), {}).status_code == 404
    assert PartyMember.objects.count() == 0


def test_a_role_without_import_is_refused_and_an_unknown_kind_is_not_found(users, client_for):
    assert client_for(users["woodpecker_ac"]).get(reverse("imports:start", args=["members"])).status_code == 403
    assert client_for(users["staff_a"]).get(reverse("imports:start", args=["nothing"])).status_code == 404


def test_error_sheet_download_adds_an_error_column(county, users, client_for):
    import io

    import openpyxl

    client = client_for(users["staff_a"])
    rows = _rows(county, 2)
    rows[0][2] = "NOPE00001"
    _response, job = upload(client, "members", "m.xlsx", xlsx([HEADERS, *rows]))
    response = client.get(reverse("imports:errors", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=6).value == "错误说明"
    assert "NOPE00001" in sheet.cell(row=2, column=6).value and sheet.cell(row=3, column=6).value is None
