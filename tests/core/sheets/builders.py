"""Fixture sheets built in the tests: workbooks with openpyxl, CSV in a chosen encoding, hostile files by hand."""

import io
import zipfile
from datetime import date, datetime, time

from openpyxl import Workbook

from core.sheets.spec import Column, SheetSpec

MEMBERS = SheetSpec(
    "members",
    "党员信息",
    (
        Column("name", "姓名", required=True),
        Column("id_number", "身份证号码", aliases=("公民身份号码", "身份证号"), type="id_number"),
        Column("gender", "性别", type="choice", choices=(("M", "男"), ("F", "女"))),
        Column("branch", "所在党支部", aliases=("所在支部", "党支部")),
        Column("joined_on", "入党日期", aliases=("入党时间",), type="date", required=True),
        Column("dues", "月缴党费", type="amount"),
    ),
)

INCOME = SheetSpec(
    "income",
    "村集体经济收入",
    (
        Column("village_code", "村编码", required=True),
        Column("village_name", "村名称", aliases=("村名",)),
        Column("year", "年度", type="int", required=True),
        Column("total_income", "集体经济总收入", aliases=("总收入",), type="amount", required=True),
        Column("operating_income", "经营性收入", type="amount", required=True),
    ),
)


def excel_datetime(year: int, month: int, day: int) -> datetime:
    """What openpyxl gives for a date cell: a datetime without a time zone (Excel keeps none)."""
    return datetime.combine(date(year, month, day), time.min)


def xlsx(*sheets: tuple[str, list[list]]) -> bytes:
    """A workbook with the given (sheet name, rows); a str starting with "=" is written as a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines: list[str], encoding: str, delimiter: str = ",") -> bytes:
    return "\r\n".join(delimiter.join(line.split(",")) for line in lines).encode(encoding)


def zip_with(members: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    """A zip of `members`; `encrypted` sets the "encrypted" flag of every member (zipfile cannot write one), which is
    all a reader sees before it asks for the password."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    content = bytearray(buffer.getvalue())
    if encrypted:
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = content.find(signature)
            while start != -1:
                content[start + offset] |= 0x1
                start = content.find(signature, start + 1)
    return bytes(content)


def encrypted_workbook() -> bytes:
    """What Excel writes for a workbook with a password to open: an OLE compound file holding the streams
    EncryptionInfo and EncryptedPackage (only the container's signature and directory names matter here)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    return header + directory + b"\x00" * 1024
