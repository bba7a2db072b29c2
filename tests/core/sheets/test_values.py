"""Cells as townships write them (core.sheets.values): numbers, amounts with their unit, dates, choices, ID numbers."""

from datetime import date
from decimal import Decimal

import pytest

from core.sheets.spec import Column
from core.sheets.values import (
    BadValue,
    normalise_text,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_date,
    parse_id_number,
    parse_int,
    parse_number,
    parse_phone,
    parse_value,
)

from .builders import excel_datetime


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("１，０４０，３００．００", Decimal("1040300.00")),
        ("1,040,300.5", Decimal("1040300.5")),
        (" 1040300 ", Decimal("1040300")),
        (1040300.25, Decimal("1040300.25")),
        (12, Decimal(12)),
        ("(1,200)", Decimal(-1200)),
        ("￥3,000", Decimal(3000)),
        ("-", None),
        ("", None),
        (None, None),
    ],
)
def test_numbers_with_separators_and_full_width_digits(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1,04,0", "12元", "1.2.3", "nan", True])
def test_what_is_not_a_number_is_refused_in_chinese(cell):
    with pytest.raises(BadValue, match="不是数字"):
        parse_number(cell)


def test_whole_numbers_and_years():
    assert parse_int("2024年") == 2024
    assert parse_int(2024.0) == 2024
    assert parse_int("２０２４") == 2024
    with pytest.raises(BadValue, match="不是整数"):
        parse_int("12.5")


def test_amounts_are_converted_from_the_declared_unit_to_yuan():
    assert parse_amount("90.920932", "wan") == Decimal("909209.32")
    assert parse_amount("１，０４０，３００．００", "yuan") == Decimal("1040300.00")
    assert parse_amount(90.92, "wan") == Decimal("909200.00")
    assert parse_amount("0.005", "yuan") == Decimal("0.01")  # rounded half up to the cent
    assert parse_amount("", None) is None


def test_an_amount_without_a_unit_is_not_guessed():
    with pytest.raises(BadValue, match="请先选择金额单位"):
        parse_amount("90.92", None)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (excel_datetime(2019, 7, 1), date(2019, 7, 1)),
        (date(2019, 7, 1), date(2019, 7, 1)),
        (43647, date(2019, 7, 1)),  # an Excel serial (a date cell without a date format)
        (43647.0, date(2019, 7, 1)),
        (20190701, date(2019, 7, 1)),
        (2019.07, date(2019, 7, 1)),  # "2019.07" typed in Excel is kept as a number
        (2019.12, date(2019, 12, 1)),
        ("2019.07.01", date(2019, 7, 1)),
        ("2019.7.1", date(2019, 7, 1)),
        ("2019/7/1", date(2019, 7, 1)),
        ("2019-07-01", date(2019, 7, 1)),
        ("2019-07-01 00:00:00", date(2019, 7, 1)),
        ("2019年7月1日", date(2019, 7, 1)),
        ("2019 年 7 月 1 日", date(2019, 7, 1)),
        ("２０１９年７月１日", date(2019, 7, 1)),
        ("２０１９．０７．０１", date(2019, 7, 1)),
        ("20190701", date(2019, 7, 1)),
        ("2019-07", date(2019, 7, 1)),  # a month alone: its first day
        ("2019年7月", date(2019, 7, 1)),
        ("2019.10", date(2019, 10, 1)),  # as text, 2019.10 is October
        ("1985.07.01", date(1985, 7, 1)),  # no floor at 2000
        ("1985年3月", date(1985, 3, 1)),
        (excel_datetime(1985, 3, 8), date(1985, 3, 8)),
        ("", None),
        (None, None),
    ],
)
def test_the_date_styles_townships_write(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2019-02-30", "没有这个日期"),
        ("1899-12-01", "不在1900年至2100年之间"),
        ("2019", "只有年份"),
        (2019, "只有年份"),
        (2019.1, "可能是1月也可能是10月"),  # Excel keeps both 2019.1 and 2019.10 as 2019.1
        ("去年七月", "不是日期"),
        (True, "不是日期"),
    ],
)
def test_dates_that_cannot_be_read_say_why(cell, message):
    with pytest.raises(BadValue, match=message):
        parse_date(cell)


def test_choices_are_read_by_label_or_value():
    choices = (("M", "男"), ("F", "女"))
    assert parse_choice("男", choices) == "M"
    assert parse_choice(" F ", choices) == "F"
    with pytest.raises(BadValue, match="可选：男、女"):
        parse_choice("未知", choices)


def test_yes_and_no():
    assert parse_bool("是") is True
    assert parse_bool("否") is False
    assert parse_bool("√") is True
    assert parse_bool(False) is False
    with pytest.raises(BadValue, match="请填写“是”或“否”"):
        parse_bool("也许")


def test_id_numbers():
    assert parse_id_number(" 42010219850308123x ") == "42010219850308123X"
    assert parse_id_number("４２０１０２１９８５０３０８１２３Ｘ") == "42010219850308123X"
    with pytest.raises(BadValue, match="已脱敏"):  # masked (an export): never matches anyone
        parse_id_number("420102********123X")
    with pytest.raises(BadValue, match="存成了数字"):
        parse_id_number(4.20102198503081e17)
    with pytest.raises(BadValue, match="应为18位"):
        parse_id_number("4201021985")


def test_phones():
    assert parse_phone(13812345678.0) == "13812345678"
    assert parse_phone("138 1234 5678") == "13812345678"
    assert parse_phone("0716-1234567") == "0716-1234567"
    assert parse_phone("138****5678") is None
    with pytest.raises(BadValue, match="不是电话号码"):
        parse_phone("无")


def test_excel_error_cells_are_errors_in_every_column():
    with pytest.raises(BadValue, match="#N/A"):
        parse_value("#N/A", Column("name", "姓名"))


def test_normalised_text_compares_full_width_and_spaces():
    assert normalise_text("  入党\u3000时间（Ａ） ") == normalise_text("入党时间(a)")
