"""The demo county's map in Chromium: Shishou's real outline cut into its townships, the clues the user may see as
points (as many as the chart holds), a heat layer, a tap drilling into a township, and a 390px phone without
horizontal scrolling. Screenshots are kept in test-artifacts/."""

import pytest
from django.core.management import call_command
from shapely.geometry import Point, shape

from accounts.models import User
from grid_woodpecker.models import Clue, Station
from organizations.demo import CITY_CODE
from organizations.models import OrganizationUnit, UnitBoundary
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POINTS_JS = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('unit-map'));
  const option = chart.getOption();
  const clues = option.series.filter((s) => s.id.startsWith('clues-')).reduce((n, s) => n + s.data.length, 0);
  const heat = option.series.filter((s) => s.type === 'heatmap').reduce((n, s) => n + s.data.length, 0);
  const stations = option.series.filter((s) => s.id === 'stations').reduce((n, s) => n + s.data.length, 0);
  return {clues, heat, stations, regions: option.geo[0].map};
}"""


def _login(page, url, username):
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Shishou@2024")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def _clues_in_scope(user, unit):
    return Clue.objects.restrict(user).filter(grid_path__startswith=unit.path, latitude__isnull=False).count()


def test_demo_county_map_with_clues_and_drill_down(live_server, page, phone_page):
    call_command("load_demo", quiet_users=True)
    city = OrganizationUnit.objects.get(code=CITY_CODE)
    # Every demo clue lies inside its grid's (drawn) outline, every station inside its unit's.
    outlines = {b.unit_id: shape(b.geometry).buffer(1e-6) for b in UnitBoundary.objects.all()}
    clues = list(Clue.objects.values_list("grid_id", "longitude", "latitude"))
    assert clues and all(outlines[g].contains(Point(float(x), float(y))) for g, x, y in clues)
    stations = list(Station.objects.values_list("unit_id", "longitude", "latitude"))
    assert all(outlines[u].contains(Point(float(x), float(y))) for u, x, y in stations)

    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "orgdept")
    page.goto(f"{live_server.url}/org/units/{city.pk}/")
    page.click("text=地图")
    page.wait_for_selector("#unit-map[data-state=ready] canvas")
    assert page.locator("#unit-map canvas").first.bounding_box()["width"] > 300
    orgdept = User.objects.get(username="orgdept")
    shown = page.evaluate(POINTS_JS)
    expected = _clues_in_scope(orgdept, city)
    assert shown["clues"] == shown["heat"] == expected == Clue.objects.count() > 300
    assert shown["stations"] == Station.objects.filter(latitude__isnull=False).count() > 30
    assert page.locator("#map-generated").is_visible()  # the townships are drawn, and the page says so
    screenshot(page, "unit-map-county")

    # Tap the township 东升镇 where it lies on the map: its own map opens.
    township = OrganizationUnit.objects.get(parent=city, name="东升镇")
    inside = shape(UnitBoundary.objects.get(unit=township).geometry).representative_point()
    x, y = page.evaluate(
        "([lng, lat]) => echarts.getInstanceByDom(document.getElementById('unit-map'))"
        ".convertToPixel({geoIndex: 0}, [lng, lat])",
        [inside.x, inside.y],
    )
    box = page.locator("#unit-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"{live_server.url}/woodpecker/map/{township.pk}/")
    page.wait_for_selector("#unit-map[data-state=ready] canvas")
    assert page.evaluate(POINTS_JS)["clues"] == _clues_in_scope(orgdept, township) > 0
    screenshot(page, "unit-map-township")
    assert errors == []

    # A community secretary on a phone: the community's grids and its station, no horizontal scrolling.
    _login(phone_page, live_server.url, "community")
    community = User.objects.get(username="community").role_assignments.get().unit
    phone_page.goto(f"{live_server.url}/woodpecker/map/{community.pk}/")
    phone_page.wait_for_selector("#unit-map[data-state=ready] canvas")
    shown = phone_page.evaluate(POINTS_JS)
    assert shown["clues"] == _clues_in_scope(User.objects.get(username="community"), community)
    assert shown["stations"] >= 1
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "unit-map-community-phone")
