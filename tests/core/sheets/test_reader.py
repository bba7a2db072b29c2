"""Sheets as townships really send them (core.sheets.reader.read_table), every fixture built here."""

from datetime import date
from decimal import Decimal

import pytest

from core.sheets.reader import SheetRefused, read_table
from core.sheets.spec import Column, SheetSpec

from .builders import INCOME, MEMBERS, csv_bytes, excel_datetime, xlsx

MEMBER_HEADER = ["姓名", "公民身份号码", "性别", "所在支部", "入党时间", "月缴党费（元）"]


def test_a_title_in_wan_converts_every_amount_to_yuan():
    content = xlsx(
        (
            "Sheet1",
            [
                ["某镇2023年村集体经济收入统计表（单位：万元）"],
                [],
                ["村编码", "村名称", "年度", "集体经济总收入", "经营性收入"],
                ["420100001", "张家村", 2023, 90.920932, "１，０４０．３０"],
                ["420100002", "李家村", "2023年", 12, 5.5],
            ],
        )
    )
    table = read_table("收入.xlsx", content, INCOME)
    assert table.header_row == 3
    assert (table.amount_unit, table.amount_unit_source) == ("wan", "标题")
    assert table.column_units == {"total_income": "wan", "operating_income": "wan"}
    assert not table.needs_unit
    first, second = table.rows
    assert first.number == 4
    assert first.values == {
        "village_code": "420100001",
        "village_name": "张家村",
        "year": 2023,
        "total_income": Decimal("909209.32"),
        "operating_income": Decimal("10403000.00"),
    }
    assert first.raw["operating_income"] == "１，０４０．３０"
    assert second.values["year"] == 2023
    assert second.values["operating_income"] == Decimal("55000.00")
    assert not first.errors and not second.errors


def test_no_unit_declared_means_the_uploader_must_choose():
    rows = [["村编码", "年度", "总收入", "经营性收入"], ["420100001", 2023, 909209.32, 800000]]
    table = read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME)
    assert table.needs_unit and table.amount_unit is None and table.amount_unit_source == ""
    assert table.rows[0].values["total_income"] is None and not table.rows[0].errors  # not guessed, not an error
    chosen = read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME, amount_unit="yuan")
    assert (chosen.amount_unit, chosen.amount_unit_source, chosen.needs_unit) == ("yuan", "用户选择", False)
    assert chosen.rows[0].values["total_income"] == Decimal("909209.32")


def test_the_sheets_own_unit_wins_over_the_uploaders_choice():
    rows = [["单位：万元"], ["村编码", "年度", "总收入", "经营性收入"], ["420100001", 2023, 90.92, 80]]
    table = read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME, amount_unit="yuan")
    assert table.amount_unit == "wan"
    assert table.rows[0].values["total_income"] == Decimal("909200.00")


def test_a_merged_two_row_header_with_the_unit_in_its_upper_cell():
    # "收入（万元）" spans two columns over "集体经济总收入" and "经营性收入"; 村编码 and 年度 span both rows.
    rows = [
        ["某镇村集体经济收入"],
        ["村编码", "年度", "收入（万元）", None, "备注"],
        [None, None, "集体经济总收入", "经营性收入"],
        ["420100001", 2023, 90.920932, 50],
    ]
    table = read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME)
    assert table.header_row == 3
    assert table.columns == {"village_code": 0, "year": 1, "total_income": 2, "operating_income": 3}
    assert table.headers[2] == "收入（万元）/集体经济总收入"
    assert table.unmatched == ["备注"]
    assert table.column_units == {"total_income": "wan", "operating_income": "wan"}
    assert table.amount_unit == "wan" and table.amount_unit_source == "表头 收入（万元）/集体经济总收入"
    assert table.rows[0].values["total_income"] == Decimal("909209.32")
    assert table.rows[0].values["operating_income"] == Decimal("500000.00")


def test_a_unit_in_one_header_applies_to_that_column_only():
    rows = [["村编码", "年度", "总收入（万元）", "经营性收入"], ["420100001", 2023, 90.92, 800000]]
    table = read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME)
    assert table.column_units == {"total_income": "wan"}
    assert table.needs_unit  # 经营性收入 has no unit: the uploader chooses it
    table = read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME, amount_unit="yuan")
    assert table.rows[0].values["total_income"] == Decimal("909200.00")
    assert table.rows[0].values["operating_income"] == Decimal("800000.00")


def test_a_note_below_the_rows_declares_the_unit():
    rows = [["村编码", "年度", "总收入", "经营性收入"], ["420100001", 2023, 90.92, 80], ["注：金额单位为万元"]]
    table = read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME)
    assert (table.amount_unit, table.amount_unit_source) == ("wan", "说明")
    assert table.skipped == [(3, "说明行，已跳过")]


def test_two_different_units_declared_are_refused():
    rows = [["收入表（单位：万元）"], ["（元）"], ["村编码", "年度", "总收入", "经营性收入"], ["1", 2023, 1, 1]]
    with pytest.raises(SheetRefused, match="同时标注了“元”和“万元”"):
        read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME)


def test_a_place_name_is_not_a_unit():
    rows = [["填报单位：元宝村"], ["村编码", "年度", "总收入", "经营性收入"], ["1", 2023, 1, 1]]
    assert read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME).needs_unit


def test_total_rows_are_skipped_and_reported_even_with_formulas():
    rows = [
        ["村编码", "村名称", "年度", "总收入（元）", "经营性收入（元）"],
        ["420100001", "张家村", 2023, 100, 50],
        ["", "小 计", None, "=SUM(D2:D2)", "=SUM(E2:E2)"],
        ["420100002", "李家村", 2023, 200, 100],
        ["全镇合计", None, None, "=SUM(D2:D4)", None],
        [],
        ["总计：", None, None, 300],
    ]
    table = read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME)
    assert [row.number for row in table.rows] == [2, 4]
    assert table.skipped == [
        (3, "合计行（小 计），已跳过"),
        (5, "合计行（全镇合计），已跳过"),
        (7, "合计行（总计：），已跳过"),
    ]


def test_a_formula_in_a_record_is_refused_naming_the_cell():
    rows = [["村编码", "年度", "总收入（元）", "经营性收入（元）"], ["1", 2023, 1, 1], ["2", 2023, "=B3*2", 1]]
    with pytest.raises(SheetRefused, match="第3行 C列 含公式（=B3\\*2）"):
        read_table("收入.xlsx", xlsx(("Sheet1", rows)), INCOME)


def test_a_realistic_member_sheet_with_variant_headers_and_date_styles():
    rows = [
        ["某村党员花名册"],
        MEMBER_HEADER,
        ["张三", "42010219850308123x", "男", "第一党支部", "2019年7月1日", "１２．５０"],
        ["李四", "420102198503081241", "女", "第二党支部", excel_datetime(1985, 3, 8), 30],
        ["王五", "420102196001011234", "男", "第一党支部", "1985.07", "-"],
        ["赵六", "420102196001011234", "男", "第一党支部", "２０１９／７／１", None],
        ["", "420102196001011234", "不详", "第一党支部", "2019.02.30", None],
    ]
    table = read_table("党员.xlsx", xlsx(("花名册", rows)), MEMBERS)
    assert table.columns == {"name": 0, "id_number": 1, "gender": 2, "branch": 3, "joined_on": 4, "dues": 5}
    assert table.unmatched == [] and table.missing == []
    assert table.column_units == {"dues": "yuan"}
    zhang, li, wang, zhao, nobody = table.rows
    assert zhang.values["id_number"] == "42010219850308123X"
    assert zhang.values["gender"] == "M"
    assert zhang.values["joined_on"] == date(2019, 7, 1)
    assert zhang.values["dues"] == Decimal("12.50")
    assert li.values["joined_on"] == date(1985, 3, 8)
    assert wang.values["joined_on"] == date(1985, 7, 1) and wang.values["dues"] is None
    assert zhao.values["joined_on"] == date(2019, 7, 1)
    assert nobody.errors == {
        "name": "请填写姓名。",
        "gender": "“不详”不是可选的值，可选：男、女。",
        "joined_on": "没有这个日期：“2019.02.30”。",
    }


def test_unrecognised_headers_and_the_mapping_step():
    rows = [["姓名", "参加组织时间", "籍贯"], ["张三", "2019-07-01", "湖北"]]
    table = read_table("党员.xlsx", xlsx(("Sheet1", rows)), MEMBERS)
    assert table.columns == {"name": 0}
    assert table.unmatched == ["参加组织时间", "籍贯"]
    assert table.missing == ["joined_on"]
    mapped = read_table("党员.xlsx", xlsx(("Sheet1", rows)), MEMBERS, mapping={"joined_on": 1, "branch": 9})
    assert mapped.columns == {"name": 0, "joined_on": 1}
    assert mapped.missing == [] and mapped.unmatched == ["籍贯"]
    assert mapped.rows[0].values == {"name": "张三", "joined_on": date(2019, 7, 1)}


def test_a_mapping_takes_a_column_from_a_wrong_match():
    rows = [["姓名", "入党时间", "入党日期（旧）"], ["张三", "2019-07-01", "1985-01-01"]]
    table = read_table("党员.xlsx", xlsx(("Sheet1", rows)), MEMBERS, mapping={"joined_on": 2})
    assert table.columns == {"name": 0, "joined_on": 2}
    assert table.rows[0].values["joined_on"] == date(1985, 1, 1)


def test_a_gbk_csv_as_excel_on_chinese_windows_writes_it():
    lines = [",".join(MEMBER_HEADER), "张三,42010219850308123X,男,第一党支部,2019/7/1,12.5"]
    table = read_table("党员.csv", csv_bytes(lines, "gbk"), MEMBERS)
    assert (table.file_format, table.encoding) == ("csv", "GBK/GB18030")
    assert table.rows[0].values["name"] == "张三"
    assert table.rows[0].values["joined_on"] == date(2019, 7, 1)


def test_a_utf8_csv_with_a_bom_and_quoted_thousands():
    lines = ["村编码,年度,总收入（元）,经营性收入（元）", '420100001,2023,"1,040,300.00","１，０４０，３００．００"']
    table = read_table("收入.csv", "\ufeff".encode() + csv_bytes(lines, "utf-8"), INCOME)
    assert table.encoding == "UTF-8 BOM"
    assert table.columns["village_code"] == 0  # the BOM is not part of the first header
    assert table.rows[0].values["total_income"] == Decimal("1040300.00")
    assert table.rows[0].values["operating_income"] == Decimal("1040300.00")


def test_a_plain_utf8_csv_and_excel_unicode_text():
    lines = [",".join(MEMBER_HEADER), "张三,42010219850308123X,男,第一党支部,2019-07-01,"]
    assert read_table("a.csv", csv_bytes(lines, "utf-8"), MEMBERS).encoding == "UTF-8"
    tabbed = read_table("a.txt", csv_bytes(lines, "utf-16", delimiter="\t"), MEMBERS)
    assert tabbed.encoding == "UTF-16"
    assert tabbed.rows[0].values["branch"] == "第一党支部"


def test_the_data_sheet_is_chosen_over_a_help_sheet():
    content = xlsx(
        ("填写说明", [["请按下表填写"], ["姓名：必填"]]),
        ("Sheet2", [MEMBER_HEADER, ["张三", "", "男", "一支部", "2019-07-01", 1]]),
    )
    table = read_table("党员.xlsx", content, MEMBERS)
    assert table.sheet_name == "Sheet2"
    assert table.rows[0].values["name"] == "张三"


def test_blank_rows_are_dropped_and_a_repeated_header_is_skipped():
    rows = [MEMBER_HEADER, ["张三", "", "男", "一支部", "2019-07-01", 1], [], [None, ""], MEMBER_HEADER]
    rows.append(["李四", "", "女", "一支部", "2019-07-01", 1])
    table = read_table("党员.xlsx", xlsx(("Sheet1", rows)), MEMBERS)
    assert [row.number for row in table.rows] == [2, 6]
    assert table.skipped == [(5, "重复的表头行，已跳过")]


def test_max_rows_reads_a_preview():
    rows = [MEMBER_HEADER] + [[f"党员{n}", "", "男", "一支部", "2019-07-01", 1] for n in range(10)]
    table = read_table("党员.xlsx", xlsx(("Sheet1", rows)), MEMBERS, max_rows=3)
    assert len(table.rows) == 3 and table.truncated
    assert not read_table("党员.xlsx", xlsx(("Sheet1", rows)), MEMBERS, max_rows=10).truncated


def test_cells_that_excel_could_not_compute_or_keep():
    rows = [MEMBER_HEADER, ["张三", 4.20102198503081e17, "男", "#N/A", "2019-07-01", 1]]
    row = read_table("党员.xlsx", xlsx(("Sheet1", rows)), MEMBERS).rows[0]
    assert "存成了数字" in row.errors["id_number"]
    assert row.errors["branch"] == "单元格显示 Excel 错误值 #N/A。"


def test_a_label_beats_an_alias_whatever_the_column_order():
    spec = SheetSpec(
        "villages",
        "村",
        (Column("village_code", "村编码", aliases=("村名称", "村")), Column("year", "年度", type="int")),
    )
    rows = [["村名称", "年度", "村编码"], ["张家村", 2023, "420100001"]]
    table = read_table("a.xlsx", xlsx(("Sheet1", rows)), spec)
    assert table.columns == {"year": 1, "village_code": 2}
    assert table.unmatched == ["村名称"]
    # Without the label, the alias is used.
    assert read_table("a.xlsx", xlsx(("Sheet1", [rows[0][:2], rows[1][:2]])), spec).columns["village_code"] == 0


def test_the_field_keys_of_earlier_exports_are_headers_too():
    rows = [["name", "joined_on", "gender"], ["张三", "2019-07-01", "男"]]
    table = read_table("a.csv", csv_bytes([",".join(row) for row in rows], "utf-8"), MEMBERS)
    assert table.columns == {"name": 0, "joined_on": 1, "gender": 2}


def test_a_shortened_choice_label_is_read_when_only_one_label_holds_it():
    spec = SheetSpec(
        "status",
        "状态",
        (Column("status", "党员类别", type="choice", choices=(("full", "正式党员"), ("p", "预备党员"))),),
    )
    rows = [["党员类别"], ["预备"], ["党员"]]
    first, second = read_table("a.xlsx", xlsx(("Sheet1", rows)), spec).rows
    assert first.values["status"] == "p"
    assert second.errors["status"] == "“党员”不是可选的值，可选：正式党员、预备党员。"
