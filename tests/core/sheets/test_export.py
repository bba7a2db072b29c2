"""Every list's export read back through the import's reader (core.sheets.export → core.sheets.reader): the same
values in every column, the spec's labels as headers, typed cells, the sheet named after its content, a frozen
header, a BOM in CSV; the blank templates' drop-down lists and help sheet; memory that stays flat."""

import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from cadres.models import PartyMember, Person
from core.models import ImportJob
from core.sheets import export, importers
from core.sheets.reader import read_table
from tests.cadres import helpers as h
from tests.cadres.scope_cases import make_reserve
from tests.collective_economy.helpers import approved
from tests.core.sheet_helpers import confirm, upload, xlsx
from tests.goals.scope_cases import make_target
from tests.grid_woodpecker import helpers as wp

pytestmark = pytest.mark.django_db
KINDS = ("members", "posts", "reserves", "woodpeckers", "goods", "income", "targets", "units")
# Exports leave the ID number out (docs/security.md): the importers of people (members, posts, reserves,
# woodpeckers) find the person by 人员编码, so no export needs the mapping step.
NEEDS_ID_NUMBER = ()


@pytest.fixture
def records(county, users):
    village = county["village_a1"]
    member = h.member(village, "导出党员")
    PartyMember.objects.filter(pk=member.pk).update(joined_on=date(1985, 7, 1))
    Person.objects.filter(pk=member.person_id).update(employment_type="courier", education="bachelor")
    h.secretary_post(county["village_a2"], "导出书记")
    make_reserve(county, users, village)
    woodpecker = wp.woodpecker(county["grid_a1"], username="export_wp", name="导出啄木鸟")
    woodpecker.is_lead, woodpecker.lead_duties = True, "带队巡查"
    woodpecker.save(update_fields=["is_lead", "lead_duties"])
    wp.station_with_goods(village, price="12.50", stock=7)
    approved(village, 2024, "909209.32", operating="123456.78", debt="2500.5", assets="1040300")
    make_target(county, users, county["township_a"])
    return {"member": member}


def _export(client, kind, fmt):
    url = reverse("sheets:export", args=[kind, fmt]) + ("?year=2024" if kind == "income" else "")
    response = client.get(url)
    assert response.status_code == 200, (kind, fmt, response.status_code)
    return response, response.getvalue()


def _same(got, expected) -> bool:
    if expected in (None, "") or got in (None, ""):
        return expected in (None, "") and got in (None, "")
    if isinstance(expected, Decimal) or isinstance(got, Decimal):
        return Decimal(str(got)) == Decimal(str(expected))
    return got == expected


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_export_reads_back_the_same_values(records, users, client_for, kind, fmt):
    response, body = _export(client_for(users["city_staff"]), kind, fmt)
    exporter = export.get(kind)
    spec = importers.get(kind).spec
    table = read_table(f"export.{fmt}", body, spec)
    # Headers: the spec's labels (an amount's with 元), the extra columns first; nothing else.
    assert table.headers == [export.header(c) for c in exporter.columns]
    assert set(table.missing) == ({"id_number"} if kind in NEEDS_ID_NUMBER else set())
    assert not spec.has_amounts or table.amount_unit == "yuan" or set(table.column_units.values()) == {"yuan"}
    expected = [exporter.row(o) for o in exporter.queryset(users["city_staff"], {"year": "2024"})]
    assert expected and len(table.rows) == len(expected)
    exported = [c.key for c in exporter.columns if c.key in {s.key for s in spec.columns}]
    for row, want in zip(table.rows, expected, strict=True):
        assert row.errors == {}, row.errors
        for key in exported:
            assert _same(row.values.get(key), want[key]), (kind, key, row.values.get(key), want[key])
    if fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf") and response["Content-Type"].startswith("text/csv")
    else:
        assert response["Content-Type"] == export.XLSX
        assert "attachment" in response["Content-Disposition"]


def test_xlsx_cells_are_typed_labelled_and_laid_out(records, county, users, client_for):
    client = client_for(users["city_staff"])
    _response, body = _export(client, "members", "xlsx")
    book = openpyxl.load_workbook(BytesIO(body))
    sheet = book.active
    assert book.sheetnames == ["党员信息"] and sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["人员编码", "姓名", "文化程度"] and "入党日期" in headers and "身份证号码" not in headers
    row = {h: c for h, c in zip(headers, sheet[2], strict=True)}
    assert row["人员编码"].value == records["member"].person.code
    assert row["入党日期"].is_date and row["入党日期"].value.date() == date(1985, 7, 1)
    assert row["入党日期"].number_format == export.DATE_FORMAT
    assert row["文化程度"].value == "大学本科" and row["从业类型"].value == "快递员"  # labels, not codes
    assert row["党员类别"].value == "正式党员"
    # Columns wide enough for their Chinese header.
    for index, header in enumerate(headers, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width >= export.text_width(header), header
    _response, body = _export(client, "income", "xlsx")
    sheet = openpyxl.load_workbook(BytesIO(body)).active
    assert sheet.title == "村集体经济收入"
    headers = [c.value for c in sheet[1]]
    assert "集体经济总收入（元）" in headers and "年末负债（元）" in headers and "年度" in headers
    row = {h: c for h, c in zip(headers, sheet[2], strict=True)}
    assert row["集体经济总收入（元）"].value == pytest.approx(909209.32)
    assert row["集体经济总收入（元）"].data_type == "n" and row["集体经济总收入（元）"].number_format == "#,##0.00"
    assert row["年度"].value == 2024 and row["村名称"].value == county["village_a1"].name


def test_exports_keep_to_what_the_user_may_view(records, county, users, client_for):
    h.member(county["village_b1"], "乙镇党员")
    _response, body = _export(client_for(users["staff_a"]), "members", "csv")
    text = body.decode("utf-8-sig")
    assert "导出党员" in text and "乙镇党员" not in text
    # A woodpecker keeps no station's goods: refused (an external system's account never reaches portal pages).
    woodpecker = client_for(users["woodpecker_ac"])
    assert woodpecker.get(reverse("sheets:export", args=["goods", "xlsx"])).status_code == 403
    assert client_for(users["staff_a"]).get(reverse("sheets:export", args=["nothing", "xlsx"])).status_code == 404
    bad_year = client_for(users["staff_a"]).get(reverse("sheets:export", args=["income", "csv"]) + "?year=abc")
    assert bad_year.status_code == 400


def test_person_code_is_stable_unique_and_says_nothing(county):
    people = [h.person(county["village_a1"], f"编码{i}") for i in range(20)]
    codes = [p.code for p in people]
    assert len(set(codes)) == 20
    alphabet = set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")  # no 0/O, 1/I/L
    assert all(c.startswith("P") and len(c) == 9 and not set(c[1:]) - alphabet for c in codes)
    person = people[0]
    person.name = "改名"
    person.save()
    person.refresh_from_db()
    assert person.code == codes[0]


@pytest.mark.parametrize("kind", KINDS)
def test_blank_template_has_drop_downs_and_a_help_sheet(users, client_for, kind):
    response = client_for(users["city_staff"]).get(reverse("sheets:template", args=[kind]))
    assert response.status_code == 200 and response["Content-Type"] == export.XLSX
    spec = importers.get(kind).spec
    book = openpyxl.load_workbook(BytesIO(response.content))
    sheet = book[spec.title]
    assert book.sheetnames[0] == spec.title and "说明" in book.sheetnames and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [export.header(c) for c in spec.columns]
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    for index, column in enumerate(spec.columns, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        check = validations.get(f"{letter}2")
        if column.type not in ("choice", "bool"):
            assert check is None, column.key
            continue
        assert check is not None and check.type == "list", column.key
        labels = [label for _v, label in column.choices] if column.type == "choice" else ["是", "否"]
        if check.formula1.startswith('"'):
            assert check.formula1.strip('"').split(",") == labels
        else:  # a long list sits on the hidden 选项 sheet
            choice_letter = check.formula1.split("!")[1].split("$")[1]
            listed = [c.value for c in book["选项"][choice_letter]][1:]
            assert [v for v in listed if v] == labels
    help_rows = list(book["说明"].iter_rows(values_only=True))
    assert help_rows[0][:4] == ("列名", "是否必填", "格式", "可选值")
    described = {r[0]: r for r in help_rows[1:] if r and r[0]}
    for column in spec.columns:
        row = described[export.header(column)]
        assert row[1] == ("必填" if column.required else "选填")
        if column.type == "choice":
            assert row[3] == "、".join(label for _v, label in column.choices)
        if column.type == "date":
            assert "2019" in row[2]


def test_template_is_refused_to_a_role_that_may_not_import(users, client_for):
    response = client_for(users["woodpecker_ac"]).get(reverse("sheets:template", args=["members"]))
    assert response.status_code == 403
    assert client_for(users["city_staff"]).get(reverse("sheets:template", args=["nope"])).status_code == 404


def test_a_filled_in_template_reads_back(users, client_for):
    body = client_for(users["city_staff"]).get(reverse("sheets:template", args=["income"])).content
    spec = importers.get("income").spec
    model_value, model_label = spec.column("development_model").choices[0]
    book = openpyxl.load_workbook(BytesIO(body))
    book[spec.title].append(["VILA10001", 2024, 909209.32, 123456.78, "集体经营", model_label, 1040300, 0])
    filled = BytesIO()
    book.save(filled)
    table = read_table("template.xlsx", filled.getvalue(), spec)
    assert table.missing == [] and set(table.columns) == {c.key for c in spec.columns}
    assert set(table.column_units.values()) == {"yuan"} or table.amount_unit == "yuan"  # 元 in the headers
    (row,) = table.rows
    assert row.errors == {} and row.values["development_model"] == model_value
    assert row.values["total_income"] == Decimal("909209.32") and row.values["year"] == 2024


# -- memory ------------------------------------------------------------------------------------------------------

ROWS = 20_000


def _member_rows(n):
    start = date(1980, 1, 1)
    for i in range(n):
        yield {
            "person_code": f"P{i:08d}",
            "name": f"党员{i}",
            "education": "bachelor",
            "employment_type": "courier",
            "unit_code": f"4210810010{i % 100:02d}",
            "status": "full",
            "joined_on": start + timedelta(days=i % 10000),
        }


def _peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_export_of_20000_rows_streams_with_flat_memory(tmp_path):
    exporter = export.get("members")
    columns = exporter.columns

    def streamed():
        assert export.write_xlsx(exporter.spec, _member_rows(ROWS), tmp_path / "s.xlsx", columns=columns) == ROWS

    def materialised():  # what the old export did: every row in memory, then a workbook held whole
        rows = list(_member_rows(ROWS))
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append([export.header(c) for c in columns])
        for row in rows:
            sheet.append([export.cell_value(c, row.get(c.key)) for c in columns])
        book.save(tmp_path / "m.xlsx")

    stream_peak, whole_peak = _peak(streamed), _peak(materialised)
    assert stream_peak < whole_peak / 4, (stream_peak, whole_peak)
    assert stream_peak < 16 * 1024 * 1024
    # And it does not grow with the rows: a tenth of the rows peaks about as high.
    small = _peak(lambda: export.write_xlsx(exporter.spec, _member_rows(ROWS // 10), tmp_path / "t.xlsx"))
    assert stream_peak < small * 2, (stream_peak, small)


def test_csv_export_streams_in_chunks():
    exporter = export.get("members")
    chunks = export.csv_chunks(exporter.spec, _member_rows(ROWS), columns=exporter.columns)
    first = next(chunks)
    assert first.startswith(b"\xef\xbb\xbf") and "人员编码".encode() in first
    sizes = [len(c) for c in chunks]
    assert len(sizes) == ROWS // 500 and max(sizes) < 64 * 1024


def test_export_queries_do_not_grow_with_rows(county, users, client_for, django_assert_max_num_queries):
    for i in range(30):
        h.member(county["village_a1"], f"查询{i}")
    client = client_for(users["city_staff"])
    client.get(reverse("sheets:export", args=["members", "csv"])).getvalue()  # warm the session
    with django_assert_max_num_queries(12):
        client.get(reverse("sheets:export", args=["members", "csv"])).getvalue()


def test_a_member_export_goes_back_in_unchanged_as_an_update(records, county, users, client_for):
    h.member(county["village_a2"], "另一党员")
    client = client_for(users["staff_a"])
    _response, body = _export(client, "members", "xlsx")
    _response, job = upload(client, "members", "党员信息.xlsx", body)
    confirm(client, job, update_existing=True)
    assert job.status == ImportJob.Status.DONE, (job.error_summary, job.errors)
    assert job.counts["unchanged"] == 2 and job.counts["created"] == 0
    # The same sheet with one correction: that member is updated, found by the person code alone.
    book = openpyxl.load_workbook(BytesIO(body))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("姓名")].value == "导出党员":
            row[headers.index("入党日期")].value = date(1986, 7, 1)
    corrected = BytesIO()
    book.save(corrected)
    _response, job = upload(client, "members", "党员信息.xlsx", corrected.getvalue())
    confirm(client, job, update_existing=True)
    assert job.status == ImportJob.Status.DONE and job.counts["updated"] == 1 and job.counts["unchanged"] == 1
    assert PartyMember.objects.get(pk=records["member"].pk).joined_on == date(1986, 7, 1)


def test_a_person_code_must_agree_with_the_id_number_and_the_jurisdiction(records, county, users, client_for):
    outside = h.member(county["village_b1"], "乙镇党员")
    member = records["member"]
    rows = [
        ["人员编码", "姓名", "单位编码", "党员类别", "入党日期"],
        [outside.person.code, "乙镇党员", county["village_a1"].code, "正式党员", "2010-07-01"],
        ["", "无编码", county["village_a1"].code, "正式党员", "2010-07-01"],
        [member.person.code, "导出党员", county["village_a1"].code, "正式党员", "1985-07-01"],
        [member.person.code, "导出党员", county["village_a1"].code, "正式党员", "1985-07-01"],
    ]
    client = client_for(users["staff_a"])
    _response, job = upload(client, "members", "m.xlsx", xlsx(rows))
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert (2, "人员编码") in errors and (3, "身份证号码") in errors and (5, "人员编码") in errors
    assert (4, "人员编码") not in errors  # found by its code (already a member: an update, when asked for)


def test_each_import_page_links_to_its_blank_template(users, client_for):
    client = client_for(users["city_staff"])
    for kind in KINDS:
        page = client.get(reverse("imports:start", args=[kind])).content.decode()
        assert reverse("sheets:template", args=[kind]) in page and "下载空白模板" in page, kind


@pytest.mark.parametrize("kind", KINDS)
def test_every_export_goes_back_in_unchanged_as_an_update(records, users, client_for, kind):
    """The round trip: a list exported by a user who may import it goes back in as it is, with "update existing
    records", and changes nothing (every row unchanged, none created, none refused)."""
    client = client_for(users["city_staff"])
    _response, body = _export(client, kind, "xlsx")
    exporter = export.get(kind)
    rows = len(list(exporter.queryset(users["city_staff"], {"year": "2024"})))
    _response, job = upload(client, kind, f"{kind}.xlsx", body)
    assert job is not None and job.status == ImportJob.Status.READY, (kind, job and job.status, job and job.errors)
    # An income sheet's warnings (villages of the jurisdiction missing from it) are confirmed as a user would.
    confirm(client, job, update_existing=True, warnings_confirmed=bool(job.preview.get("warnings")))
    assert job.status == ImportJob.Status.DONE, (kind, job.error_summary, job.errors[:3])
    assert (job.counts["created"], job.counts["updated"], job.counts["unchanged"]) == (0, 0, rows), job.counts
