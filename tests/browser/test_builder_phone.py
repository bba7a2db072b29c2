"""The form builder and a table field on a 390-px phone: organization-department staff add a table field with its
columns through the builder's pages (no sideways scrolling), publish; a secretary adds a row with 添加一行 (static
script, no inline code under the CSP), types into it, and the autosaved rows survive a reload."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.permissions import SYSTEM
from reporting import services
from reporting.models import PeriodType, Report, ReportForm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_builder_and_table_field_on_a_phone(live_server, phone_page, login, county, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = services.form_create(
        unit=county["city"], actor=SYSTEM, code="visits", name="走访月报", period_type=PeriodType.MONTHLY
    )
    draft = services.version_draft(form=form, actor=SYSTEM)
    services.section_add(version=draft, actor=SYSTEM, title="走访")
    login(phone_page, "city_staff")
    phone_page.goto(f"{live_server.url}/reports/forms/")
    assert "走访月报" in phone_page.content() and _width(phone_page) <= 391
    phone_page.click("text=走访月报")
    assert _width(phone_page) <= 391
    phone_page.click("text=添加字段")
    phone_page.fill("#id_code", "visits")
    phone_page.fill("#id_label", "走访记录")
    phone_page.select_option("#id_kind", "table")
    phone_page.fill("#id_columns", "name|姓名|文本\ncount|次数|整数")
    assert _width(phone_page) <= 391
    phone_page.click("button.primary")
    expect(phone_page.locator("body")).to_contain_text("走访记录")
    assert _width(phone_page) <= 391
    phone_page.once("dialog", lambda dialog: dialog.accept())
    phone_page.click("text=发布")
    expect(phone_page.locator("body")).to_contain_text("修改（生成新版本）")
    assert ReportForm.objects.get(pk=form.pk).current_version().number == 1

    # This month's report: entry for past periods may have closed for the secretary.
    report = services.report_open(form=form, unit=county["village_a1"], day=timezone.localdate(), actor=SYSTEM)
    phone_page.context.clear_cookies()
    login(phone_page, "secretary_a1")
    phone_page.goto(f"{live_server.url}/reports/{report.pk}/")
    rows = phone_page.locator("table[data-table-field=visits] tbody tr")
    expect(rows).to_have_count(3)
    phone_page.click("button[data-add-row=visits]")
    expect(rows).to_have_count(4)
    phone_page.fill("input[name=cell-visits-3-name]", "张三")
    phone_page.fill("input[name=cell-visits-3-count]", "两")
    expect(phone_page.locator("[data-messages-for=visits]")).to_contain_text("第 1 行“次数”列")
    phone_page.fill("input[name=cell-visits-3-count]", "2")
    expect(phone_page.locator("[data-autosave-status]")).to_have_text("草稿已保存。")
    assert _width(phone_page) <= 391
    phone_page.reload()
    expect(phone_page.locator("input[name=cell-visits-0-name]")).to_have_value("张三")
    assert Report.objects.get(pk=report.pk).answers.get(field__code="visits").value == [{"name": "张三", "count": 2}]
