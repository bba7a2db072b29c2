"""Files the reader refuses, each with a clear Chinese message and before any parser runs on it."""

import random

import pytest

from core.sheets.reader import SheetRefused, read_table

from .builders import INCOME, MEMBERS, encrypted_workbook, xlsx, zip_with

HEADER_ONLY = [["姓名", "入党日期"]]


def refusal(content: bytes, spec=MEMBERS) -> str:
    with pytest.raises(SheetRefused) as caught:
        read_table("upload.xlsx", content, spec)
    return str(caught.value)


def test_an_empty_file():
    assert refusal(b"") == "文件是空的。"


def test_a_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    message = refusal(b"a,b\n" * 300_000)
    assert "超过 1.0 MB 的上限" in message


def test_a_password_protected_workbook():
    assert "设有密码保护" in refusal(encrypted_workbook())


def test_an_encrypted_zip():
    assert "设有密码保护" in refusal(zip_with({"xl/workbook.xml": b"<workbook/>"}, encrypted=True))


def test_a_zip_bomb_disguised_as_xlsx():
    # 64 MB of zeros deflates to about 64 KB: a ratio of about 1,000 (a real sheet: 5 to 30).
    bomb = zip_with({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert "压缩炸弹" in refusal(bomb)


def test_a_zip_declaring_more_than_the_unzipped_limit(settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    noise = random.Random(12).randbytes(1024 * 1024)  # incompressible: an ordinary ratio, too much in total
    members = {"xl/workbook.xml": b"<workbook/>", "a.bin": noise, "b.bin": noise}
    assert "压缩炸弹" in refusal(zip_with(members))


def test_a_sheet_with_only_a_header():
    assert refusal(xlsx(("Sheet1", HEADER_ONLY))) == "表格只有表头，没有数据行。"


def test_a_workbook_with_nothing_in_it():
    assert refusal(xlsx(("Sheet1", [[], [None]]))) == "表格是空的，没有任何内容。"


def test_a_sheet_of_numbers_only_has_no_header():
    assert "没有找到表头" in refusal(xlsx(("Sheet1", [[1, 2, 3], [4, 5, 6]])))


def test_formula_cells_in_records():
    rows = [["村编码", "年度", "总收入（元）", "经营性收入（元）"], ["1", 2023, 5, "=C2/2"]]
    assert refusal(xlsx(("Sheet1", rows)), INCOME).startswith("第2行 D列 含公式（=C2/2）")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "该文件不是表格"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "该文件不是表格"),
        (b"\x00\x01\x02\x03binary\x00data", "该文件不是表格"),
        (zip_with({"word/document.xml": b"<w:document/>"}), "这是 Word 文档"),
        (zip_with({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}), "WPS"),
        (zip_with({"readme.txt": b"hello"}), "该文件不是表格"),
        (b"PK\x03\x04 truncated", "文件已损坏"),
        ("<html><body><table><tr><td>姓名</td></tr></table>".encode(), "网页"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "文件已损坏"),  # an .xls cut short (xlrd's error path)
        ('姓名,入党日期\n"张三,2019'.encode(), "CSV 文件格式有误"),
    ],
)
def test_files_that_are_not_sheets(content, message):
    assert message in refusal(content)


def test_a_damaged_workbook_part():
    content = zip_with({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<not xml"})
    assert "文件已损坏" in refusal(content)


def test_a_csv_in_no_known_encoding():
    assert "无法识别该 CSV 文件的文字编码" in refusal(b"\x81\x30\x81" + b"\xff" * 20 + b"\n")
