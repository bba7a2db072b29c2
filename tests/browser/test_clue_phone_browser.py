"""On a 390×844 phone: a woodpecker taps "上报问题" on the home page, fills the location with "使用我的位置" (the
geolocation granted to the browser), attaches a photo and files the clue; with the location refused the page says so
in Chinese and the clue is still filed without it; "我的线索" shows each clue as a card with its excerpt, its
thumbnail, its status and 待您评价."""

import pytest
from playwright.sync_api import expect

from grid_woodpecker.models import Clue, ClueStatus
from grid_woodpecker.services.clues import clue_accept, clue_resolve, clue_submit
from tests.browser.conftest import screenshot
from tests.browser.test_woodpecker_browser import png_bytes
from tests.factories import user_with_role
from tests.grid_woodpecker import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"locale": "zh-CN", "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WHERE = {"latitude": 29.7215033, "longitude": 112.4028117}  # Shishou


@pytest.fixture
def located_phone(browser, live_server):
    context = browser.new_context(**PHONE, permissions=["geolocation"], geolocation=WHERE)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def refusing_phone(browser):
    context = browser.new_context(**PHONE)  # no geolocation permission: the browser refuses
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_woodpecker_files_a_clue_with_location_and_camera_photo(live_server, located_phone, login, county):
    category = helpers.category(county["city"], name="路灯损坏")
    helpers.woodpecker(county["grid_ac"], username="xiaozhang", name="小张")
    page = located_phone
    login(page, "xiaozhang")

    page.click("#shortcut-clue_new")  # one tap from home
    page.wait_for_url("**/woodpecker/clues/new/")
    assert page.is_visible("#id_latitude") and page.is_visible("#id_longitude")
    photos = page.locator("#id_photos")
    assert photos.get_attribute("capture") == "environment" and photos.get_attribute("accept") == "image/*"
    assert photos.get_attribute("multiple") is not None

    page.click("#locate")
    expect(page.locator("#id_latitude")).not_to_have_value("")
    assert page.input_value("#id_latitude") == "29.721503"
    assert page.input_value("#id_longitude") == "112.402812"
    assert "已填入您的位置" in page.inner_text("#located")

    page.select_option("#id_category", label=category.name)
    page.fill("#id_description", "小区东门路灯不亮，晚上很黑")
    page.set_input_files("#id_photos", files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": png_bytes()}])
    assert page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling
    screenshot(page, "woodpecker-clue-form-located-phone")
    page.click("#clue-form button[type=submit]")
    page.wait_for_url("**/woodpecker/clues/*/")
    clue = Clue.objects.get()
    assert (str(clue.latitude), str(clue.longitude)) == ("29.721503", "112.402812")
    assert clue.photos.count() == 1 and clue.status == ClueStatus.SUBMITTED


def test_refused_location_says_so_and_the_clue_is_filed_without_it(live_server, refusing_phone, login, county):
    category = helpers.category(county["city"], name="路灯损坏")
    helpers.woodpecker(county["grid_ac"], username="xiaowang", name="小王")
    page = refusing_phone
    login(page, "xiaowang")
    page.goto(f"{live_server.url}/woodpecker/clues/new/")
    page.click("#locate")
    expect(page.locator("#located")).not_to_be_empty()
    expect(page.locator("#located")).not_to_have_attribute("data-state", "locating")
    message = page.inner_text("#located")
    assert "未获准使用您的位置" in message or "暂时无法获取您的位置" in message
    assert page.input_value("#id_latitude") == ""
    page.select_option("#id_category", label=category.name)
    page.fill("#id_description", "楼道堆满杂物，影响通行")
    page.click("#clue-form button[type=submit]")
    page.wait_for_url("**/woodpecker/clues/*/")
    clue = Clue.objects.get()
    assert clue.latitude is None and clue.longitude is None


def test_my_clues_are_cards_with_excerpt_thumbnail_status_and_awaiting_rating(live_server, phone_page, login, county):
    from accounts.roles import Role

    category = helpers.category(county["city"], name="路灯损坏")
    woodpecker = helpers.woodpecker(county["grid_ac"], username="xiaochen", name="小陈")
    worker = user_with_role("wangge", Role.GRID_WORKER, county["grid_ac"])
    long_text = "小区东门路灯不亮已经三天了，晚上出入很不方便，老人孩子容易摔倒，请尽快派人修理。" * 2
    pictured = clue_submit(
        actor=woodpecker.user,
        category=category,
        description=long_text,
        photos=[helpers.png_upload()],
        check_limits=False,
    )
    resolved = clue_submit(
        actor=woodpecker.user, category=category, description="垃圾桶满了没人清理", check_limits=False
    )
    clue_accept(clue=resolved, actor=worker)
    clue_resolve(clue=resolved, resolution="已清运", actor=worker)

    page = phone_page
    login(page, "xiaochen")
    page.goto(f"{live_server.url}/woodpecker/me/")
    first = page.locator("#my-clues li.clue-card").first
    assert first.get_attribute("data-clue") == str(resolved.pk)  # the one waiting for the rating comes first
    assert "待您评价" in first.inner_text() and "已办结" in first.inner_text()
    card = page.locator(f"#my-clues li[data-clue='{pictured.pk}']")
    text = card.inner_text()
    assert long_text[:20] in text and long_text not in text and "待您评价" not in text
    thumb = card.locator("img.thumb")
    thumb.wait_for()
    expect(thumb).to_have_js_property("complete", True)
    assert thumb.evaluate("img => img.naturalWidth") > 0  # the scoped photo view served it
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    screenshot(page, "woodpecker-my-clues-phone")
