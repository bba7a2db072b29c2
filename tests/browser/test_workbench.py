"""Every role's workbench on a 390×844 phone: the counts its queues show are its selectors' counts, the page is no
wider than the screen, and the unread badge leads to the notification centre."""

import pytest

from accounts.roles import Role
from core import workbench
from tests.browser.conftest import screenshot
from tests.notifications.world import build_day
from tests.roles import MATRIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every role of the matrix that works in the portal (the external system is an API client and has no home page).
ROLES = [spec.name for spec in MATRIX if spec.role not in (None, Role.EXTERNAL_SYSTEM)]
# Roles the day gives nothing to wait for (a township other than the day's): their workbench says so, with zeros.
IDLE = {"township_staff_b"}


def test_every_roles_workbench_on_a_phone(live_server, browser, login, county, users):
    day = build_day(county, users)
    for name in ROLES:
        user = day["people"][name]
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, user.username)
        expected = {queue.key: queue.count for queue in workbench.queues_for(user)}
        shown = {
            element.get_attribute("data-queue"): int(element.locator(".count").get_attribute("data-count"))
            for element in page.locator("[data-queue]").all()
        }
        assert shown == expected, name
        assert any(expected.values()) != (name in IDLE), (name, expected)  # the day gives the others work
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (name, width)
        screenshot(page, f"workbench-{name}")
        context.close()


def test_woodpecker_reads_its_notifications(live_server, phone_page, login, county, users):
    day = build_day(county, users)
    woodpecker = day["people"]["woodpecker_a"]
    login(phone_page, woodpecker.username)
    unread = woodpecker.notifications.filter(read_at__isnull=True).count()
    assert phone_page.locator("[data-unread-badge]").inner_text() == str(unread)  # on the top bar, menu closed
    phone_page.locator("a.notif").click()
    phone_page.wait_for_url(f"{live_server.url}/notifications/")
    assert phone_page.locator("text=已办结，请评价").count() == 1
    phone_page.locator("li.notification:has-text('已办结') button").click()
    phone_page.wait_for_url(f"{live_server.url}/woodpecker/clues/{day['clues']['resolved'].pk}/")
    assert woodpecker.notifications.filter(read_at__isnull=True).count() == unread - 1
    screenshot(phone_page, "notification-opened")
