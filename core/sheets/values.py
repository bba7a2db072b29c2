"""One cell's value, as townships write it: numbers, amounts, dates, choices, ID numbers (pure, no database).

Every parser takes what the reader found in the cell — a str from a CSV, or an int, float, bool, date or datetime
from a workbook — and returns the value, or None for an empty cell, or raises `BadValue` whose text is the Chinese
message shown beside the row. Full-width digits and punctuation ("１，０４０，３００．００") are read as their ASCII
forms (Unicode NFKC), so are thousands separators; amounts are `Decimal` yuan, converted from the declared unit
(never guessed: `parse_amount` refuses to work without one).
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .spec import Column

YUAN, WAN = "yuan", "wan"
UNITS = (YUAN, WAN)
_UNIT_FACTOR = {YUAN: Decimal(1), WAN: Decimal(10000)}
_CENT = Decimal("0.01")

# Cells that mean "nothing here" in hand-filled sheets.
_EMPTY_MARKS = {"", "-", "--", "—", "——", "/", "\\"}
EXCEL_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#GETTING_DATA", "#SPILL!"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_TIME_SUFFIX = re.compile(r"(T|\s)\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DAY = re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})[-./年](\d{1,2})月?$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_PHONE = re.compile(r"^\+?[\d-]{5,20}$")
_EXCEL_EPOCH = date(1899, 12, 30)
_LAST_SERIAL = (date(2100, 12, 31) - _EXCEL_EPOCH).days
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "无"}


class BadValue(ValueError):
    """A cell that cannot be read; str(exc) is the Chinese message for the uploader."""


def clean_text(value) -> str:
    """A cell as text, the way the user sees it: trimmed (also ideographic and no-break spaces), invisible characters
    removed; whole floats without ".0", dates as 2019-07-01."""
    if type(value) is str and value.isprintable():  # the usual cell: no invisible, no-break or ideographic space
        return value.strip(" ")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).translate(_INVISIBLE).strip().replace("\u3000", " ").strip()


def normalise_text(value) -> str:
    """The form used to compare texts (headers, choices, markers): NFKC (full-width → half-width), no whitespace at
    all, case-folded."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    return "".join(text.split()).casefold()


def _ascii_number_text(value) -> str:
    text = unicodedata.normalize("NFKC", clean_text(value))
    text = "".join(text.split()).replace("。", ".")
    return text.lstrip("¥￥")


def is_empty(value) -> bool:
    return value is None or (not isinstance(value, int | float | date) and clean_text(value) in _EMPTY_MARKS)


def parse_number(value) -> Decimal | None:
    """A Decimal from 1040300.5, "1,040,300.50", "１，０４０，３００．５０", "(1,200)" (accounting negative)."""
    if is_empty(value):
        return None
    if isinstance(value, bool) or isinstance(value, date):
        raise BadValue(_("Not a number: “%(value)s”.") % {"value": clean_text(value)})
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _ascii_number_text(value)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if _GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.match(text):
        raise BadValue(_("Not a number: “%(value)s”.") % {"value": clean_text(value)})
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadValue(_("Not a number: “%(value)s”.") % {"value": clean_text(value)})
    if not number.is_finite():
        raise BadValue(_("Not a number: “%(value)s”.") % {"value": clean_text(value)})
    return -number if negative else number


def parse_int(value) -> int | None:
    """A whole number; "2024年" is 2024 (a year column)."""
    if isinstance(value, str):
        value = _ascii_number_text(value).removesuffix("年")
    number = parse_number(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise BadValue(_("Not a whole number: “%(value)s”.") % {"value": clean_text(value)})
    return int(number)


def parse_amount(value, unit: str | None) -> Decimal | None:
    """An amount in yuan (two decimals) from a cell written in `unit` ("yuan" or "wan", 万元)."""
    number = parse_number(value)
    if number is None:
        return None
    if unit not in UNITS:
        raise BadValue(_("Choose the unit of the amounts (yuan or 10,000 yuan) first."))
    return (number * _UNIT_FACTOR[unit]).quantize(_CENT, rounding=ROUND_HALF_UP)


def _checked_date(year: int, month: int, day: int, shown: str) -> date:
    if not 1900 <= year <= 2100:
        raise BadValue(_("The date “%(value)s” is outside the years 1900 to 2100.") % {"value": shown})
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(_("No such date: “%(value)s”.") % {"value": shown})


def _date_from_number(value: int | float) -> date:
    shown = clean_text(value)
    whole = int(value)
    if 1900 <= whole <= 2100:
        # Excel keeps "2019.07" typed into a cell as the number 2019.07, and "2019.10" as 2019.1.
        digits = shown.partition(".")[2]
        if not digits:
            raise BadValue(_("A year alone is not a date: “%(value)s”.") % {"value": shown})
        if digits == "1":
            raise BadValue(
                _("“%(value)s” may be January or October (Excel keeps 2019.10 as 2019.1): write 2019-10 or 2019-01.")
                % {"value": shown}
            )
        return _checked_date(whole, int(digits), 1, shown)
    if 19000101 <= whole <= 21001231:
        return _checked_date(whole // 10000, whole // 100 % 100, whole % 100, shown)
    if 1 <= whole <= _LAST_SERIAL:  # an Excel serial day number (a date cell without a date format)
        day = _EXCEL_EPOCH + timedelta(days=whole)
        return _checked_date(day.year, day.month, day.day, shown)
    raise BadValue(_("Not a date: “%(value)s”.") % {"value": shown})


def parse_date(value) -> date | None:
    """A date from an Excel date cell or serial, "2019.07.01", "2019/7/1", "2019-07-01", "2019年7月1日", "20190701",
    full-width digits; a month alone ("2019-07", "2019年7月", "2019.7") is its first day. Years 1900–2100."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise BadValue(_("Not a date: “%(value)s”.") % {"value": clean_text(value)})
    if isinstance(value, int | float):
        return _date_from_number(value)
    shown = clean_text(value)
    text = _TIME_SUFFIX.sub("", unicodedata.normalize("NFKC", shown).strip())
    text = "".join(text.split())
    for pattern in (_DAY, _COMPACT_DAY):
        found = pattern.match(text)
        if found:
            return _checked_date(int(found[1]), int(found[2]), int(found[3]), shown)
    found = _MONTH.match(text)
    if found:
        return _checked_date(int(found[1]), int(found[2]), 1, shown)
    if text.isdigit() and len(text) == 4:
        raise BadValue(_("A year alone is not a date: “%(value)s”.") % {"value": shown})
    raise BadValue(_("Not a date: “%(value)s”. Write it as 2019-07-01, 2019.07.01 or 2019年7月1日.") % {"value": shown})


def parse_bool(value) -> bool | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    text = normalise_text(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue(_("Write 是 or 否, not “%(value)s”.") % {"value": clean_text(value)})


def parse_choice(value, choices: tuple[tuple[str, str], ...]) -> str | None:
    """The stored value of a choice given by its Chinese label (what exports write), by the value itself, or by a
    part of one label only."""
    if is_empty(value):
        return None
    text = normalise_text(value)
    for stored, label in choices:
        if text in (normalise_text(label), normalise_text(stored)):
            return stored
    # A shortened label ("预备" for "预备党员") when exactly one label contains it.
    partial = [stored for stored, label in choices if text in normalise_text(label)]
    if len(partial) == 1:
        return partial[0]
    raise BadValue(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": clean_text(value), "choices": "、".join(str(label) for _stored, label in choices)}
    )


def is_masked(value) -> bool:
    """An ID number or phone as exports show them ("420102********1234"): never used to match anyone."""
    return "*" in clean_text(value) or "＊" in clean_text(value)


def parse_id_number(value) -> str | None:
    """An 18-character resident ID number, upper-case X. A masked one (an export's "4***************1X") is an
    error: it never identifies anyone (an importer that matched the row by person code drops that error). The check
    digit and the birth date are the domain's checks (cadres.validators)."""
    if is_empty(value):
        return None
    if is_masked(value):
        raise BadValue(_("This ID number is masked and cannot identify anyone: give the full 18-character number."))
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise BadValue(
            _("The ID number was stored as a number and lost its last digits: format the column as text and retype it.")
        )
    text = "".join(unicodedata.normalize("NFKC", clean_text(value)).split()).upper()
    if not _ID_NUMBER.match(text):
        raise BadValue(_("An ID number has 18 characters: 17 digits, then a digit or X."))
    return text


def parse_phone(value) -> str | None:
    """A phone number (digits, "-", a leading "+"); None when empty or masked (an export's "138****5678": the
    importer keeps the phone it has)."""
    if is_empty(value) or is_masked(value):
        return None
    text = clean_text(value) if not isinstance(value, float) else str(int(value))
    text = "".join(unicodedata.normalize("NFKC", text).split())
    if not _PHONE.match(text):
        raise BadValue(_("Not a phone number: “%(value)s”.") % {"value": clean_text(value)})
    return text


def parse_text(value) -> str:
    if isinstance(value, str) and clean_text(value) in EXCEL_ERRORS:
        raise BadValue(_("The cell shows the Excel error %(error)s.") % {"error": clean_text(value)})
    return clean_text(value)


def parse_value(value, column: Column, unit: str | None = None):
    """The value of one cell for `column` (by its type); amounts need the unit the sheet or uploader declared."""
    if isinstance(value, str) and clean_text(value) in EXCEL_ERRORS:
        raise BadValue(_("The cell shows the Excel error %(error)s.") % {"error": clean_text(value)})
    kind = column.type
    if kind == "text":
        return parse_text(value)
    if kind == "int":
        return parse_int(value)
    if kind == "decimal":
        return parse_number(value)
    if kind == "amount":
        return parse_amount(value, unit)
    if kind == "date":
        return parse_date(value)
    if kind == "choice":
        return parse_choice(value, column.choices)
    if kind == "bool":
        return parse_bool(value)
    if kind == "id_number":
        return parse_id_number(value)
    return parse_phone(value)
