"""The `file` and `table` field kinds: a table's rows checked cell by cell (messages naming row and column), its
cells posted by the fill page; a file uploaded through the fill page, checked by the portal's upload intake, and
downloaded only by who may view the report (404 otherwise); both in the API."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.permissions import SYSTEM
from reporting import services
from reporting.models import FieldKind, PeriodType, ReportAttachment
from reporting.services.values import MAX_ROWS, clean_columns

from .helpers import DAY

pytestmark = pytest.mark.django_db

COLUMNS = [
    {"code": "name", "label": "姓名", "kind": "text"},
    {"code": "visits", "label": "走访次数", "kind": "integer"},
    {"code": "amount", "label": "金额", "kind": "decimal"},
    {"code": "day", "label": "日期", "kind": "date"},
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(county, users, frozen_today):
    form = services.form_create(
        unit=county["city"], actor=SYSTEM, code="files", name="附件与表格", period_type=PeriodType.MONTHLY
    )
    version = services.version_draft(form=form, actor=SYSTEM)
    section = services.section_add(version=version, actor=SYSTEM, title="材料")
    services.field_add(section=section, actor=SYSTEM, code="minutes", label="会议记录", kind=FieldKind.FILE)
    services.field_add(
        section=section, actor=SYSTEM, code="visits", label="走访记录", kind=FieldKind.TABLE, columns=COLUMNS
    )
    services.form_publish(form=form, actor=SYSTEM)
    return services.report_open(form=form, unit=county["village_a1"], day=DAY, actor=users["secretary_a1"])


def _png(name="记录.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _answer(report, code):
    return report.answers.get(field__code=code)


def test_table_rows_are_checked_cell_by_cell(report, users):
    secretary = users["secretary_a1"]
    rows = [
        {"name": "张三", "visits": "3", "amount": "12.5", "day": "2024-05-02"},
        {"name": "", "visits": "", "amount": "", "day": ""},  # a blank row is dropped
        {"name": "李四", "visits": 1},
    ]
    services.report_save_draft(report=report, actor=secretary, values={"visits": rows})
    assert _answer(report, "visits").value == [
        {"name": "张三", "visits": 3, "amount": "12.50", "day": "2024-05-02"},
        {"name": "李四", "visits": 1, "amount": None, "day": None},
    ]
    bad = [{"name": "王五", "visits": "两次", "day": "5月"}, {"visits": "1.5", "ghost": "x"}]
    with pytest.raises(ValidationError) as caught:
        services.report_save_draft(report=report, actor=secretary, values={"visits": bad})
    messages = caught.value.message_dict["visits"]
    assert "第 1 行“走访次数”列：请输入整数。" in messages, messages
    assert any(m.startswith("第 1 行“日期”列") for m in messages), messages
    assert "第 2 行“走访次数”列：请输入整数。" in messages and any("ghost" in m for m in messages), messages
    assert len(_answer(report, "visits").value) == 2  # nothing saved
    for junk in ("text", {"a": 1}, [1, 2], [{"visits": 1}] * (MAX_ROWS + 1)):
        with pytest.raises(ValidationError):
            services.report_save_draft(report=report, actor=secretary, values={"visits": junk})


def test_columns_are_checked():
    assert clean_columns("a|甲|整数\nb|乙|date") == [
        {"code": "a", "label": "甲", "kind": "integer"},
        {"code": "b", "label": "乙", "kind": "date"},
    ]
    for bad in ("", "a|甲|整数\na|乙|文本", "A|甲|文本", "a|甲|颜色", "a||文本", [{"code": 1}], "x" * 5):
        with pytest.raises(ValidationError):
            clean_columns(bad)


def test_table_through_the_fill_page(client_for, report, users):
    client = client_for(users["secretary_a1"])
    url = reverse("reporting:report", args=[report.pk])
    page = client.get(url).content.decode()
    assert "添加一行" in page and 'name="cell-visits-2-visits"' in page  # blank rows without JavaScript
    response = client.post(
        url, {"cell-visits-0-name": "张三", "cell-visits-0-visits": "2", "cell-visits-5-name": "李四"}
    )
    assert response.status_code == 302
    assert [row["name"] for row in _answer(report, "visits").value] == ["张三", "李四"]
    response = client.post(url, {"cell-visits-0-name": "张三", "cell-visits-0-visits": "很多"})
    assert response.status_code == 400 and "第 1 行“走访次数”列：请输入整数。" in response.content.decode()
    # The autosave endpoint takes the same cells.
    response = client.post(reverse("reporting:report_draft", args=[report.pk]), {"cell-visits-0-amount": "x"})
    assert response.status_code == 400 and "金额" in response.json()["errors"]["visits"][0]


def test_file_upload_download_and_scope(client_for, api_for, report, users, county):
    client = client_for(users["secretary_a1"])
    url = reverse("reporting:report", args=[report.pk])
    assert client.post(url, {"value-minutes": _png()}).status_code == 302
    answer = _answer(report, "minutes")
    attachment = ReportAttachment.objects.get(answer=answer)
    assert answer.value == {"id": attachment.pk, "name": "记录.jpg"} and attachment.content_type == "image/jpeg"
    download = reverse("reporting:attachment", args=[attachment.pk])
    assert download in client.get(url).content.decode()
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    for who, status in (("staff_a", 200), ("staff_b", 404), ("woodpecker_ac", 404)):  # the township reviews it
        other = Client()
        other.force_login(users[who])
        assert other.get(download).status_code == status, who
    assert Client().get(download).status_code == 302  # to the login page
    # In the API: name and download URL.
    data = api_for(users["secretary_a1"]).get(f"/api/v1/reporting/reports/{report.pk}/").json()
    minutes = next(a for a in data["answers"] if a["code"] == "minutes")
    assert minutes["value"]["name"] == "记录.jpg" and minutes["download_url"] == download
    visits = next(a for a in data["answers"] if a["code"] == "visits")
    assert [c["code"] for c in visits["columns"]] == ["name", "visits", "amount", "day"]
    # Saving the answers read from the API back unchanged keeps the file; typing a file value is refused.
    api = api_for(users["secretary_a1"])
    assert (
        api.post(
            f"/api/v1/reporting/reports/{report.pk}/draft/", {"values": {"minutes": minutes["value"]}}, format="json"
        ).status_code
        == 200
    )
    response = api.post(
        f"/api/v1/reporting/reports/{report.pk}/draft/",
        {"values": {"minutes": {"id": 999, "name": "x"}}},
        format="json",
    )
    assert response.status_code == 400
    assert ReportAttachment.objects.filter(answer=answer).count() == 1
    # A file that is not a photo, PDF or workbook is refused on the page; the old file stays.
    fake = SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"value-minutes": fake})
    assert response.status_code == 400 and "PDF 或 Excel" in response.content.decode()
    assert ReportAttachment.objects.filter(answer=answer).count() == 1
    # A PDF replaces the photo; ticking 删除文件 removes it.
    pdf = SimpleUploadedFile("总结.pdf", b"%PDF-1.4\n%...\n", content_type="application/pdf")
    assert client.post(url, {"value-minutes": pdf}).status_code == 302
    assert ReportAttachment.objects.get(answer=answer).name == "总结.pdf"
    assert not ReportAttachment.objects.filter(pk=attachment.pk).exists()
    assert client.post(url, {"clear-minutes": "1"}).status_code == 302
    assert _answer(report, "minutes").value is None and not ReportAttachment.objects.filter(answer=answer).exists()
    assert client.get(download).status_code == 404
