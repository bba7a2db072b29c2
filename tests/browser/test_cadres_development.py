"""A village secretary proposes an activist (activist for more than a year) as development target on a phone;
township staff approve it. The step is dated, with who proposed and who approved at which level."""

import pytest

from cadres.models import DevelopmentRecord, DevelopmentStage, StepStatus
from tests.browser.conftest import screenshot
from tests.cadres import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_proposes_target_and_township_staff_approves(live_server, phone_page, page, login, county, users):
    record = h.activist(county["village_a1"], "李积极", activist_days_ago=430)
    h.activist(county["village_b1"], "乙村积极分子", activist_days_ago=430)

    # The village secretary, on a phone.
    login(phone_page, "secretary_a1")
    phone_page.goto(f"{live_server.url}/cadres/development/")
    assert "乙村积极分子" not in phone_page.content()
    phone_page.click("text=李积极")
    assert phone_page.locator("#stage").inner_text() == "入党积极分子"
    phone_page.select_option("#id_kind", "advance")
    phone_page.fill("#id_note", "培养考察满一年，群众评议良好")
    phone_page.click("#propose button[type=submit]")
    phone_page.wait_for_selector("#pending")
    assert "发展对象" in phone_page.locator("#pending").inner_text()
    assert phone_page.locator("#approve").count() == 0  # the secretary cannot approve
    screenshot(phone_page, "cadres-development-proposed")

    # Township staff approve it on the desktop.
    login(page, "staff_a")
    page.goto(f"{live_server.url}/cadres/development/?pending=1")
    page.click("text=李积极")
    page.click("#approve")
    page.wait_for_selector("text=已批准。")
    assert page.locator("#stage").inner_text() == "发展对象"
    steps = page.locator("#steps").inner_text()
    assert "secretary_a1" in steps and "staff_a" in steps and "乡镇（街道）党（工）委" in steps
    screenshot(page, "cadres-development-approved")

    record.refresh_from_db()
    step = record.steps.get(to_stage=DevelopmentStage.TARGET)
    assert record.stage == DevelopmentStage.TARGET and step.status == StepStatus.APPROVED
    assert (step.proposed_by.username, step.decided_by.username) == ("secretary_a1", "staff_a")
    assert DevelopmentRecord.objects.filter(stage=DevelopmentStage.TARGET).count() == 1


def test_secretary_sees_the_refusal_reason_for_a_target_too_early(live_server, page, login, county, users):
    h.activist(county["village_a1"], "王新", activist_days_ago=120)
    login(page, "secretary_a1")
    page.goto(f"{live_server.url}/cadres/development/")
    page.click("text=王新")
    page.click("#propose button[type=submit]")
    error = page.locator(".field-error").first.inner_text()
    assert "至少一年" in error
    assert page.locator("#pending").count() == 0
