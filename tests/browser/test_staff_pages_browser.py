"""On a 390-px phone, township staff open a station, put goods on its shelf and grant a demonstration title from the
menu — no Django admin, no sideways scrolling."""

import pytest

from grid_woodpecker.models import Goods, Station
from organizations.models import DemonstrationTitle
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling


def test_staff_keep_stations_goods_and_titles_on_a_phone(live_server, phone_page, login, county, users):
    page = phone_page
    login(page, "staff_a")
    page.goto(f"{live_server.url}/woodpecker/stations/")
    assert "站点管理" in page.title()
    page.click("a[href='/woodpecker/stations/new/']")
    _fits(page)
    assert "开放中" not in page.inner_text("form.form")  # a new station is open: no such box
    page.select_option("#id_unit", str(county["village_a1"].pk))
    page.fill("#id_name", "甲一村红色蜂巢")
    page.select_option("#id_kind", "red_beehive")
    page.click("button.primary")
    page.wait_for_selector(".msg-success")
    station = Station.objects.get(name="甲一村红色蜂巢")
    _fits(page)
    screenshot(page, "staff-station-edit-phone")

    page.goto(f"{live_server.url}/woodpecker/goods/new/")
    page.select_option("#id_station", str(station.pk))
    page.fill("#id_name", "洗衣液")
    page.fill("#id_price_yuan", "5")
    page.fill("#id_stock", "3")
    page.click("button.primary")
    page.wait_for_selector(".msg-success")
    goods = Goods.objects.get(name="洗衣液")
    assert page.locator(f"a[href='/woodpecker/counter/{station.pk}/']").count() == 1  # the stock: at the counter
    _fits(page)
    assert goods.stock == 3

    page.goto(f"{live_server.url}/org/titles/new/")
    _fits(page)
    page.select_option("#id_unit", str(county["village_a1"].pk))
    page.select_option("#id_title", "village")
    page.fill("#id_year", "2024")
    page.click("button.primary")
    page.wait_for_selector(".msg-success")
    assert DemonstrationTitle.objects.filter(party_org__unit=county["village_a1"], year=2024).exists()
    page.goto(f"{live_server.url}/org/titles/")
    _fits(page)
    assert "示范村" in page.inner_text("#records")
    screenshot(page, "staff-titles-phone")
