"""The uploaded sheet given back with an error column added: each row's errors ("列名：问题") in a last column
headed 错误说明, next to the row they concern, so the uploader corrects the sheet they sent and uploads it again.

.xlsx keeps its workbook (openpyxl adds the column to the first sheet); .xls and CSV come back as .xlsx built from
their cells (CSV read as UTF-8, UTF-8 with BOM or GB18030, as the reader does)."""

import csv
import io
from collections import defaultdict

import openpyxl
import xlrd

from core import imports as uploads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "错误说明"


def _by_row(job) -> dict[int, str]:
    lines: dict[int, list[str]] = defaultdict(list)
    for error in job.errors:
        lines[int(error["row"])].append(f"{error['column']}：{error['message']}")
    return {row: "；".join(texts) for row, texts in lines.items()}


def _csv_rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text)))
    return []


def _xls_rows(content: bytes) -> list[list]:
    book = xlrd.open_workbook(file_contents=content)
    sheet = book.sheet_by_index(0)
    return [sheet.row_values(i) for i in range(sheet.nrows)]


def _book_from_rows(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    return book


def with_errors(job) -> tuple[str, str, bytes] | None:
    """(file name, content type, content) of the annotated sheet; None when the upload is gone."""
    stored = uploads.load(user=job.uploader, kind=job.kind, token=job.token)
    if stored is None:
        return None
    name, content = stored
    if name.endswith(".csv"):
        book = _book_from_rows(_csv_rows(content))
    elif name.endswith(".xls"):
        book = _book_from_rows(_xls_rows(content))
    else:
        book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    column = sheet.max_column + 1
    header_row = int(job.preview.get("header_row") or 1)
    sheet.cell(row=header_row, column=column, value=HEADER)
    for row, text in _by_row(job).items():
        sheet.cell(row=row, column=column, value=text)
    sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = 60
    out = io.BytesIO()
    book.save(out)
    return f"{job.kind}-errors-{job.pk}.xlsx", XLSX, out.getvalue()
