"""Stand-in for i12-read's reader (SHEETS-INTERFACE.md): .csv (UTF-8) and .xlsx, one header row, labels and
aliases, `mapping`, the amount unit from a header's "（万元）" or the uploader's choice. Replaced on merge."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl


class SheetRefused(ValueError):
    pass


@dataclass
class Row:
    number: int
    values: dict
    raw: dict
    errors: dict = field(default_factory=dict)


@dataclass
class Table:
    header_row: int
    columns: dict
    headers: list
    unmatched: list
    missing: list
    amount_unit: str | None
    amount_unit_source: str
    rows: list
    skipped: list


def _cells(name, content):
    if name.lower().endswith(".csv"):
        try:
            return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        except UnicodeDecodeError as exc:
            raise SheetRefused("无法读取该文件。") from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        raise SheetRefused("无法读取该文件。") from exc
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def _text(v):
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _parse(column, text, unit):
    if column.type == "date":
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValueError("请填写日期，例如 2024-07-01。")
    if column.type in ("int", "decimal", "amount"):
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError("请填写数字。") from exc
        if column.type == "int":
            return int(number)
        return number * 10000 if column.type == "amount" and unit == "wan" else number
    if column.type == "choice":
        for value, label in column.choices:
            if text in (value, label):
                return value
        partial = [value for value, label in column.choices if text in label]
        if len(partial) == 1:
            return partial[0]
        raise ValueError(f"无法识别的值“{text}”。")
    if column.type == "bool":
        return text in ("是", "1", "true", "√")
    return text


def read_table(name, content, spec, *, mapping=None, amount_unit=None, max_rows=None):
    cells = _cells(name, content)
    if not cells:
        raise SheetRefused("表格是空的。")
    headers = [_text(h) for h in cells[0]]
    columns, unit = {}, None
    for index, header in enumerate(headers):
        plain = header.replace("（万元）", "").replace("（元）", "")
        if "万元" in header:
            unit = "wan"
        elif "（元）" in header and unit is None:
            unit = "yuan"
        for column in spec.columns:
            if plain in (column.label, *column.aliases, column.key) and column.key not in columns:
                columns[column.key] = index
    for key, index in (mapping or {}).items():
        columns[key] = index
    source = "表头" if unit else ""
    if unit is None and amount_unit:
        unit, source = amount_unit, "用户选择"
    missing = [c.key for c in spec.columns if c.required and c.key not in columns]
    unmatched = [h for i, h in enumerate(headers) if h and i not in columns.values()]
    rows, skipped = [], []
    by_key = {c.key: c for c in spec.columns}
    for offset, line in enumerate(cells[1:]):
        number = offset + 2
        texts = [_text(v) for v in line]
        if not any(texts):
            continue
        if any(t in ("合计", "小计", "总计") for t in texts):
            skipped.append((number, "合计行，已跳过。"))
            continue
        row = Row(number=number, values={}, raw={})
        for key, index in columns.items():
            text = texts[index] if index < len(texts) else ""
            row.raw[key] = text
            if not text:
                if by_key[key].required:
                    row.errors[key] = "此列必填。"
                continue
            try:
                row.values[key] = _parse(by_key[key], text, unit)
            except ValueError as exc:
                row.errors[key] = str(exc)
        rows.append(row)
        if max_rows and len(rows) >= max_rows:
            break
    return Table(1, columns, headers, unmatched, missing, unit, source, rows, skipped)


__all__ = ["Row", "SheetRefused", "Table", "date", "read_table"]
