"""A report form's answers as a sheet (core.sheets): one row per unit, the unit's code and name, the period, the
report's status, then one column per field of the form's published version — what the export writes
(`reporting.exporters`) and the import reads back (`reporting.importers`, the kind "report_<form id>").

A field's column is headed by its label, its unit of measure and its code ("党员人数（人） [members]"; the reader
compares headers without their bracketed parts, so a label two fields share is told apart by its code:
"其他-other"). Its type is the engine's: whole numbers and decimals read with thousands separators and full-width
digits; a field measured in 元 or 万元 is an amount column, read in the unit its header (or the sheet's title)
declares, as the collective income sheet is, and stored in the field's own unit; a choice by its text, several
choices joined with "、", yes/no as 是/否, dates as the engine reads them. Kinds a flat sheet cannot hold (files,
tables of rows) have no column.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from accounts.permissions import VIEW, units_for
from core.sheets.layout import header_key
from core.sheets.spec import Column, SheetSpec

from .models import FieldKind, FormField, Report, ReportForm

FAMILY = "report"  # the import kinds "report_<form id>"
UNIT_CODE, UNIT_NAME, PERIOD, STATUS = "unit_code", "unit_name", "period", "status"
FIELD_PREFIX = "field_"
MULTIPLE_JOIN = "、"
MULTIPLE_SPLIT = re.compile(r"[、，,；;/]")
MONEY = {"元": Decimal(1), "万元": Decimal(10000)}  # a field's unit of measure → yuan per unit
TYPES = {
    FieldKind.INTEGER: "int",
    FieldKind.DECIMAL: "decimal",
    FieldKind.TEXT: "text",
    FieldKind.CHOICE: "choice",
    FieldKind.MULTIPLE: "text",
    FieldKind.DATE: "date",
    FieldKind.YES_NO: "bool",
}
# A typed text starting so is a formula to Excel: written after a quote, which the import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@")
QUOTE = "'"
# Excel's sheet names: at most 31 characters, none of these.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

FIXED = (
    Column(UNIT_CODE, "单位编码", ("编码", "村编码", "社区编码", "单位代码"), required=True),
    Column(UNIT_NAME, "单位名称", ("名称", "村名称", "社区名称", "村（社区）")),
    Column(PERIOD, "报告期", ("报告期开始", "期间"), type="date", required=True, help="该期内任一日期，如 2024-05"),
    Column(STATUS, "状态", ("报表状态",), help="导出时的报表状态，导入时不读取"),
)


def kind_of(form: ReportForm) -> str:
    return f"{FAMILY}_{form.pk}"


def field_key(code: str) -> str:
    return FIELD_PREFIX + code


def column_type(field: FormField) -> str | None:
    """The engine's type of the field's column; None for a kind a sheet cannot hold."""
    if field.kind in (FieldKind.INTEGER, FieldKind.DECIMAL) and field.unit_label in MONEY:
        return "amount"
    if field.kind == FieldKind.CHOICE and not field.choices:
        return "text"
    return TYPES.get(field.kind)


def sheet_fields(fields) -> list[FormField]:
    return [field for field in fields if column_type(field) is not None]


def _columns(fields) -> list[Column]:
    taken = {header_key(name) for column in FIXED for name in column.names}
    columns = []
    for field in fields:
        kind = column_type(field)
        base = field.label if header_key(field.label) not in taken else f"{field.label}-{field.code}"
        taken.add(header_key(base))
        label = f"{base}（{field.unit_label}） [{field.code}]" if field.unit_label else f"{base} [{field.code}]"
        choices = tuple((c, c) for c in field.choices) if kind == "choice" else ()
        help_text = field.help_text
        if field.kind == FieldKind.MULTIPLE:
            help_text = f"可多选，用“{MULTIPLE_JOIN}”分隔：{MULTIPLE_JOIN.join(field.choices)}"
        columns.append(
            Column(field_key(field.code), label, (field.code,), type=kind, choices=choices, help=help_text[:300])
        )
    return columns


def sheet_title(form: ReportForm) -> str:
    return _SHEET_NAME_BAD.sub("", form.name).strip()[:31] or form.code[:31]


def build_spec(form: ReportForm, fields) -> SheetSpec:
    return SheetSpec(kind=kind_of(form), title=sheet_title(form), columns=(*FIXED, *_columns(sheet_fields(fields))))


def form_visible(user, form: ReportForm) -> bool:
    """Whether the form concerns the user's jurisdiction: it is defined inside it, or above a unit of it."""
    root = form.unit.path
    return any(path.startswith(root) or root.startswith(path) for path in units_for(user, Report, VIEW))


# -- values -----------------------------------------------------------------------------------------------------


def to_cell(field: FormField, value):
    """A stored answer as the export's cell holds it (the column's type then writes it: 是/否, a date cell)."""
    if value is None or value in ("", []):
        return None
    try:
        if field.kind in (FieldKind.INTEGER, FieldKind.DECIMAL):
            return Decimal(str(value))
        if field.kind == FieldKind.DATE:
            return date.fromisoformat(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if field.kind == FieldKind.MULTIPLE:
        return MULTIPLE_JOIN.join(str(item) for item in value) if isinstance(value, list) else str(value)
    if field.kind == FieldKind.YES_NO:
        return bool(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def from_cell(field: FormField, value):
    """A parsed cell as the raw answer `services.values.clean_value` takes: an amount (yuan) in the field's unit,
    several choices split; None for an empty cell."""
    if value is None or value == "":
        return None
    if field.unit_label in MONEY and isinstance(value, Decimal):
        return value / MONEY[field.unit_label]
    if field.kind == FieldKind.MULTIPLE:
        return [part.strip() for part in MULTIPLE_SPLIT.split(str(value)) if part.strip()]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
