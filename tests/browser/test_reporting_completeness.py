"""County staff read a form's completeness on a 390-px phone: the townships' rates, a tap drills down to a
township's villages, and the units still missing are listed."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.permissions import SYSTEM
from reporting import selectors, services
from tests.reporting.helpers import build_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_completeness_on_a_phone(live_server, phone_page, login, county, users):
    form = build_form(county["city"])
    day = selectors.recent_periods(form, timezone.localdate(), 1)[0][0]
    report = services.report_open(form=form, unit=county["village_a1"], day=day, actor=SYSTEM)
    services.report_save_draft(report=report, actor=SYSTEM, values={"meetings": 2})
    services.report_submit(report=report, actor=SYSTEM)
    login(phone_page, "city_staff")
    phone_page.goto(f"{live_server.url}/reports/")
    phone_page.click("text=报送完整及时情况")
    expect(phone_page.locator("h1")).to_have_text("报送完整及时情况")
    expect(phone_page.get_by_text("应报4个单位")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling
    phone_page.click("table.completeness >> text=甲镇")
    expect(phone_page.locator("table.completeness")).to_contain_text("甲二村")
    expect(phone_page.get_by_text("应报3个单位")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391
    missing = phone_page.locator("section", has_text="未报送的单位")
    expect(missing).to_contain_text("甲社区")
    expect(missing).not_to_contain_text("甲一村")
