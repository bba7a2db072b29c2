"""Opening an uploaded file as sheets of rows, refusing what must not be opened (pure, no database).

The format is told by the content, not the name: a zip holding `xl/workbook.xml` is an .xlsx (streamed by
`xlsx.Workbook`, expat callbacks, which also tell formula cells apart), an OLE compound file is an .xls (xlrd 2.0) or —
holding an `EncryptedPackage` stream — a password-protected workbook, anything else is CSV text (UTF-8, UTF-8 with
BOM, UTF-16 with BOM, else GB18030, the superset of GBK that Excel on a Chinese Windows writes).

Refused before any parser runs: an empty file, one over `IMPORT_MAX_BYTES`, a zip whose declared uncompressed size
passes `IMPORT_MAX_UNZIPPED_BYTES` or whose members are compressed beyond `ZIP_MAX_RATIO` (a zip bomb: Python's
zipfile never inflates a member past its declared size, so the declared sizes bound the work), an encrypted zip or
workbook, a Word or OpenDocument file, a web page saved as .xls, a binary file. A DTD or entity declaration in a
workbook part is refused too (no entity expansion).

Each sheet is `(name, rows)`, `rows()` yielding `(sheet row number, [cell values])`; a formula cell of an .xlsx is
a `Formula` (a str holding "=…"), so the reader can refuse it; .xls formulas arrive as their last computed value
(xlrd does not expose them).
"""

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterator

import xlrd
from django.conf import settings
from django.utils.translation import gettext as _

from . import xlsx

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
DEFAULT_MAX_UNZIPPED_BYTES = 400 * MB
ZIP_MAX_RATIO = 200  # a real sheet's XML compresses 5–30 times; a bomb hundreds or thousands of times
ZIP_MAX_MEMBERS = 5000
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"MZ")

Rows = Callable[[], Iterator[tuple[int, list]]]


class SheetRefused(ValueError):
    """The file cannot be read as a sheet; str(exc) is the Chinese message shown to the uploader."""


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def check_size(content: bytes) -> None:
    if not content:
        raise SheetRefused(_("The file is empty."))
    limit = max_bytes()
    if len(content) > limit:
        raise SheetRefused(
            _("The file is %(size)s MB, over the limit of %(limit)s MB: split it into several sheets.")
            % {"size": round(len(content) / MB, 1), "limit": round(limit / MB, 1)}
        )


def _not_a_sheet() -> SheetRefused:
    return SheetRefused(_("This file is not a spreadsheet: upload an Excel file (.xlsx or .xls) or a CSV file."))


def corrupt() -> SheetRefused:
    return SheetRefused(_("The file is damaged or not a valid Excel file: open it in Excel and save it again."))


def _password() -> SheetRefused:
    return SheetRefused(_("The workbook is protected by a password: remove the password in Excel and upload it again."))


def open_sheets(content: bytes) -> tuple[str, str, list[tuple[str, Rows]]]:
    """(format, encoding, sheets) of an uploaded file: format "xlsx", "xls" or "csv"; encoding for CSV only."""
    check_size(content)
    if content.startswith(b"PK\x03\x04"):
        return "xlsx", "", _xlsx_sheets(content)
    if content.startswith(_CFB):
        if _ENCRYPTED_PACKAGE in content:
            raise _password()
        return "xls", "", _xls_sheets(content)
    if content.startswith(_BINARY_MAGIC):
        raise _not_a_sheet()
    text, encoding = _decode(content)
    return "csv", encoding, [("CSV", _csv_rows(text))]


# .xlsx


def check_zip(content: bytes) -> zipfile.ZipFile:
    """The archive of an .xlsx, refused when it is not a workbook, is encrypted or would inflate too far."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise corrupt()
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise SheetRefused(_("This is a Word document, not a sheet: upload an Excel or CSV file."))
        if "content.xml" in names:
            raise SheetRefused(_("This is an OpenDocument (WPS/LibreOffice) file: save it as .xlsx and upload again."))
        raise _not_a_sheet()
    if any(info.flag_bits & 0x1 for info in infos):
        raise _password()
    limit = int(getattr(settings, "IMPORT_MAX_UNZIPPED_BYTES", DEFAULT_MAX_UNZIPPED_BYTES))
    declared = sum(info.file_size for info in infos)
    inflated = any(
        info.file_size > MB and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1) for info in infos
    )
    if len(infos) > ZIP_MAX_MEMBERS or declared > limit or inflated:
        raise SheetRefused(
            _("The file would unpack to %(size)s MB (a “zip bomb”): it was refused. Save the sheet again in Excel.")
            % {"size": round(declared / MB)}
        )
    return archive


def _xlsx_sheets(content: bytes) -> list[tuple[str, Rows]]:
    archive = check_zip(content)
    try:
        workbook = xlsx.Workbook(archive)
    except (xlsx.XlsxError, KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError):
        raise corrupt()

    def sheet_rows(part: str) -> Rows:
        return lambda: workbook.rows(part)

    return [(title, sheet_rows(part)) for title, part, visible in workbook.sheets if visible]


# .xls


def _xls_value(cell, datemode: int):
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#N/A")
    return cell.value


def _xls_sheets(content: bytes) -> list[tuple[str, Rows]]:
    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise _password()
        if "workbook" in str(exc).lower():  # another OLE document (a .doc, a .ppt)
            raise _not_a_sheet()
        raise corrupt()
    except Exception:  # xlrd raises assertion and struct errors on damaged files
        raise corrupt()

    def sheet_rows(index: int) -> Rows:
        def rows() -> Iterator[tuple[int, list]]:
            sheet = book.sheet_by_index(index)
            for number in range(sheet.nrows):
                yield number + 1, [_xls_value(cell, book.datemode) for cell in sheet.row(number)]

        return rows

    sheets = []
    for index in range(book.nsheets):
        try:
            sheet = book.sheet_by_index(index)
        except Exception:  # a damaged sheet record
            raise corrupt()
        if not sheet.visibility:
            sheets.append((sheet.name, sheet_rows(index)))
    return sheets


# CSV


def _decode(content: bytes) -> tuple[str, str]:
    """The text and the name of its encoding, as detected."""
    if content.startswith(codecs.BOM_UTF8):
        attempts = [("utf-8-sig", "UTF-8 BOM")]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = [("utf-16", "UTF-16")]
    else:
        if b"\x00" in content[:8192]:
            raise _not_a_sheet()
        attempts = [("utf-8", "UTF-8"), ("gb18030", "GBK/GB18030")]
    for codec, label in attempts:
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        if sample.lstrip().lower().startswith(("<html", "<!doctype", "<table", "<?xml")):
            raise SheetRefused(
                _("This is a web page saved as a sheet (often named .xls): open it in Excel and save it as .xlsx.")
            )
        controls = sum(1 for char in sample if unicodedata.category(char) == "Cc" and char not in "\t\r\n")
        if controls * 100 > len(sample):
            raise _not_a_sheet()
        return text, label
    raise SheetRefused(_("The text encoding of this CSV file is not recognised: save it as UTF-8 or as an Excel file."))


def _delimiter(text: str) -> str:
    lines = [line for line in text[:20000].splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    commas = sum(line.count(",") for line in lines)
    for candidate in ("\t", ";"):
        on_most_lines = sum(1 for line in lines if candidate in line) * 2 >= len(lines)
        if on_most_lines and sum(line.count(candidate) for line in lines) > commas:
            return candidate
    return ","


def _csv_rows(text: str) -> Rows:
    delimiter = _delimiter(text)

    def rows() -> Iterator[tuple[int, list]]:
        try:
            yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True), 1)
        except csv.Error:
            raise SheetRefused(_("The CSV file is malformed (a quote is not closed or a field is too long)."))

    return rows
