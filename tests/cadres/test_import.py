"""Import of member, cadre and reserve sheets: dry run first, every bad row reported by line and column in
Chinese, nothing written while any row fails unless the user asks for the valid rows only."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres import resources
from cadres.models import CadrePost, PartyMember, Person, ReserveCadre
from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db

HEADERS = ["name", "id_number", "mobile", "unit_code", "status", "joined_on"]


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
        ["重复丙", existing_number, "", "VILA10001", "正式党员", "2019-07-01"],
        ["无单位丁", h.make_id(), "", "NOPE00001", "正式党员", "2018-07-01"],
    ]
    return rows


def _errors(report):
    return [(e["row"], e["field"], e["message"]) for e in report.errors]


def test_dry_run_reports_each_bad_row_by_line_and_column_and_writes_nothing(member_sheet, users):
    people, members = Person.objects.count(), PartyMember.objects.count()
    report = resources.run_import("members", member_sheet, HEADERS, actor=users["staff_a"], dry_run=True)
    assert _errors(report) == [
        (3, "身份证号码", "身份证号码校验位错误，请核对。"),
        (4, "身份证号码", "此人已登记为党员。"),
        (5, "单位编码", "在您的管辖范围内没有编码为 NOPE00001 的单位。"),
    ]
    assert (report.total, report.valid, report.invalid_count) == (4, 1, 3)
    assert (Person.objects.count(), PartyMember.objects.count()) == (people, members)


def test_confirm_with_bad_rows_writes_nothing_unless_valid_rows_only_chosen(member_sheet, users):
    people, members = Person.objects.count(), PartyMember.objects.count()
    report = resources.run_import("members", member_sheet, HEADERS, actor=users["staff_a"], dry_run=False)
    assert report.written == 0 and len(report.errors) == 3
    assert (Person.objects.count(), PartyMember.objects.count()) == (people, members)
    report = resources.run_import(
        "members", member_sheet, HEADERS, actor=users["staff_a"], dry_run=False, valid_only=True
    )
    assert report.written == 1
    assert PartyMember.objects.count() == members + 1
    assert PartyMember.objects.get(person__name="新党员甲").person.mobile_masked == "138****1111"


def test_duplicate_inside_the_sheet_and_units_outside_the_jurisdiction(county, users):
    number = h.make_id()
    rows = [
        ["甲", number, "", "VILA10001", "正式党员", "2020-07-01"],
        ["甲", number, "", "VILA10001", "正式党员", "2020-07-01"],
        ["乙", h.make_id(), "", "VILB10001", "正式党员", "2020-07-01"],
    ]
    report = resources.run_import("members", rows, HEADERS, actor=users["staff_a"], dry_run=True)
    assert _errors(report) == [
        (3, "身份证号码", "该身份证号码已在表格第 2 行出现。"),
        (4, "单位编码", "在您的管辖范围内没有编码为 VILB10001 的单位。"),
    ]


def test_portal_upload_dry_run_then_confirm(member_sheet, users, client_for):
    client = client_for(users["staff_a"])
    members = PartyMember.objects.count()
    data = tablib.Dataset(*member_sheet, headers=["姓名", "身份证号", "手机号码", "单位编码", "党员类别", "入党日期"])
    upload = SimpleUploadedFile("members.xlsx", data.export("xlsx"))
    page = client.post(reverse("cadres:import", args=["members"]), {"file": upload})
    body = page.content.decode()
    assert page.status_code == 200
    assert "第 3 行" in body and "第 4 行" in body and "第 5 行" in body and "单位编码" in body
    assert "未写入任何数据" in body
    assert PartyMember.objects.count() == members
    token = page.context["report"].token
    page = client.post(reverse("cadres:import", args=["members"]), {"confirm": "1", "token": token})
    assert PartyMember.objects.count() == members
    page = client.post(reverse("cadres:import", args=["members"]), {"confirm": "1", "token": token, "valid_only": "1"})
    assert page.status_code == 302, page.content.decode()[-3000:]
    assert PartyMember.objects.count() == members + 1


def test_cadre_and_reserve_sheets_import_through_the_services(county, users):
    rows = [
        ["书记甲", h.make_id(), "", "本科", "VILA10001", "村（社区）党组织委员会", "书记", "是", "2021", "2021-05-01"]
    ]
    headers = [
        "name",
        "id_number",
        "mobile",
        "education",
        "unit_code",
        "committee",
        "post",
        "is_one_shoulder",
        "term_start_year",
        "started_on",
    ]
    report = resources.run_import("posts", rows, headers, actor=users["staff_a"], dry_run=False)
    assert report.errors == [] and report.written == 1
    post = CadrePost.objects.get()
    assert post.is_one_shoulder and post.term_end_year == 2026 and post.person.education == "bachelor"
    again = resources.run_import(
        "posts",
        [["书记乙", h.make_id(), "", "", "VILA10001", "", "书记", "", "2021", "2021-05-01"]],
        headers,
        actor=users["staff_a"],
        dry_run=True,
    )
    assert [e["field"] for e in again.errors] == ["职务"]

    rows = [["后备甲", post.person.id_number_masked, "", "", "VILA10001", "村党组织书记", "公开招录", "2024-03-01"]]
    headers = ["name", "id_number", "mobile", "education", "unit_code", "post_for", "nomination", "nominated_on"]
    report = resources.run_import("reserves", rows, headers, actor=users["staff_a"], dry_run=True)
    assert report.errors and report.errors[0]["field"] == "身份证号码"
    rows[0][1] = h.make_id()
    report = resources.run_import("reserves", rows, headers, actor=users["secretary_a1"], dry_run=False)
    assert report.written == 1 and ReserveCadre.objects.get().nomination == "open"


def test_export_masks_personal_data_and_keeps_to_the_jurisdiction(county, users, client_for):
    h.member(county["village_a1"], "导出甲")
    h.member(county["village_b1"], "导出乙")
    response = client_for(users["staff_a"]).get(reverse("cadres:export", args=["members"]))
    sheet = tablib.Dataset().load(io.BytesIO(response.content).read(), format="xlsx")
    names = sheet["name"]
    assert names == ["导出甲"]
    assert "*" in sheet["id_number"][0]
