"""Where things are in a sheet as townships lay it out (pure): the header row(s), the columns, the amount unit, and
the rows that are not records (totals, notes, a repeated header).

- **Header.** Among the first `HEADER_SCAN_ROWS` rows, the row — or pair of rows, for a two-row merged header —
  whose cells match the most of the spec's columns (labels and aliases compared by `header_key`: full-width →
  half-width, no spaces, no "*", no bracketed part such as a unit). In a pair, an upper cell is carried to the right
  over the empty cells of its merged span ("收入（万元）" over "总收入" and "经营性收入"), since a streamed sheet does
  not give merged ranges; a column is matched by its lower text, then both, then the upper. Ties go to one row and
  to the higher row, so the rows above it are title rows.
- **Unit.** Declared in a title or note row ("单位：万元", "金额单位为万元", "（万元）") for the whole sheet, or in an
  amount column's header ("收入（万元）", "收入(元)") for that column; never guessed from the figures. Two different
  units declared for the whole sheet are refused.
- **Skipped rows.** A cell 合计/小计/总计 (also "全镇合计", "XX村小计"), a note ("注：…", "填表人：…"), or the header
  again; blank rows are dropped without a word.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .spec import SheetSpec
from .values import WAN, YUAN, clean_text, normalise_text

HEADER_SCAN_ROWS = 30
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|<[^<>]*>")
_UNIT_DECLARED = (
    re.compile(r"单位[:为是]*(?:人民币)?(万元|元)(?![\u4e00-\u9fff])"),  # 单位：万元, 金额单位为元 (not 单位：元宝村)
    re.compile(r"\((?:单位[:]?)?(?:人民币)?(万元|元)\)"),  # （万元）, (元)
    re.compile(r"^(万元|元)$"),  # a cell holding the unit alone
)
_TOTAL = re.compile(r"^.{0,12}?(合计|小计|总计)[:]?$")
_NOTE = re.compile(r"^(注|说明|备注[:]|填表|填报|制表|审核|核对|单位负责人|负责人[:]|联系人|联系电话[:]|单位[:])")


def header_key(text) -> str:
    """A header as compared: normalised, without brackets (units, 必填), stars and colons."""
    key = normalise_text(text)
    previous = None
    while previous != key:
        previous, key = key, _BRACKETED.sub("", key)
    return key.strip("*:")


def unit_in(text) -> str | None:
    """The amount unit a text declares, "yuan" or "wan", or None."""
    normal = normalise_text(text)
    for pattern in _UNIT_DECLARED:
        found = pattern.search(normal)
        if found:
            return WAN if found[1] == "万元" else YUAN
    return None


def _names(spec: SheetSpec) -> dict[str, tuple[str, int]]:
    """Header key -> (column key, rank): 0 for a label, 1 for an alias, 2 for the field key itself (the headers of
    the earlier English-keyed exports)."""
    names: dict[str, tuple[str, int]] = {}
    for rank in (0, 1, 2):
        for column in spec.columns:
            texts = {0: (column.label,), 1: column.aliases, 2: (column.key,)}[rank]
            for text in texts:
                names.setdefault(header_key(text), (column.key, rank))
    return names


def _pair_texts(upper: list, lower: list) -> list[tuple[str, str]]:
    """(upper, lower) text per column, the upper carried right over its merged span."""
    width = max(len(upper), len(lower))
    texts = []
    carried = ""
    for index in range(width):
        top = clean_text(upper[index]) if index < len(upper) else ""
        bottom = clean_text(lower[index]) if index < len(lower) else ""
        if top:
            carried = top if bottom else ""
        elif bottom:
            top = carried
        else:
            carried = ""
        texts.append((top, bottom))
    return texts


def _candidates(top: str, bottom: str) -> list[str]:
    if top and bottom and top != bottom:
        return [bottom, top + bottom, top]
    return [bottom or top]


def _display(top: str, bottom: str) -> str:
    return f"{top}/{bottom}" if top and bottom and top != bottom else (bottom or top)


def _match(texts: list[tuple[str, str]], names: dict[str, tuple[str, int]]) -> dict[str, int]:
    """Spec key -> column index. A label beats an alias, an alias the field key, whatever their order in the sheet
    (an export's 村名称 column does not take 村编码's place); on equal terms the leftmost column wins."""
    found = []
    for index, (top, bottom) in enumerate(texts):
        for candidate in _candidates(top, bottom):
            match = names.get(header_key(candidate))
            if match is not None:
                found.append((match[1], index, match[0]))
                break
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for _rank, index, key in sorted(found):
        if key not in columns and index not in taken:
            columns[key] = index
            taken.add(index)
    return dict(sorted(columns.items(), key=lambda item: item[1]))


@dataclass
class Header:
    first: int  # 0-based index in the scanned rows of the first header row
    last: int  # ... of the last one (== first for a one-row header)
    texts: list[tuple[str, str]]  # (upper, lower) per column; upper empty for a one-row header
    columns: dict[str, int]  # spec key -> 0-based column index, matched by header text
    headers: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.headers = [_display(top, bottom) for top, bottom in self.texts]


def _looks_like_header(row: list) -> bool:
    texts = [clean_text(cell) for cell in row if isinstance(cell, str) and clean_text(cell)]
    return len(texts) >= 2 and len(texts) * 2 >= len([cell for cell in row if clean_text(cell)])


def find_header(rows: list[list], spec: SheetSpec) -> Header | None:
    """The header among the first rows (`rows` are the scanned rows, blank ones included), or None when no row
    looks like one. A header that matches none of the spec's columns is still returned (the mapping step)."""
    names = _names(spec)
    options: list[Header] = []
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not any(clean_text(cell) for cell in row):
            continue
        single = [("", clean_text(cell)) for cell in row]
        options.append(Header(index, index, single, _match(single, names)))
        if index + 1 < len(rows) and any(clean_text(cell) for cell in rows[index + 1]):
            pair = _pair_texts(row, rows[index + 1])
            options.append(Header(index, index + 1, pair, _match(pair, names)))
    # Most columns matched; then one row rather than two; then the higher row.
    best = max(options, key=lambda h: (len(h.columns), h.first - h.last, -h.first), default=None)
    if best is not None and best.columns:
        return best
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if _looks_like_header(row):
            return Header(index, index, [("", clean_text(cell)) for cell in row], {})
    return None


def apply_mapping(header: Header, spec: SheetSpec, mapping: dict[str, int] | None) -> dict[str, int]:
    """The columns used: the matched ones, overridden by the uploader's mapping (spec key -> 0-based index; a key
    mapped to None or to a column the sheet lacks is left out)."""
    columns = dict(header.columns)
    if not mapping:
        return columns
    keys = {column.key for column in spec.columns}
    for key, index in mapping.items():
        if key not in keys:
            continue
        columns.pop(key, None)
        if index is None or not 0 <= index < len(header.texts):
            continue
        for other in [other for other, taken in columns.items() if taken == index]:
            del columns[other]
        columns[key] = index
    return columns


def sheet_unit(texts: list[str]) -> tuple[str | None, str]:
    """The unit declared for the whole sheet by title or note texts, and the text that declares it. Two different
    units declared is a contradiction the uploader must resolve (ValueError with the Chinese message)."""
    found: dict[str, str] = {}
    for text in texts:
        unit = unit_in(text)
        if unit is not None:
            found.setdefault(unit, text)
    if len(found) > 1:
        raise ValueError(
            _("The sheet declares both yuan and 10,000 yuan as its unit (“%(first)s”, “%(second)s”).")
            % {"first": found[YUAN], "second": found[WAN]}
        )
    if not found:
        return None, ""
    unit, text = next(iter(found.items()))
    return unit, text


def header_units(header: Header, columns: dict[str, int], keys: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Amount key -> (unit, header text) for the amount columns whose header declares a unit."""
    units = {}
    for key in keys:
        index = columns.get(key)
        if index is None or index >= len(header.texts):
            continue
        top, bottom = header.texts[index]
        for text in (bottom, top):
            unit = unit_in(text)
            if unit is not None:
                units[key] = (unit, header.headers[index])
                break
    return units


def _trimmed(keys: list[str]) -> list[str]:
    while keys and not keys[-1]:
        keys = keys[:-1]
    return keys


def row_keys(row: list) -> list[str]:
    """A row's cells as header keys, trailing blanks dropped (to recognise the header repeated)."""
    return _trimmed([header_key(cell) for cell in row])


def _filled(cell) -> bool:
    return cell is not None and (type(cell) is not str or bool(cell.strip()) and bool(clean_text(cell)))


def skip_reason(row: list, header_keys: list[str]) -> str | None:
    """Why a row after the header is not a record (Chinese), or None. Blank rows are "" (dropped silently)."""
    filled = [(index, cell) for index, cell in enumerate(row) if _filled(cell)]
    if not filled:
        return ""
    for _index, cell in filled:
        if isinstance(cell, str) and "计" in cell and _TOTAL.match(normalise_text(cell)):
            return _("total row (%(text)s), skipped") % {"text": clean_text(cell)}
    first, cell = filled[0]
    if len(filled) <= 2 and isinstance(cell, str) and _NOTE.match(normalise_text(cell)):
        return _("note row, skipped")
    if (
        len(filled) >= 2
        and isinstance(cell, str)
        and first < len(header_keys)
        and header_key(cell) == header_keys[first]
        and row_keys(row) == header_keys
    ):
        return _("the header repeated, skipped")
    return None


def note_texts(row: list) -> list[str]:
    """The texts of a note row (where a unit may be declared below the records)."""
    return [clean_text(cell) for cell in row if clean_text(cell)]
