"""A minimal .xls (BIFF8 in an OLE compound file) written in the test, since no .xls writer is installed: one
workbook stream of globals (BOF, two XF records — General and the built-in date format 14 —, BOUNDSHEETs, EOF) and
worksheets of LABEL (text), NUMBER and BOOLERR records. Cells are str, int/float, bool, or ("date", serial)."""

import struct

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_SECTOR = 512


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(sheet_type: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, sheet_type, 0x0DBB, 0x07CC, 0, 0x0600))


def _xf(number_format: int) -> bytes:
    return _record(0x00E0, struct.pack("<HHHBBBBIiH", 0, number_format, 0x0001, 0, 0, 0, 0, 0, 0, 0))


def _cell(row: int, column: int, value) -> bytes:
    if isinstance(value, tuple):  # ("date", serial): a number in the date format (XF 1)
        return _record(0x0203, struct.pack("<HHHd", row, column, 1, float(value[1])))
    if isinstance(value, bool):
        return _record(0x0205, struct.pack("<HHHBB", row, column, 0, int(value), 0))
    if isinstance(value, int | float):
        return _record(0x0203, struct.pack("<HHHd", row, column, 0, float(value)))
    text = str(value).encode("utf-16-le")
    return _record(0x0204, struct.pack("<HHHHB", row, column, 0, len(value), 1) + text)


def _sheet(rows: list[list]) -> bytes:
    body = b"".join(
        _cell(r, c, value) for r, row in enumerate(rows) for c, value in enumerate(row) if value not in (None, "")
    )
    return _bof(0x0010) + body + _record(0x000A)


def _workbook_stream(sheets: list[tuple[str, list[list]]], encrypted: bool) -> bytes:
    bodies = [_sheet(rows) for _name, rows in sheets]

    def globals_with(offsets: list[int]) -> bytes:
        bound = b"".join(
            _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"))
            for (name, _rows), offset in zip(sheets, offsets, strict=True)
        )
        filepass = _record(0x002F, b"\x00\x00" + b"\x00" * 52) if encrypted else b""  # RC4: a password
        return _bof(0x0005) + filepass + _xf(0) + _xf(14) + bound + _record(0x000A)

    start = len(globals_with([0] * len(sheets)))
    offsets = []
    for body in bodies:
        offsets.append(start)
        start += len(body)
    stream = globals_with(offsets) + b"".join(bodies)
    return stream.ljust(max(4096, -(-len(stream) // _SECTOR) * _SECTOR), b"\x00")  # no mini stream


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _FREE, _FREE, child)
        + b"\x00" * 36
        + struct.pack("<III", start, size, 0)
    )


def xls(*sheets: tuple[str, list[list]], encrypted: bool = False) -> bytes:
    stream = _workbook_stream(list(sheets), encrypted)
    stream_sectors = len(stream) // _SECTOR
    directory_sector = 1 + stream_sectors
    fat = [_FAT] + [i + 2 for i in range(stream_sectors - 1)] + [_END, _END]
    fat += [_FREE] * (_SECTOR // 4 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, directory_sector, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    directory = (
        _entry("Root Entry", 5, 1, _END, 0)
        + _entry("Workbook", 2, _FREE, 1, len(stream))
        + _entry("", 0, _FREE, 0, 0) * 2
    )
    return header + struct.pack(f"<{len(fat)}I", *fat) + stream + directory
