"""A woodpecker's whole journey on a 390×844 phone: from the login page to sign-up by SMS code (the code read from
the file SMS backend), confirmation by the grid worker, a clue filed in at most three screens, resolved by staff,
the notification that it was resolved, the rating, a redemption with its confirmation and pickup code, and the
station's counter verifying that code. Every step is asserted on the page."""

import re

import pytest

from accounts.roles import Role
from grid_woodpecker.models import Clue, ClueStatus, Redemption, Woodpecker, WoodpeckerStatus
from grid_woodpecker.services.clues import clue_accept, clue_handle_in_community, clue_resolve
from grid_woodpecker.services.woodpeckers import woodpecker_confirm
from tests.browser.conftest import screenshot
from tests.factories import user_with_role
from tests.grid_woodpecker import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13712345678"
PASSWORD = "Phone-pass-88"


def _sms_code(folder, phone) -> str:
    """The code of the last text to `phone` in the file SMS backend's log (notifications.backends.FileSmsBackend)."""
    lines = [line for line in (folder / "sms.log").read_text(encoding="utf-8").splitlines() if f" {phone} " in line]
    return re.search(r"(?<!\d)(\d{6})(?!\d)", lines[-1].split(phone, 1)[1]).group(1)


def _no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 391, page.url


def _sign_up(phone, url, sms_folder):
    """Steps 1 and 2: from the login page, the number and "获取验证码", then the code, the grid chosen township →
    community → grid (the next select filled by the script), name and password."""
    phone.goto(f"{url}/login/")
    phone.get_by_role("link", name="用手机号码注册").click()
    phone.wait_for_url(f"{url}/woodpecker/register/")
    _no_sideways_scrolling(phone)
    phone.get_by_label("手机号码").fill(PHONE)
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_selector(".msg-success")
    assert "137****5678" in phone.inner_text(".msg-success")
    code = _sms_code(sms_folder, PHONE)
    phone.get_by_label("短信验证码").fill(code)
    phone.get_by_label("乡镇（街道）").select_option(label="甲镇")
    phone.wait_for_selector("select[data-level=community] option:has-text('甲社区')", state="attached")
    phone.get_by_label("村（社区）").select_option(label="甲社区")
    phone.wait_for_selector("select[data-level=grid] option:has-text('甲社区一网格')", state="attached")
    phone.get_by_label(re.compile(r"^网格")).select_option(label="甲社区一网格")
    assert phone.locator("#choose").is_hidden()  # the no-script "next" button is not needed
    phone.get_by_label("姓名").fill("小周")
    phone.get_by_label("密码").fill(PASSWORD)
    _no_sideways_scrolling(phone)
    screenshot(phone, "woodpecker-signup-phone")
    phone.get_by_role("button", name="注册", exact=True).click()
    phone.wait_for_url(f"{url}/woodpecker/me/")
    assert "网格员" in phone.inner_text(".msg-success")
    assert "等待网格员确认" in phone.inner_text("main")


def _file_clue(phone, url, category):
    """Step 3: from the woodpecker's page to the filed clue in at most three page loads."""
    loads = []
    phone.on("load", lambda p: loads.append(p.url))
    phone.goto(f"{url}/woodpecker/")
    phone.get_by_role("link", name="上报问题").click()
    phone.get_by_label("类别").select_option(label=category.name)
    phone.get_by_label("发现了什么问题").fill("小区东门路灯不亮，晚上很黑")
    phone.locator("#clue-form").get_by_role("button", name="上报").click()
    phone.wait_for_url("**/woodpecker/clues/*/")
    phone.wait_for_load_state()
    assert len(loads) <= 3, loads
    assert "小区东门路灯不亮" in phone.inner_text("main")
    _no_sideways_scrolling(phone)


def _read_notification_and_rate(phone, url, clue):
    """Step 4: the unread badge, the notification that the clue was resolved, and the rating."""
    phone.goto(f"{url}/")
    assert int(phone.locator("[data-unread-badge]").inner_text()) >= 1
    phone.locator("a.notif").click()
    phone.wait_for_url(f"{url}/notifications/")
    resolved = phone.locator("li.notification", has_text="已办结")
    assert resolved.count() == 1
    resolved.get_by_role("button").click()
    phone.wait_for_url(f"{url}/woodpecker/clues/{clue.pk}/")
    assert "已更换灯泡" in phone.inner_text("main")
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector(".msg-success")
    assert "满意" in phone.inner_text("dl.facts")
    screenshot(phone, "woodpecker-journey-rated-phone")


def _redeem(phone, url) -> str:
    """Step 5: the accepted clue's 10 points buy goods of 5 yuan: a confirmation, then the pickup code."""
    phone.goto(f"{url}/woodpecker/points/")
    assert phone.inner_text("#balance") == "10"
    phone.get_by_role("link", name="兑换").click()
    phone.wait_for_url("**/woodpecker/goods/*/redeem/")
    assert phone.inner_text("#balance-after").startswith("0")
    phone.get_by_role("button", name="确认兑换").click()
    phone.wait_for_url("**/woodpecker/redemptions/*/")
    _no_sideways_scrolling(phone)
    return phone.inner_text("#pickup-code")


def test_woodpecker_journey_on_a_phone(live_server, phone_page, page, login, county, settings, tmp_path):
    settings.NOTIFICATION_SMS_BACKEND = "notifications.backends.FileSmsBackend"
    settings.NOTIFICATION_FILE_DIR = tmp_path
    category = helpers.category(county["city"], name="路灯损坏")
    station, _goods = helpers.station_with_goods(county["community_a"], price="5.00", stock=1)
    gridworker = user_with_role("wanggeyuan", Role.GRID_WORKER, county["grid_ac"])
    user_with_role("shequ", Role.SECRETARY, county["community_a"])
    phone_page.on("dialog", lambda dialog: dialog.accept())  # the rating's "are you sure" (static/js/confirm.js)
    url = live_server.url

    _sign_up(phone_page, url, tmp_path)
    woodpecker = Woodpecker.objects.get(user__username=PHONE)
    assert woodpecker.status == WoodpeckerStatus.PENDING and woodpecker.grid == county["grid_ac"]

    woodpecker_confirm(woodpecker=woodpecker, actor=gridworker)  # the grid worker confirms (service)
    _file_clue(phone_page, url, category)
    clue = Clue.objects.get()
    assert clue.reporter == woodpecker and clue.status == ClueStatus.SUBMITTED

    # Staff accept and resolve it through the services.
    clue = clue_accept(clue=clue, actor=gridworker)
    clue = clue_handle_in_community(clue=clue, actor=gridworker)
    clue_resolve(clue=clue, resolution="已更换灯泡", actor=gridworker)
    _read_notification_and_rate(phone_page, url, clue)
    clue.refresh_from_db()
    assert clue.rating == "satisfied"

    pickup = _redeem(phone_page, url)
    redemption = Redemption.objects.get()
    assert pickup == redemption.pickup_code and redemption.status == "reserved"

    # Step 6: the station's counter verifies the pickup code and hands the goods out.
    login(page, "shequ")
    page.goto(f"{url}/woodpecker/counter/{station.pk}/")
    page.fill("#id_code", pickup)
    page.click("form[action*='/hand-out/'] button")
    page.wait_for_selector(".msg-success")
    assert Redemption.objects.get().status == "confirmed"
    screenshot(page, "woodpecker-journey-counter")


def test_sign_up_without_javascript_on_a_phone(live_server, browser, county, settings, tmp_path):
    """With scripts off, "获取验证码" still posts the number and "下一步" fills the next select step by step."""
    settings.NOTIFICATION_SMS_BACKEND = "notifications.backends.FileSmsBackend"
    settings.NOTIFICATION_FILE_DIR = tmp_path
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, java_script_enabled=False
    )
    phone = context.new_page()
    phone.set_default_timeout(15000)
    phone.goto(f"{live_server.url}/woodpecker/register/")
    phone.get_by_label("手机号码").fill("13712340099")
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_selector(".msg-success")
    phone.get_by_label("短信验证码").fill(_sms_code(tmp_path, "13712340099"))
    phone.get_by_label("姓名").fill("小吴")
    phone.get_by_label("乡镇（街道）").select_option(label="甲镇")
    phone.get_by_role("button", name="下一步").click()
    phone.get_by_label("村（社区）").select_option(label="甲社区")
    phone.get_by_role("button", name="下一步").click()
    phone.get_by_label(re.compile(r"^网格")).select_option(label="甲社区一网格")
    assert phone.get_by_label("姓名").input_value() == "小吴"  # kept across the steps
    phone.get_by_label("密码").fill(PASSWORD)
    _no_sideways_scrolling(phone)
    phone.get_by_role("button", name="注册", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/woodpecker/me/")
    assert Woodpecker.objects.get(user__username="13712340099").grid == county["grid_ac"]
    context.close()
