import pytest

from accounts.permissions import SYSTEM
from goals import services
from organizations.models import DemonstrationTitleKind as T
from organizations.services import demonstration_title_grant
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_dashboard_drills_into_township_with_charts_and_table(live_server, page, login, county, users):
    for key, year in [("village_a1", 2023), ("village_a1", 2024), ("village_b1", 2024)]:
        demonstration_title_grant(party_org=county[key].party_org, year=year, title=T.VILLAGE, actor=SYSTEM)
    for year in (2023, 2024):
        services.rollup_year(year=year)
    services.target_set(indicator="demonstration_villages", unit=county["city"], year=2024, value=3, actor=SYSTEM)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    login(page, "city_staff")
    page.click("nav.mainnav >> text=年度目标")
    page.wait_for_selector(".goal-chart[data-key='demonstration_villages'] canvas")
    assert "测试市" in page.locator("h1").inner_text()
    row = page.locator("tr[data-indicator='demonstration_villages']")
    assert "2" in row.inner_text() and "进度滞后" in row.inner_text()
    table = page.locator("#children-table tbody tr")
    assert table.count() == 2
    screenshot(page, "goals-dashboard-city")

    page.locator("#children-table a", has_text="甲镇").click()
    page.wait_for_url(f"{live_server.url}/goals/units/{county['township_a'].pk}/?year=2024")
    page.wait_for_selector(".goal-chart[data-key='demonstration_villages'] canvas")
    assert "甲镇" in page.locator("h1").inner_text()
    assert set(page.locator("#children-table tbody tr td:nth-child(2)").all_inner_texts()) == {
        "甲一村",
        "甲二村",
        "甲社区",
    }
    assert page.locator(".goal-chart canvas").count() >= 9
    screenshot(page, "goals-dashboard-township")
    assert errors == []


def test_township_dashboard_fits_a_phone(live_server, phone_page, login, county, users):
    demonstration_title_grant(party_org=county["village_a1"].party_org, year=2024, title=T.VILLAGE, actor=SYSTEM)
    services.rollup_year(year=2024)
    login(phone_page, "staff_a")
    phone_page.goto(f"{live_server.url}/goals/")
    phone_page.wait_for_selector(".goal-chart canvas")
    assert "甲镇" in phone_page.locator("h1").inner_text()
    page_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390 + 1  # wide tables scroll inside their .table-wrap, not the page
    screenshot(phone_page, "goals-dashboard-phone")


def _bar_point(page, selector, data_index, value_axis="x"):
    """Page coordinates of the middle of bar `data_index` of the first series of the ECharts chart in `selector`."""
    point = page.evaluate(
        """([selector, index, valueAxis]) => {
            const box = document.querySelector(selector);
            box.scrollIntoView({ block: "center" });
            const chart = echarts.getInstanceByDom(box);
            const value = chart.getOption().series[0].data[index];
            const pair = valueAxis === "x" ? [value / 2, index] : [index, value / 2];
            const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, pair);
            const rect = box.getBoundingClientRect();
            return { x: rect.left + x, y: rect.top + y };
        }""",
        [selector, data_index, value_axis],
    )
    return point["x"], point["y"]


def test_clicking_a_childs_bar_drills_down_and_a_year_bar_opens_that_year(
    live_server, phone_page, login, county, users
):
    page = phone_page
    for key, year in [("village_a1", 2023), ("village_a1", 2024), ("village_a2", 2024), ("village_b1", 2024)]:
        demonstration_title_grant(party_org=county[key].party_org, year=year, title=T.VILLAGE, actor=SYSTEM)
    for year in (2023, 2024):
        services.rollup_year(year=year)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "city_staff")
    page.goto(f"{live_server.url}/goals/units/{county['city'].pk}/?year=2024&rank=demonstration_villages")
    chart = ".goal-children-chart[data-ready]"
    page.wait_for_selector(f"{chart} canvas")
    # The children's names fit beside their bars on a 390-px phone: the grid leaves them room inside the chart.
    room = page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector);
            const grid = echarts.getInstanceByDom(box).getModel().getComponent("grid").coordinateSystem.getRect();
            return { left: grid.x, right: grid.x + grid.width, width: box.clientWidth };
        }""",
        chart,
    )
    assert room["left"] >= 30 and room["right"] <= room["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "goals-dashboard-children-chart-phone")
    # Township A holds two demonstration villages, street B one: A's bar comes first and opens A's dashboard.
    page.mouse.click(*_bar_point(page, chart, 0))
    page.wait_for_url(f"{live_server.url}/goals/units/{county['township_a'].pk}/?year=2024")
    assert "甲镇" in page.locator("h1").inner_text()
    # On the township's own chart over the years, the 2023 bar opens the 2023 dashboard.
    year_chart = ".goal-chart[data-key='demonstration_villages']"
    page.wait_for_selector(f"{year_chart} canvas")
    years = page.evaluate("JSON.parse(document.getElementById('goal-chart-data').textContent).years")
    page.mouse.click(*_bar_point(page, year_chart, years.index(2023), value_axis="y"))
    page.wait_for_url(f"{live_server.url}/goals/units/{county['township_a'].pk}/?year=2023")
    assert errors == []
