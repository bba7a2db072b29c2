"""`read_table`: an uploaded file as the rows a `SheetSpec` asks for, parsed, with what was skipped and why (pure).

The steps: open the file safely (`formats`: size, zip bomb, password, format and encoding); choose the sheet whose
header matches the spec best; find the header and the title rows above it (`layout`); stream the rows below,
dropping blank rows and reporting total, note and repeated-header rows; refuse a formula cell in a record (its value
would be a guess); read the amount unit declared by the sheet (title, note, header) or given by the uploader; parse
each cell by its column's type (`values`), a parse error going to `Row.errors` in Chinese, never raised.

Memory stays flat while streaming: only the cells of the matched columns of each record are kept, then parsed
into slotted `Row`s (48,000 rows × 12 columns: a few seconds, well under 300 MB; bench/sheets_read.py).
"""

import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from . import layout
from .formats import Rows, SheetRefused, corrupt, open_sheets
from .spec import SheetSpec
from .values import EXCEL_ERRORS, UNITS, BadValue, clean_text, parse_value
from .xlsx import Formula

__all__ = ["Row", "SheetRefused", "Table", "parse_records", "read_table"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Row:
    number: int  # 1-based sheet row number (what the user sees in Excel)
    values: dict[str, object]  # parsed: int, Decimal (amounts in yuan), date, str, bool, choice value; None if empty
    raw: dict[str, str]  # the cell text per key
    errors: dict[str, str] = field(default_factory=dict)  # key -> Chinese message


@dataclass
class Table:
    header_row: int  # 1-based sheet row of the (last) header row
    columns: dict[str, int]  # spec key -> 0-based column index (recognised or mapped)
    headers: list[str]  # the sheet's header texts by column index ("收入（万元）/经营性收入" for a two-row header)
    unmatched: list[str]  # sheet headers not recognised
    missing: list[str]  # required spec keys not found (the mapping step is needed when non-empty)
    amount_unit: str | None  # "yuan" | "wan" | None: the sheet's or the uploader's unit (see needs_unit)
    amount_unit_source: str  # where it was read: "标题", "说明", "表头 收入（万元）", "用户选择", ""
    rows: list[Row]
    skipped: list[tuple[int, str]]  # (sheet row number, Chinese reason), e.g. total rows
    column_units: dict[str, str] = field(default_factory=dict)  # amount key -> unit used for that column
    file_format: str = ""  # "xlsx" | "xls" | "csv"
    encoding: str = ""  # CSV only: "UTF-8", "UTF-8 BOM", "UTF-16", "GBK/GB18030"
    sheet_name: str = ""
    truncated: bool = False  # max_rows was reached with records left
    # An amount column of the sheet has no declared unit: the uploader must choose 元 or 万元, and the sheet is read
    # again with amount_unit= (its amounts are None meanwhile, without an error).
    needs_unit: bool = False


def _scan(rows: Rows) -> list[tuple[int, list]]:
    scanned = []
    for item in rows():
        scanned.append(item)
        if len(scanned) > layout.HEADER_SCAN_ROWS:
            break
    return scanned


def _choose_sheet(sheets: list[tuple[str, Rows]], spec: SheetSpec) -> tuple[str, Rows]:
    """The sheet named like the spec, else the one whose header matches most columns (the first on a tie)."""
    if not sheets:
        raise SheetRefused(_("The workbook has no visible sheet."))
    if len(sheets) == 1:
        return sheets[0]
    for name, rows in sheets:
        if name.strip() == spec.title:
            return name, rows
    scores = []
    for position, (name, rows) in enumerate(sheets):
        header = layout.find_header([cells for _number, cells in _scan(rows)], spec)
        scores.append((len(header.columns) if header else -1, -position, name, rows))
    _score, _position, name, rows = max(scores, key=lambda item: item[:2])
    return name, rows


def _refuse_formulas(number: int, kept: list, used: list[int]) -> None:
    """A formula in a column that is read: its value would be a guess (a stale or absent cached value). Formulas in
    the other columns (a 序号 column of =ROW()-2) are not read, so not refused."""
    found = [(index, cell) for index, cell in zip(used, kept, strict=True) if isinstance(cell, Formula)]
    if found:
        index, formula = min(found)
        raise SheetRefused(
            _(
                "Row %(row)s, column %(column)s holds a formula (%(formula)s): copy the sheet and paste it as values "
                "only, then upload it again."
            )
            % {"row": number, "column": get_column_letter(index + 1), "formula": formula[:40]}
        )


@dataclass
class _Body:
    records: list[tuple[int, list]]
    skipped: list[tuple[int, str]]
    notes: list[str]
    truncated: bool


def _body(rows, header_cells: list, used: list[int], max_rows: int | None) -> _Body:
    """The records below the header (only the used cells kept), the skipped rows and the note texts."""
    header_keys = layout.row_keys(header_cells)
    body = _Body([], [], [], False)
    note_reason = _("note row, skipped")
    for number, cells in rows:
        reason = layout.skip_reason(cells, header_keys)
        if reason == "":
            continue
        if reason is not None:
            body.skipped.append((number, reason))
            if reason == note_reason:
                body.notes.extend(layout.note_texts(cells))
            continue
        if max_rows is not None and len(body.records) >= max_rows:
            body.truncated = True
            break
        width = len(cells)
        kept = [cells[index] if index < width else None for index in used]
        _refuse_formulas(number, kept, used)
        if not any(layout.filled(cell) for cell in kept):
            # Nothing in the columns read: a numbered row of a blank template (序号 only) is dropped silently,
            # anything else is reported.
            others = [cell for cell in cells if layout.filled(cell)]
            if not all(isinstance(cell, int | float | Formula) for cell in others):
                body.skipped.append((number, _("nothing in the recognised columns, skipped")))
            continue
        body.records.append((number, kept))
    return body


def _units(spec, header, columns, *, title_texts, notes, chosen) -> tuple[str | None, str, dict[str, str]]:
    """(table unit, where it was read, unit per amount column)."""
    try:
        unit, text = layout.sheet_unit(title_texts + notes)
    except ValueError as exc:
        raise SheetRefused(str(exc))
    source = ""
    if unit is not None:
        source = _("the sheet's title") if text in title_texts else _("a note below the rows")
    in_headers = layout.header_units(header, columns, spec.amount_keys)
    present = [key for key in spec.amount_keys if key in columns]
    if unit is None and present and all(key in in_headers for key in present):
        unit, shown = in_headers[present[0]]
        source = _("the header %(header)s") % {"header": shown}
    if unit is None and chosen is not None:
        unit, source = chosen, _("the uploader's choice")
    column_units = {key: in_headers[key][0] if key in in_headers else unit for key in present}
    return unit, source, {key: value for key, value in column_units.items() if value is not None}


_MEMO_TYPES = ("int", "decimal", "amount", "date", "choice", "bool")
_MEMO_LIMIT = 50_000


def _cell_parser(column, unit):
    """parse(cell, text) for one column. The repeated values of a column (dates, choices, years) are parsed once."""
    if column.type == "text":

        def parse_text(cell, text):
            if text in EXCEL_ERRORS:
                return parse_value(cell, column)
            return text  # the same string as the raw text: memory stays flat at 48,000 rows

        return parse_text
    if column.type not in _MEMO_TYPES:
        return lambda cell, _text: parse_value(cell, column, unit)
    memo: dict = {}

    def parse_memoised(cell, _text):
        key = (type(cell), cell)
        found = memo.get(key)
        if found is None:
            try:
                found = (True, parse_value(cell, column, unit))
            except BadValue as exc:
                found = (False, str(exc))
            if len(memo) < _MEMO_LIMIT:
                memo[key] = found
        if not found[0]:
            raise BadValue(found[1])
        return found[1]

    return parse_memoised


def parse_records(records, spec: SheetSpec, columns: dict[str, int], column_units: dict[str, str]) -> list[Row]:
    """`Row`s from (row number, cells) records, the cells in the order of `columns` (spec key → sheet column):
    each cell parsed by its column's type, errors by key. The sheet's rows and the API's bulk rows (core/sheets/
    bulk.py) both go through here."""
    fields = []
    for position, key in enumerate(columns):
        column = spec.column(key)
        if column.type == "amount" and key not in column_units:
            parse = None  # the uploader chooses the unit first; nothing to parse yet
        else:
            parse = _cell_parser(column, column_units.get(key))
        fill_in = _("Fill in %(column)s.") % {"column": column.label} if column.required else None
        fields.append((position, key, parse, fill_in))
    parsed = []
    for index, (number, cells) in enumerate(records):
        values: dict[str, object] = {}
        raw: dict[str, str] = {}
        errors: dict[str, str] = {}
        for position, key, parse, fill_in in fields:
            cell = cells[position]
            text = raw[key] = clean_text(cell)
            try:
                value = values[key] = parse(cell, text) if parse is not None else None
            except BadValue as exc:
                values[key] = None
                errors[key] = str(exc)
                continue
            if fill_in is not None and not text and value in (None, ""):
                errors[key] = fill_in
        parsed.append(Row(number, values, raw, errors))
        records[index] = None  # the cells are released as the rows are built
    return parsed


def read_table(
    name: str,
    content: bytes,
    spec: SheetSpec,
    *,
    mapping: dict[str, int] | None = None,
    amount_unit: str | None = None,
    max_rows: int | None = None,
) -> Table:
    """The records of an uploaded sheet for `spec`. Raises SheetRefused (Chinese) for a file that cannot be read;
    row-level problems are in `Row.errors`. `name` is the upload's file name (only logged: the content decides)."""
    if amount_unit is not None and amount_unit not in UNITS:
        raise ValueError(f"amount_unit must be one of {UNITS}")
    try:
        return _read(content, spec, mapping, amount_unit, max_rows)
    except SheetRefused:
        raise
    except Exception as exc:  # a parser's failure on a damaged file is the uploader's problem, not a 500
        logger.warning("sheet not readable: kind %s, %s", spec.kind, type(exc).__name__)
        raise corrupt()


def _read(content, spec, mapping, amount_unit, max_rows) -> Table:
    file_format, encoding, sheets = open_sheets(content)
    sheet_name, rows = _choose_sheet(sheets, spec)
    stream = iter(rows())
    scanned = []
    for item in stream:
        scanned.append(item)
        if len(scanned) >= layout.HEADER_SCAN_ROWS:
            break
    if not any(clean_text(cell) for _number, cells in scanned for cell in cells):
        raise SheetRefused(_("The sheet holds nothing at all."))
    header = layout.find_header([cells for _number, cells in scanned], spec)
    if header is None:
        raise SheetRefused(_("No header row found: the first rows of the sheet should name its columns."))
    columns = layout.apply_mapping(header, spec, mapping)
    used = list(columns.values())
    title_texts = [clean_text(cell) for _n, cells in scanned[: header.first] for cell in cells if clean_text(cell)]
    header_cells = scanned[header.last][1]
    body = _body(_chain(scanned[header.last + 1 :], stream), header_cells, used, max_rows)
    if not body.records and not body.skipped:
        raise SheetRefused(_("The sheet has a header but no rows of data."))
    unit, source, column_units = _units(
        spec, header, columns, title_texts=title_texts, notes=body.notes, chosen=amount_unit
    )
    taken = set(used)
    return Table(
        header_row=scanned[header.last][0],
        columns=columns,
        headers=header.headers,
        unmatched=[text for index, text in enumerate(header.headers) if text and index not in taken],
        missing=spec.missing(columns),
        amount_unit=unit,
        amount_unit_source=source,
        rows=parse_records(body.records, spec, columns, column_units),
        skipped=body.skipped,
        column_units=column_units,
        file_format=file_format,
        encoding=encoding,
        sheet_name=sheet_name,
        truncated=body.truncated,
        needs_unit=any(key in columns and key not in column_units for key in spec.amount_keys),
    )


def _chain(first, rest):
    yield from first
    yield from rest
