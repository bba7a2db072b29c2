"""A village secretary submits the yearly income report on a phone; the township approves it in a browser."""

import pytest

from collective_economy.models import IncomeReport, ReportStatus
from tests.collective_economy.helpers import approved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_submits_on_phone_and_township_approves(live_server, phone_page, page, login, county, users):
    village = county["village_a1"]
    approved(village, 2023, "95000.00")
    login(phone_page, "secretary_a1")
    phone_page.goto(f"{live_server.url}/economy/village/{village.pk}/submit/")
    assert phone_page.locator("#id_total_income").input_value() == "95000.00"  # prefilled from last year
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"] + 1  # no horizontal scrolling on the phone
    phone_page.fill("#id_total_income", "-3")
    phone_page.evaluate("document.querySelector('form.form').noValidate = true")
    phone_page.click("button.primary")
    assert "金额不能为负数" in phone_page.content()
    phone_page.fill("#id_total_income", "126000.50")
    phone_page.fill("#id_operating_income", "98000")
    phone_page.click("button.primary")
    phone_page.wait_for_url("**/economy/reports/**")
    report = IncomeReport.objects.get(year=2024)
    assert report.status == ReportStatus.SUBMITTED and str(report.total_income) == "126000.50"

    login(page, "staff_a")
    page.goto(f"{live_server.url}/economy/reports/{report.pk}/")
    page.click("text=审核通过")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    page.goto(f"{live_server.url}/economy/township/{county['township_a'].pk}/?year=2024")
    assert "缺报" in page.content() and "甲二村" in page.content()
