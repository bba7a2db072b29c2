"""Import of member, cadre and reserve sheets on the engine (core.sheets): checked first, every bad row reported by
line and column in Chinese, nothing written while any row fails unless the user asks for the valid rows only."""

import io
from datetime import date

import pytest
import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.permissions import SYSTEM
from cadres import services
from cadres.models import CadrePost, PartyMember, Person, ReserveCadre, ReserveStep
from cadres.services.cadres import post_update
from cadres.services.reserves import reserve_update
from core.models import AuditEntry, ImportJob
from tests.cadres import helpers as h
from tests.core.sheet_helpers import confirm, corrected, csv_bytes, export, page, upload, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["name", "id_number", "mobile", "unit_code", "status", "joined_on"]
Status = ImportJob.Status


def wrong_check_digit(number):
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.fixture
def member_sheet(county):
    existing = h.member(county["village_a1"], "老党员")
    existing_number = h.make_id()
    existing.person.set_id_number(existing_number)
    existing.person.save()
    rows = [
        ["新党员甲", h.make_id(), "13800001111", "VILA10001", "正式党员", "2020-07-01"],
        ["错号码乙", wrong_check_digit(h.make_id()), "", "VILA10001", "预备党员", "2024-07-01"],
        ["老党员", existing_number, "", "VILA10001", "正式党员", "2019-07-01"],
        ["无单位丁", h.make_id(), "", "NOPE00001", "正式党员", "2018-07-01"],
    ]
    return rows


def _errors(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def _check(client, kind, headers, rows):
    _response, job = upload(client, kind, "sheet.csv", csv_bytes([headers, *rows]))
    return job


def test_dry_run_reports_each_bad_row_by_line_and_column_and_writes_nothing(member_sheet, users, client_for):
    people, members = Person.objects.count(), PartyMember.objects.count()
    job = _check(client_for(users["staff_a"]), "members", HEADERS, member_sheet)
    assert _errors(job) == [
        (3, "身份证号码", "身份证号码校验位错误，请核对。"),
        (4, "身份证号码", "此人已登记为党员。"),
        (5, "单位编码", "在您的管辖范围内没有编码为 NOPE00001 的单位。"),
    ]
    assert (job.counts["total"], job.counts["valid"], job.counts["invalid"]) == (4, 1, 3)
    assert (Person.objects.count(), PartyMember.objects.count()) == (people, members)


def test_confirm_with_bad_rows_writes_nothing_unless_valid_rows_only_chosen(member_sheet, users, client_for):
    client = client_for(users["staff_a"])
    people, members = Person.objects.count(), PartyMember.objects.count()
    job = _check(client, "members", HEADERS, member_sheet)
    confirm(client, job)
    assert job.status == Status.FAILED and len(job.errors) == 3
    assert (Person.objects.count(), PartyMember.objects.count()) == (people, members)
    job.status = Status.READY
    job.save()
    confirm(client, job, valid_only=True)
    assert job.status == Status.DONE and job.counts["created"] == 1
    assert PartyMember.objects.count() == members + 1
    assert PartyMember.objects.get(person__name="新党员甲").person.mobile_masked == "138****1111"


def test_duplicate_inside_the_sheet_and_units_outside_the_jurisdiction(county, users, client_for):
    number = h.make_id()
    rows = [
        ["甲", number, "", "VILA10001", "正式党员", "2020-07-01"],
        ["甲", number, "", "VILA10001", "正式党员", "2020-07-01"],
        ["乙", h.make_id(), "", "VILB10001", "正式党员", "2020-07-01"],
    ]
    job = _check(client_for(users["staff_a"]), "members", HEADERS, rows)
    assert _errors(job) == [
        (3, "身份证号码", "该身份证号码已在表格第 2 行出现。"),
        (4, "单位编码", "在您的管辖范围内没有编码为 VILB10001 的单位。"),
    ]


def test_portal_upload_dry_run_then_confirm(member_sheet, users, client_for):
    client = client_for(users["staff_a"])
    members = PartyMember.objects.count()
    headers = ["姓名", "身份证号", "手机号码", "单位编码", "党员类别", "入党日期"]
    _response, job = upload(client, "members", "members.xlsx", xlsx([headers, *member_sheet]))
    body = page(client, job)
    assert "第 3 行" in body and "第 4 行" in body and "第 5 行" in body and "单位编码" in body
    assert "只要有一行有错误就不会写入任何数据" in body
    assert PartyMember.objects.count() == members
    confirm(client, job)
    assert PartyMember.objects.count() == members
    job.status = Status.READY
    job.save()
    assert confirm(client, job, valid_only=True).status_code == 302
    assert PartyMember.objects.count() == members + 1


def test_cadre_and_reserve_sheets_import_through_the_services(county, users, client_for):
    client = client_for(users["staff_a"])
    headers = ["name", "id_number", "mobile", "education", "unit_code", "committee", "post", "is_one_shoulder"]
    headers += ["term_start_year", "started_on"]
    rows = [
        ["书记甲", h.make_id(), "", "本科", "VILA10001", "村（社区）党组织委员会", "书记", "是", "2021", "2021-05-01"]
    ]
    job = _check(client, "posts", headers, rows)
    assert job.errors == [], job.errors
    confirm(client, job)
    assert job.status == Status.DONE and job.counts["created"] == 1
    post = CadrePost.objects.get()
    assert post.is_one_shoulder and post.term_end_year == 2026 and post.person.education == "bachelor"
    again = _check(
        client, "posts", headers, [["书记乙", h.make_id(), "", "", "VILA10001", "", "", "", "2021", "2021-05-01"]]
    )
    assert [e["column"] for e in again.errors] == ["职务"]

    rows = [["后备甲", post.person.id_number_masked, "", "", "VILA10001", "村党组织书记", "公开招录", "2024-03-01"]]
    headers = ["name", "id_number", "mobile", "education", "unit_code", "post_for", "nomination", "nominated_on"]
    job = _check(client, "reserves", headers, rows)
    assert job.errors and job.errors[0]["column"] == "身份证号码"
    rows[0][1] = h.make_id()
    secretary = client_for(users["secretary_a1"])
    job = _check(secretary, "reserves", headers, rows)
    confirm(secretary, job)
    assert job.status == Status.DONE and ReserveCadre.objects.get().nomination == "open"


def test_export_leaves_out_personal_data_and_keeps_to_the_jurisdiction(county, users, client_for):
    member = h.member(county["village_a1"], "导出甲")
    h.member(county["village_b1"], "导出乙")
    response = client_for(users["staff_a"]).get(reverse("sheets:export", args=["members", "xlsx"]))
    sheet = tablib.Dataset().load(io.BytesIO(response.getvalue()).read(), format="xlsx")
    assert sheet["姓名"] == ["导出甲"]
    assert sheet["人员编码"] == [member.person.code]
    # Neither the ID number nor the phone, not even masked: the person's code identifies them.
    assert not {"身份证号码", "手机号码", "id_number", "mobile"} & set(sheet.headers)


# -- an export read back as an update ("更新已有记录") -----------------------------------------------------------

EXISTS = "该记录已存在：如需修改，请选择“更新已有记录”。"


def _counts(job):
    return job.counts["created"], job.counts["updated"], job.counts["unchanged"]


@pytest.fixture
def posts(county):
    """Two secretaries of township A, one of whom also sits on the villagers' committee (two posts, two rows)."""
    first = h.secretary_post(county["village_a1"], "书记甲")
    second = h.secretary_post(county["village_a2"], "书记乙")
    services.post_create(
        person=first.person,
        unit=county["village_a1"],
        post="member",
        committee="villagers",
        term_start_year=2021,
        started_on=date(2021, 5, 1),
        actor=SYSTEM,
    )
    return {"first": first, "second": second}


def test_a_post_export_with_one_corrected_cell_updates_that_post_only(posts, users, client_for):
    client = client_for(users["staff_a"])
    body = export(client, "posts")
    _response, job = upload(client, "posts", "干部任职.xlsx", body)
    confirm(client, job, update_existing=True)
    assert job.status == Status.DONE and _counts(job) == (0, 0, 3), (job.error_summary, job.errors)
    sheet = corrected(body, "书记乙", "任职日期", date(2021, 6, 1))
    # Without "update existing records": every row of an existing post is refused, and nothing is written.
    _response, job = upload(client, "posts", "干部任职.xlsx", sheet)
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (row, "人员编码", EXISTS) for row in (2, 3, 4)
    ]
    confirm(client, job)
    assert job.status == Status.FAILED and CadrePost.objects.get(pk=posts["second"].pk).started_on == date(2021, 5, 1)
    # With it: that post is updated, through the service and audited; the others are unchanged.
    _response, job = upload(client, "posts", "干部任职.xlsx", sheet)
    confirm(client, job, update_existing=True)
    assert job.status == Status.DONE and _counts(job) == (0, 1, 2), (job.error_summary, job.errors)
    assert CadrePost.objects.get(pk=posts["second"].pk).started_on == date(2021, 6, 1)
    assert CadrePost.objects.get(pk=posts["first"].pk).started_on == date(2021, 5, 1)
    entry = AuditEntry.objects.get(action="post.update")
    assert entry.object_id == str(posts["second"].pk) and entry.changes == {"started_on": ["2021-05-01", "2021-06-01"]}
    assert CadrePost.objects.count() == 3


def test_a_new_secretary_for_a_seated_unit_is_a_row_error_before_anything_is_written(posts, users, client_for):
    headers = ["name", "id_number", "unit_code", "post", "term_start_year", "started_on"]
    rows = [["新书记", h.make_id(), "VILA10001", "书记", "2024", "2024-05-01"]]
    job = _check(client_for(users["staff_a"]), "posts", headers, rows)
    assert _errors(job) == [(2, "职务", "该单位已有在任书记，请先办理其离任。")]


def test_post_update_keeps_the_term_length_and_the_post_rules(posts, users):
    post = post_update(post=posts["second"], actor=users["staff_a"], term_start_year=2022)
    assert (post.term_start_year, post.term_end_year) == (2022, 2027)
    member = CadrePost.objects.get(post="member")
    with pytest.raises(ValidationError) as refused:
        post_update(post=member, actor=users["staff_a"], is_one_shoulder=True)
    assert refused.value.message_dict == {"is_one_shoulder": ["只有书记可以“一肩挑”。"]}
    with pytest.raises(PermissionDenied):
        post_update(post=member, actor=users["staff_b"], committee="party")
    assert CadrePost.objects.get(pk=member.pk).committee == "villagers"


@pytest.fixture
def reserves(county):
    def nominate(name):
        return services.reserve_nominate(
            person=h.person(county["village_a1"], name, age=26),
            unit=county["village_a1"],
            post_for="secretary",
            nomination="self",
            nominated_on=date(2024, 2, 1),
            actor=SYSTEM,
        )

    return {"first": nominate("后备甲"), "second": nominate("后备乙")}


def test_a_reserve_export_with_one_corrected_cell_updates_that_reserve_only(reserves, users, client_for):
    client = client_for(users["staff_a"])
    body = export(client, "reserves")
    _response, job = upload(client, "reserves", "后备干部.xlsx", body)
    confirm(client, job, update_existing=True)
    assert job.status == Status.DONE and _counts(job) == (0, 0, 2), (job.error_summary, job.errors)
    sheet = corrected(body, "后备乙", "产生方式", "公开招录")
    _response, job = upload(client, "reserves", "后备干部.xlsx", sheet)
    assert [(e["column"], e["message"]) for e in job.errors] == [("人员编码", EXISTS)] * 2
    confirm(client, job)
    assert job.status == Status.FAILED and ReserveCadre.objects.get(pk=reserves["second"].pk).nomination == "self"
    _response, job = upload(client, "reserves", "后备干部.xlsx", sheet)
    confirm(client, job, update_existing=True)
    assert job.status == Status.DONE and _counts(job) == (0, 1, 1), (job.error_summary, job.errors)
    assert ReserveCadre.objects.get(pk=reserves["second"].pk).nomination == "open"
    assert ReserveCadre.objects.get(pk=reserves["first"].pk).nomination == "self"
    entry = AuditEntry.objects.get(action="reserve.update")
    assert entry.object_id == str(reserves["second"].pk) and entry.changes == {"nomination": ["self", "open"]}
    assert ReserveCadre.objects.count() == 2


def test_reserve_update_moves_the_nomination_date_within_the_pipeline(reserves, users):
    reserve = reserve_update(reserve=reserves["first"], actor=users["staff_a"], nominated_on=date(2024, 1, 15))
    assert reserve.stage_on == date(2024, 1, 15)  # still at the nomination: the stage's date follows
    assert ReserveStep.objects.get(reserve=reserve).on == date(2024, 1, 15)
    services.reserve_advance(reserve=reserve, on=date(2024, 3, 1), actor=users["staff_a"])
    with pytest.raises(ValidationError) as refused:
        reserve_update(reserve=reserve, actor=users["staff_a"], nominated_on=date(2024, 4, 1))
    assert "nominated_on" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        reserve_update(reserve=reserve, actor=users["staff_b"], nomination="open")
    assert ReserveCadre.objects.get(pk=reserve.pk).nominated_on == date(2024, 1, 15)
