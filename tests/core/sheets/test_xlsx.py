"""The streaming .xlsx reader (core.sheets.xlsx) on parts written by hand the way other producers write them:
inline strings, a namespace prefix, the Chinese locale's built-in date format 31 (yyyy"年"m"月"d"日"), the 1904 date
system, phonetic runs in shared strings, a sheet without a dimension."""

from datetime import date

import pytest

from core.sheets.reader import SheetRefused, read_table

from .builders import MEMBERS, zip_with

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def package(sheet_xml: str, *, date1904: bool = False, shared: str = "") -> bytes:
    workbook = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><workbookPr date1904="{int(date1904)}"/>'
        '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    styles = (
        f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="31" applyNumberFormat="1"/>'
        "</cellXfs></styleSheet>"
    )
    members = {
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": rels.encode(),
        "xl/styles.xml": styles.encode(),
        "xl/worksheets/sheet1.xml": sheet_xml.encode(),
    }
    if shared:
        members["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{shared}</sst>'.encode()
    return zip_with(members)


def inline(reference: str, text: str) -> str:
    return f'<x:c r="{reference}" t="inlineStr"><x:is><x:t>{text}</x:t></x:is></x:c>'


def sheet(*rows: str) -> str:
    return f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{"".join(rows)}</x:sheetData></x:worksheet>'


def test_inline_strings_a_prefix_and_the_chinese_date_format():
    xml = sheet(
        f'<x:row r="1">{inline("A1", "姓名")}{inline("E1", "入党时间")}</x:row>',
        f'<x:row r="3">{inline("A3", "张三 &amp; 李四")}<x:c r="E3" s="1"><x:v>43647</x:v></x:c></x:row>',
    )
    table = read_table("a.xlsx", package(xml), MEMBERS)
    assert table.sheet_name == "花名册"
    assert table.columns == {"name": 0, "joined_on": 4}
    assert table.rows[0].number == 3
    assert table.rows[0].values == {"name": "张三 & 李四", "joined_on": date(2019, 7, 1)}


def test_the_1904_date_system_and_phonetic_runs():
    shared = (
        "<si><t>姓名</t></si><si><t>入党日期</t></si><si><r><t>王</t></r><r><t>五</t></r><rPh><t>wang</t></rPh></si>"
    )
    xml = sheet(
        '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>',
        '<x:row><x:c t="s"><x:v>2</x:v></x:c><x:c s="1"><x:v>42185</x:v></x:c></x:row>',
    )
    row = read_table("a.xlsx", package(xml, date1904=True, shared=shared), MEMBERS).rows[0]
    assert row.values == {"name": "王五", "joined_on": date(2019, 7, 1)}  # 42185 days after 1904-01-01


def test_a_shared_formula_cell_is_still_a_formula():
    xml = sheet(
        f'<x:row r="1">{inline("A1", "姓名")}{inline("B1", "入党日期")}</x:row>',
        f'<x:row r="2">{inline("A2", "张三")}<x:c r="B2"><x:f t="shared" si="0"/><x:v>43647</x:v></x:c></x:row>',
    )
    with pytest.raises(SheetRefused, match="第2行 B列 含公式"):
        read_table("a.xlsx", package(xml), MEMBERS)


def test_an_entity_declaration_is_refused():
    xml = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + sheet(f'<x:row r="1">{inline("A1", "&a;")}</x:row>')
    with pytest.raises(SheetRefused, match="文件已损坏"):
        read_table("a.xlsx", package(xml), MEMBERS)
