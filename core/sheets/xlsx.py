"""A streaming reader of .xlsx cell values with expat (pure): what the import engine needs and nothing more.

openpyxl's read-only mode builds an element per cell and, for a sheet without a `<dimension>` (as openpyxl's own
write-only mode and many exporters write it), parses the whole sheet once more just to size it: 48,000 rows × 12
columns took tens of seconds. This reader walks the same XML with expat's callbacks, keeps no element, and yields
the rows as it goes: `(sheet row number, [values])`, values being str, int, float, bool, datetime (a number in a
date format), an Excel error text ("#N/A"), or a `Formula`.

It reads: the workbook's sheets (name, state, part), the 1904 date system flag, the shared strings (phonetic runs
left out), the cell formats that are dates (built-in ids, the Chinese locale's 27–36 and 50–58, and custom codes,
judged by openpyxl's `is_date_format`), and the sheet's cells (`t` = n, s, str, inlineStr, b, e, d; `<f>` marks a
formula). Like defusedxml, it refuses any DTD or entity declaration; the caller checks the zip first
(`formats.check_zip`).
"""

import posixpath
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_RELATIONSHIPS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_LOCALE_DATE_FORMATS = set(range(27, 37)) | set(range(50, 59))  # zh-CN built-ins: 年月日, 时分
_CHUNK = 256 * 1024


class Formula(str):
    """The text of a formula cell ("=SUM(C3:C9)")."""


class XlsxError(ValueError):
    """The package is not a workbook this reader understands (the caller says "damaged" in Chinese)."""


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _refuse_dtd(*_arguments):
    raise XlsxError("DTD or entity declaration in a workbook part")


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _parse_part(archive: zipfile.ZipFile, name: str, start=None, end=None, text=None) -> None:
    parser = _parser()
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    with archive.open(name) as source:
        try:
            parser.ParseFile(source)
        except expat.ExpatError as exc:
            raise XlsxError(f"{name}: {exc}")


def _member(archive: zipfile.ZipFile, name: str) -> str | None:
    names = set(archive.namelist())
    if name in names:
        return name
    lowered = {member.lower(): member for member in names}  # some writers differ in case
    return lowered.get(name.lower())


class Workbook:
    """The sheets of an .xlsx: `sheets` is [(name, part path, visible)]; `rows(part)` streams one sheet."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.date1904 = False
        self.sheets: list[tuple[str, str, bool]] = []
        self._read_workbook()
        self.shared_strings = self._read_shared_strings()
        self.date_styles = self._read_date_styles()

    def _read_workbook(self) -> None:
        targets: dict[str, str] = {}

        def relationship(name, attributes):
            if _local(name) == "Relationship" and "Id" in attributes and "Target" in attributes:
                targets[attributes["Id"]] = attributes["Target"]

        rels = _member(self.archive, "xl/_rels/workbook.xml.rels")
        if rels is None:
            raise XlsxError("no workbook relationships")
        _parse_part(self.archive, rels, start=relationship)
        found: list[tuple[str, str, str]] = []

        def workbook(name, attributes):
            local = _local(name)
            if local == "workbookPr":
                self.date1904 = attributes.get("date1904", "0") in ("1", "true")
            elif local == "sheet":
                rid = next((attributes[f"{ns} id"] for ns in _RELATIONSHIPS if f"{ns} id" in attributes), "")
                found.append((attributes.get("name", ""), attributes.get("state", "visible"), rid))

        _parse_part(self.archive, "xl/workbook.xml", start=workbook)
        for title, state, rid in found:
            target = targets.get(rid)
            if not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            member = _member(self.archive, path)
            if member is not None:
                self.sheets.append((title, member, state == "visible"))

    def _read_shared_strings(self) -> list[str]:
        member = _member(self.archive, "xl/sharedStrings.xml")
        strings: list[str] = []
        if member is None:
            return strings
        state = {"parts": [], "in_t": False, "phonetic": 0}

        def start(name, _attributes):
            local = _local(name)
            if local == "si":
                state["parts"] = []
            elif local == "t" and not state["phonetic"]:
                state["in_t"] = True
            elif local == "rPh":
                state["phonetic"] += 1

        def end(name):
            local = _local(name)
            if local == "si":
                strings.append("".join(state["parts"]))
            elif local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["phonetic"] -= 1

        def text(data):
            if state["in_t"]:
                state["parts"].append(data)

        _parse_part(self.archive, member, start, end, text)
        return strings

    def _read_date_styles(self) -> set[int]:
        member = _member(self.archive, "xl/styles.xml")
        if member is None:
            return set()
        custom: dict[int, str] = {}
        formats: list[int] = []
        inside = {"cellXfs": False}

        def start(name, attributes):
            local = _local(name)
            if local == "numFmt":
                custom[int(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")
            elif local == "cellXfs":
                inside["cellXfs"] = True
            elif local == "xf" and inside["cellXfs"]:
                formats.append(int(attributes.get("numFmtId", "0")))

        def end(name):
            if _local(name) == "cellXfs":
                inside["cellXfs"] = False

        _parse_part(self.archive, member, start, end)
        dates = set()
        for style, number_format in enumerate(formats):
            code = custom.get(number_format, BUILTIN_FORMATS.get(number_format, ""))
            if number_format in _LOCALE_DATE_FORMATS or (code and is_date_format(code)):
                dates.add(style)
        return dates

    def rows(self, part: str) -> Iterator[tuple[int, list]]:
        return _SheetStream(self, part).rows()


def _column_index(reference: str, cache: dict[str, int]) -> int:
    letters = reference.rstrip("0123456789")
    index = cache.get(letters)
    if index is None:
        index = 0
        for letter in letters.upper():
            index = index * 26 + ord(letter) - 64
        cache[letters] = index - 1
        index -= 1
    return index


class _SheetStream:
    """The expat callbacks of one sheet; their state lives in attributes, the rows in `ready`."""

    def __init__(self, workbook: Workbook, part: str):
        self.workbook = workbook
        self.part = part
        self.epoch = MAC_EPOCH if workbook.date1904 else WINDOWS_EPOCH
        self.ready: list[tuple[int, list]] = []
        self.row_number = 0
        self.values: list = []
        self.column = -1
        self.cell_type = "n"
        self.style = 0
        self.formula: str | None = None
        self.text: list[str] = []
        self.collect = False
        self.letters: dict[str, int] = {}
        names = ("row", "c", "v", "f", "t", "is", "rPh")
        self.tags = {f"{ns} {tag}": tag for ns in NAMESPACES for tag in names} | {tag: tag for tag in names}
        self.phonetic = False

    def start(self, name, attributes):
        tag = self.tags.get(name)
        if tag == "c":
            reference = attributes.get("r")
            self.column = _column_index(reference, self.letters) if reference else self.column + 1
            self.cell_type = attributes.get("t", "n")
            self.style = int(attributes.get("s", 0))
            self.formula = None
            self.text = []
        elif tag == "v" or (tag == "t" and not self.phonetic):
            self.collect = True
        elif tag == "f":
            self.formula = ""
            self.collect = True
        elif tag == "rPh":
            self.phonetic = True
        elif tag == "row":
            number = attributes.get("r")
            self.row_number = int(number) if number else self.row_number + 1
            self.values = []
            self.column = -1

    def end(self, name):
        tag = self.tags.get(name)
        if tag in {"v", "t"}:
            self.collect = False
        elif tag == "f":
            self.formula = "=" + "".join(self.text)
            self.text = []
            self.collect = False
        elif tag == "rPh":
            self.phonetic = False
        elif tag == "c":
            self._store()
        elif tag == "row":
            self.ready.append((self.row_number, self.values))

    def chars(self, data):
        if self.collect:
            self.text.append(data)

    def _store(self) -> None:
        if self.formula is not None:
            value = Formula(self.formula)
        else:
            value = self._value("".join(self.text))
        if value is None:
            return
        values = self.values
        if self.column >= len(values):
            values.extend([None] * (self.column + 1 - len(values)))
        values[self.column] = value

    def _value(self, text: str):
        kind = self.cell_type
        if kind == "n":
            if not text:
                return None
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            if self.style in self.workbook.date_styles:
                try:
                    return from_excel(number, self.epoch)
                except (OverflowError, ValueError):
                    return number
            return number
        if kind == "s":
            return self.workbook.shared_strings[int(text)] if text else None
        if kind == "b":
            return text in ("1", "true")
        return text or None  # str, inlineStr, e (the error's text, "#N/A"), d (ISO text: values.parse_date reads it)

    def rows(self) -> Iterator[tuple[int, list]]:
        parser = _parser()
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.chars
        with self.workbook.archive.open(self.part) as source:
            try:
                while chunk := source.read(_CHUNK):
                    parser.Parse(chunk, False)
                    yield from self.ready
                    self.ready = []
                parser.Parse(b"", True)
            except expat.ExpatError as exc:
                raise XlsxError(f"{self.part}: {exc}")
        yield from self.ready
        self.ready = []
