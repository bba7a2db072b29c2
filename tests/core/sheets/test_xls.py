""".xls workbooks (xlrd 2.0), built in the test by tests/core/sheets/xls_builder.py (no .xls writer is installed)."""

from datetime import date
from decimal import Decimal

import pytest

from core.sheets.reader import SheetRefused, read_table

from .builders import MEMBERS
from .xls_builder import xls

HEADER = ["姓名", "公民身份号码", "所在支部", "入党时间", "月缴党费（元）"]


def test_an_xls_sheet_with_a_title_dates_numbers_and_text():
    content = xls(
        (
            "花名册",
            [
                ["某村党员花名册"],
                HEADER,
                ["张三", "42010219850308123X", "第一党支部", ("date", 43647), 12.5],
                ["李四", "420102198503081241", "第二党支部", "1985年7月1日", "１，０００"],
                ["合计", None, None, None, 1012.5],
            ],
        )
    )
    table = read_table("花名册.xls", content, MEMBERS)
    assert (table.file_format, table.sheet_name, table.header_row) == ("xls", "花名册", 2)
    zhang, li = table.rows
    assert zhang.values["joined_on"] == date(2019, 7, 1)  # a date cell
    assert zhang.values["dues"] == Decimal("12.50")
    assert li.values["joined_on"] == date(1985, 7, 1)
    assert li.values["dues"] == Decimal("1000.00")
    assert table.skipped == [(5, "合计行（合计），已跳过")]


def test_the_data_sheet_of_a_workbook_with_a_help_sheet():
    content = xls(("说明", [["填表说明"]]), ("Sheet2", [HEADER, ["张三", "", "一支部", "2019-07-01", 1]]))
    assert read_table("a.xls", content, MEMBERS).sheet_name == "Sheet2"


def test_a_password_protected_xls():
    content = xls(("Sheet1", [HEADER]), encrypted=True)
    with pytest.raises(SheetRefused, match="设有密码保护"):
        read_table("a.xls", content, MEMBERS)
