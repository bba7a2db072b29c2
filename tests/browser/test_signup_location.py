"""The sign-up's "按我的位置选择网格" on a 390×844 phone: the phone's position, the grid whose outline holds it (the
locate endpoint), and the township → community → grid selects set to it; outside every outline, a message and the
selects left to the hand."""

import re

import pytest
from shapely.geometry import box

from accounts.permissions import SYSTEM
from grid_woodpecker.models import Woodpecker
from organizations.services import boundaries_store
from tests.browser.test_woodpecker_journey import PHONE, _sms_code
from tests.grid_woodpecker.test_signup import _second_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSIDE = {"latitude": 29.705, "longitude": 112.305}
OUTSIDE = {"latitude": 30.5, "longitude": 114.3}


def _to_the_chooser(page, url, folder):
    page.goto(f"{url}/woodpecker/register/")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_selector(".msg-success")
    page.get_by_label("短信验证码").fill(_sms_code(folder, PHONE))


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_the_grid_is_proposed_from_the_phones_location(live_server, browser, county, settings, tmp_path, where):
    settings.NOTIFICATION_SMS_BACKEND = "notifications.backends.FileSmsBackend"
    settings.NOTIFICATION_FILE_DIR = tmp_path
    grid = county["grid_ac"]
    boundaries_store(items=[(grid, box(112.3, 29.7, 112.31, 29.71), False)], source="test", actor=SYSTEM)
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation=INSIDE if where == "inside" else OUTSIDE,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    _to_the_chooser(page, live_server.url, tmp_path)
    page.get_by_role("button", name="按我的位置选择网格").click()
    page.wait_for_selector("#proposed[data-state=proposed], #proposed[data-state=outside]")
    chosen = [page.locator(f"select[data-level={level}]").input_value() for level in ("township", "community", "grid")]
    assert page.locator("select[data-level=county]").count() == 0  # one county: no county step
    if where == "inside":
        assert page.locator("#proposed").get_attribute("data-state") == "proposed"
        assert chosen == [str(grid.parent.parent_id), str(grid.parent_id), str(grid.pk)]
        assert "已按您的位置选中网格" in page.inner_text("#proposed")
    else:
        assert page.locator("#proposed").get_attribute("data-state") == "outside"
        assert chosen[2] == ""  # nothing chosen for them
        assert "请在下方选择网格" in page.inner_text("#proposed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_several_counties_start_the_chooser_with_the_county(live_server, browser, county, settings, tmp_path):
    """A province's portal: the chooser starts with the county-level unit; the location sets all four selects, and
    choosing by hand refills each select below from the one above."""
    settings.NOTIFICATION_SMS_BACKEND = "notifications.backends.FileSmsBackend"
    settings.NOTIFICATION_FILE_DIR = tmp_path
    other = _second_county()
    boundaries_store(items=[(other["grid"], box(112.3, 29.7, 112.31, 29.71), False)], source="test", actor=SYSTEM)
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation=INSIDE,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    _to_the_chooser(page, live_server.url, tmp_path)
    levels = ("county", "township", "community", "grid")
    page.get_by_role("button", name="按我的位置选择网格").click()
    page.wait_for_selector("#proposed[data-state=proposed], #proposed[data-state=outside]")
    chosen = [page.locator(f"select[data-level={level}]").input_value() for level in levels]
    assert chosen == [str(other[level].pk) for level in levels]
    # By hand, another county: the selects below empty and refill from the choice above.
    page.get_by_label("县（市、区）", exact=True).select_option(label="测试市")
    page.wait_for_selector("select[data-level=township] option:has-text('甲镇')", state="attached")
    assert page.locator("select[data-level=grid]").input_value() == ""
    page.get_by_label("乡镇（街道）").select_option(label="甲镇")
    page.wait_for_selector("select[data-level=community] option:has-text('甲社区')", state="attached")
    page.get_by_label("村（社区）").select_option(label="甲社区")
    page.wait_for_selector("select[data-level=grid] option:has-text('甲社区一网格')", state="attached")
    page.get_by_label(re.compile(r"^网格")).select_option(label="甲社区一网格")
    page.get_by_label("姓名").fill("小郑")
    page.get_by_label("密码").fill("Phone-pass-88")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_url(f"{live_server.url}/woodpecker/me/")
    assert Woodpecker.objects.get(user__username=PHONE).grid == county["grid_ac"]
    context.close()
