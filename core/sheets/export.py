"""The export side of the sheet engine: every list's export, written from the same `SheetSpec` as its import.

An export is re-imported unchanged (as an update): its headers are the spec's labels (an amount's header carries
its unit, "集体经济总收入（元）", which the reader takes as the column's declared unit), a choice is written as its
Chinese label, a bool as 是/否, numbers and dates as real number and date cells; the sheet is named after the spec's
title, its header row is frozen and its columns are wide enough for Chinese text. Extra columns an exporter adds
(a person's code, a village's name) come first and are ignored by the reader unless the spec holds them.

Memory stays flat: `write_xlsx` uses openpyxl's write-only workbook fed row by row (the caller passes a generator,
typically over `queryset.iterator(chunk_size=…)`), and the HTTP response is a temporary file (`xlsx_response`) or a
streamed CSV with a UTF-8 BOM (`csv_response`), so Excel opens it in Chinese.

An `Exporter` (one per kind, in `<app>/exporters.py`, registered with `@register`) gives the rows a user may view
(`accounts.permissions.restrict`) and each row's values by spec key; `template_workbook` writes the blank template
of an import (drop-down lists for choice and bool columns, a 说明 help sheet).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils.module_loading import autodiscover_modules
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.permissions import VIEW, restrict, units_for

from . import importers
from .spec import Column, SheetSpec

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"
YES, NO = "是", "否"
HELP_TITLE = "说明"
CHOICES_TITLE = "选项"
# Excel's list validation written inline may not exceed 255 characters; longer lists go to the 选项 sheet.
INLINE_LIST_LIMIT = 255
TEMPLATE_ROWS = 5000  # the rows of a blank template the drop-down lists cover
# A minimum width per column type (in Excel's character units; a Chinese character counts two).
TYPE_WIDTHS = {"date": 12, "amount": 16, "decimal": 12, "int": 10, "id_number": 22, "phone": 15, "bool": 8}
TYPE_FORMATS = {
    "text": "文字",
    "int": "整数",
    "decimal": "数字",
    "amount": "金额，单位：元（表头可写“（万元）”改为万元）",
    "date": "日期，如 2019-07-01、2019.07.01、2019年7月1日",
    "choice": "从下拉列表中选择",
    "bool": "是 或 否",
    "id_number": "18位公民身份号码",
    "phone": "11位手机号码",
}
REGISTRY: dict[str, type["Exporter"]] = {}
_discovered: list[bool] = []


def header(column: Column) -> str:
    """The column's header: its label, an amount's with its unit ("收入（元）") unless the label names one."""
    if column.type == "amount" and "元" not in column.label:
        return f"{column.label}（元）"
    return column.label


def text_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in str(text))


def column_width(column: Column) -> int:
    widths = [text_width(header(column)) + 2, TYPE_WIDTHS.get(column.type, 10)]
    widths += [text_width(label) + 2 for _value, label in column.choices]
    return min(max(widths), 40)


def cell_value(column: Column, value):
    """A Python value as the sheet holds it: a choice's label, 是/否, an amount as a number in yuan, a date."""
    if value is None or value == "":
        return None
    if column.type == "choice":
        return dict(column.choices).get(value, value)
    if column.type == "bool":
        return YES if value else NO
    if column.type in ("amount", "decimal") and isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and column.type == "decimal" else float(value)
    if isinstance(value, datetime):
        return value.date()
    return value


def write_xlsx(spec: SheetSpec, rows: Iterable[dict], target, *, columns: tuple[Column, ...] | None = None) -> int:
    """Write `rows` (dicts by column key) as one sheet into `target` (a path or binary file); the row count."""
    columns = columns or spec.columns
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width(column)
    bold = Font(bold=True)
    heads = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=header(column))
        cell.font = bold
        heads.append(cell)
    sheet.append(heads)
    formats = {
        i: DATE_FORMAT if c.type == "date" else AMOUNT_FORMAT if c.type == "amount" else None
        for i, c in enumerate(columns)
    }
    count = 0
    for row in rows:
        values = []
        for i, column in enumerate(columns):
            value = cell_value(column, row.get(column.key))
            if formats[i] and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[i]
                value = cell
            values.append(value)
        sheet.append(values)
        count += 1
    book.save(target)
    return count


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


class _Line:
    """A file-like object whose `write` hands back what csv.writer wrote (one line at a time)."""

    def write(self, text):
        return text


def csv_chunks(spec: SheetSpec, rows: Iterable[dict], *, columns=None, lines_per_chunk=500) -> Iterator[bytes]:
    """The CSV in UTF-8 with a BOM, in chunks of encoded lines: the same headers and labels as the xlsx."""
    columns = columns or spec.columns
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow([header(c) for c in columns])).encode()
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([_csv_text(cell_value(c, row.get(c.key))) for c in columns]))
        if len(chunk) >= lines_per_chunk:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(spec, rows, filename: str, *, columns=None) -> FileResponse:
    """The workbook written to a temporary file (deleted when the response closes), served from it."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(spec, rows, handle, columns=columns)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX)
    return attachment(response, filename)


def csv_response(spec, rows, filename: str, *, columns=None) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(spec, rows, columns=columns), content_type="text/csv; charset=utf-8")
    return attachment(response, filename)


# -- blank templates ---------------------------------------------------------------------------------------------


def _validation(column: Column, choices_sheet, choice_col: int) -> DataValidation | None:
    if column.type == "bool":
        labels = [YES, NO]
    elif column.type == "choice":
        labels = [label for _value, label in column.choices]
    else:
        return None
    inline = '"' + ",".join(labels) + '"'
    if len(inline) <= INLINE_LIST_LIMIT and not any("," in label for label in labels):
        formula = inline
    else:
        letter = get_column_letter(choice_col)
        choices_sheet.cell(row=1, column=choice_col, value=column.label)
        for offset, label in enumerate(labels, start=2):
            choices_sheet.cell(row=offset, column=choice_col, value=label)
        formula = f"'{CHOICES_TITLE}'!${letter}$2:${letter}${len(labels) + 1}"
    check = DataValidation(type="list", formula1=formula, allow_blank=not column.required, showDropDown=False)
    check.error = f"请从下拉列表中选择{column.label}。"
    check.errorTitle = column.label
    check.showErrorMessage = True
    return check


def template_workbook(spec: SheetSpec, target) -> None:
    """The blank template of an import: the header row, drop-down lists, date and amount formats, a help sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = spec.title
    sheet.freeze_panes = "A2"
    choices_sheet = book.create_sheet(CHOICES_TITLE)
    choices_sheet.sheet_state = "hidden"
    used_choice_cols = 0
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=header(column))
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        sheet.column_dimensions[letter].width = column_width(column)
        check = _validation(column, choices_sheet, used_choice_cols + 1)
        if check is not None:
            if check.formula1.startswith("'"):
                used_choice_cols += 1
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(check)
        if column.type in ("date", "amount"):
            for row in range(2, 102):  # the first rows pre-formatted; Excel keeps the format as rows are typed
                sheet.cell(row=row, column=index).number_format = DATE_FORMAT if column.type == "date" else "0.00"
    if not used_choice_cols:
        book.remove(choices_sheet)
    _help_sheet(book.create_sheet(HELP_TITLE), spec)
    book.save(target)


def _help_sheet(sheet, spec: SheetSpec) -> None:
    sheet.append(["列名", "是否必填", "格式", "可选值", "说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        choices = "、".join(label for _value, label in column.choices) if column.type == "choice" else ""
        if column.type == "bool":
            choices = f"{YES}、{NO}"
        sheet.append(
            [header(column), "必填" if column.required else "选填", TYPE_FORMATS[column.type], choices, column.help]
        )
    sheet.append([])
    sheet.append([f"第一个工作表“{spec.title}”的第一行是表头，请从第二行起逐行填写，不要改动表头。"])
    if spec.has_amounts:
        sheet.append(["金额默认以元为单位；若以万元填写，请在表头或标题中注明“（万元）”或“单位：万元”。"])
    for letter, width in zip("ABCDE", (24, 10, 40, 50, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


# -- exporters ---------------------------------------------------------------------------------------------------


class Exporter:
    """One list's export. `kind` names the importer whose spec is written (core.sheets.importers); `extra` columns
    come first (a person's code, a village's name: shown, ignored on re-import unless the spec holds them)."""

    kind = ""
    model: Any = None  # the model class an exporter reads (set by each exporter)
    action = VIEW  # the rows: `restrict(queryset, user, action)`
    gate = VIEW  # who may fetch the export at all: `action` somewhere (`units_for`)
    extra: tuple[Column, ...] = ()
    omit: tuple[str, ...] = ()  # spec keys never exported (ID numbers and phones: docs/security.md)
    chunk_size = 2000

    def __init__(self, spec: SheetSpec):
        self.spec = spec

    @property
    def columns(self) -> tuple[Column, ...]:
        keys = {c.key for c in self.spec.columns}
        kept = (c for c in self.spec.columns if c.key not in self.omit)
        return (*(c for c in self.extra if c.key not in keys), *kept)

    def allowed(self, user) -> bool:
        """Whether `user` may fetch the export at all (the rows are `queryset(user)`'s)."""
        return bool(units_for(user, self.model, self.gate))

    def base_queryset(self, params):
        """The model's rows with what `row` reads (select_related), in a stable order (override)."""
        raise NotImplementedError

    def queryset(self, user, params):
        return restrict(self.base_queryset(params), user, self.action)

    def row(self, obj) -> dict:
        raise NotImplementedError

    def filename(self, params) -> str:
        return self.spec.title

    def rows(self, user, params) -> Iterator[dict]:
        for obj in self.queryset(user, params).iterator(chunk_size=self.chunk_size):
            yield self.row(obj)


def register(cls: type[Exporter]) -> type[Exporter]:
    REGISTRY[cls.kind] = cls
    return cls


def get(kind: str) -> Exporter | None:
    """The exporter of `kind` with its importer's spec, or None."""
    if not _discovered:
        autodiscover_modules("exporters")
        _discovered.append(True)
    cls = REGISTRY.get(kind)
    importer = importers.get(kind)
    if cls is None or importer is None:
        return None
    return cls(importer.spec)
