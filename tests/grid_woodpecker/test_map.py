"""A unit's map: its data endpoint in the jurisdiction only (404 outside), the clues the user may see as points,
the stations; and the locate endpoint the sign-up asks which grid a point lies in."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from shapely.geometry import shape

from accounts.permissions import SYSTEM
from grid_woodpecker.models import Clue, StationKind
from grid_woodpecker.services.clues import clue_submit
from grid_woodpecker.services.stations import station_create
from organizations.models import UnitKind
from organizations.services import boundaries_store
from tests.factories import unit
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db

LOCATE = "/api/v1/organizations/locate/"


def box(x, y, w, h):
    return shape({"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]})


@pytest.fixture
def outlines(county):
    """Township A split in three columns (village A1, village A2, community A), each village's grid filling it."""
    items = [
        (county["township_a"], box(112.30, 29.70, 0.09, 0.03), False),
        (county["village_a1"], box(112.30, 29.70, 0.03, 0.03), False),
        (county["village_a2"], box(112.33, 29.70, 0.03, 0.03), False),
        (county["community_a"], box(112.36, 29.70, 0.03, 0.03), False),
        (county["grid_a1"], box(112.30, 29.70, 0.03, 0.03), True),
        (county["grid_ac"], box(112.36, 29.70, 0.03, 0.03), True),
        (county["township_b"], box(112.50, 29.70, 0.03, 0.03), False),
        (county["grid_b1"], box(112.50, 29.70, 0.03, 0.03), True),
    ]
    boundaries_store(items=items, source="test", actor=SYSTEM)


def _clue(world, lat, lng):
    return clue_submit(
        actor=world["wp_user"],
        category=world["category"],
        description="路灯不亮了请尽快修理",
        latitude=Decimal(lat),
        longitude=Decimal(lng),
        check_limits=False,
    )


def test_map_data_in_scope_with_child_outlines_clues_and_stations(client_for, county, users, wp_world, outlines):
    _clue(wp_world, "29.71", "112.37")
    _clue(wp_world, "29.72", "112.38")
    clue_submit(
        actor=wp_world["wp_user"], category=wp_world["category"], description="没有位置的线索", check_limits=False
    )
    station_create(
        unit=county["community_a"],
        name="甲社区红色蜂巢驿站",
        kind=StationKind.RED_BEEHIVE,
        latitude=Decimal("29.715"),
        longitude=Decimal("112.375"),
        actor=SYSTEM,
    )
    client = client_for(users["staff_a"])
    data = client.get(reverse("grid_woodpecker:unit_map_data", args=[county["township_a"].pk])).json()
    urls = {f["properties"]["name"]: f["properties"]["url"] for f in data["outlines"]["features"]}
    assert set(urls) == {"甲一村", "甲二村", "甲社区"}
    assert urls["甲一村"] == reverse("grid_woodpecker:unit_map", args=[county["village_a1"].pk])
    assert sorted(c[3] for c in data["clues"]) == sorted(
        Clue.objects.filter(latitude__isnull=False).values_list("pk", flat=True)
    )
    assert {c[2] for c in data["clues"]} == {"submitted"} and not data["truncated"] and not data["generated"]
    assert [s["name"] for s in data["stations"]] == ["甲社区红色蜂巢驿站"]
    # A community's map draws its grids (drawn ones: the page says so).
    community = client.get(reverse("grid_woodpecker:unit_map_data", args=[county["community_a"].pk])).json()
    assert [f["properties"]["name"] for f in community["outlines"]["features"]] == ["甲社区一网格"]
    assert community["generated"] and len(community["clues"]) == 2 and len(community["stations"]) == 1
    # A grid has no children: its own outline.
    grid = client.get(reverse("grid_woodpecker:unit_map_data", args=[county["grid_ac"].pk])).json()
    assert [f["id"] for f in grid["outlines"]["features"]] == [county["grid_ac"].pk]
    page = client.get(reverse("grid_woodpecker:unit_map", args=[county["township_a"].pk]))
    assert page.status_code == 200 and "甲镇地图" in page.content.decode()


def test_map_outside_the_jurisdiction_is_not_found(client_for, county, users, wp_world, outlines):
    _clue(wp_world, "29.71", "112.37")
    client = client_for(users["staff_b"])
    for name in ("grid_woodpecker:unit_map", "grid_woodpecker:unit_map_data"):
        assert client.get(reverse(name, args=[county["township_a"].pk])).status_code == 404
        assert client.get(reverse(name, args=[987654])).status_code == 404
    # The city's staff see township B's outline beside A's, but a village secretary only what is theirs.
    city = client_for(users["city_staff"]).get(reverse("grid_woodpecker:unit_map_data", args=[county["city"].pk]))
    assert {f["properties"]["name"] for f in city.json()["outlines"]["features"]} == {"甲镇", "乙街道"}
    secretary = client_for(users["secretary_a1"])
    assert secretary.get(reverse("grid_woodpecker:unit_map_data", args=[county["township_a"].pk])).status_code == 404
    assert secretary.get(reverse("grid_woodpecker:unit_map_data", args=[county["village_a1"].pk])).json()["clues"] == []


def test_woodpecker_sees_only_their_own_clues(client_for, county, users, wp_world, outlines):
    mine = _clue(wp_world, "29.71", "112.37")
    other = helpers.woodpecker(county["grid_ac"])
    clue_submit(
        actor=other.user,
        category=wp_world["category"],
        description="别人的线索内容描述",
        latitude=Decimal("29.72"),
        longitude=Decimal("112.37"),
        check_limits=False,
    )
    data = client_for(wp_world["wp_user"]).get(reverse("grid_woodpecker:unit_map_data", args=[county["grid_ac"].pk]))
    assert [c[3] for c in data.json()["clues"]] == [mine.pk]


def test_locate_finds_the_grid_and_its_community_and_township(county, outlines):
    api = APIClient()  # anonymous: the sign-up asks before there is an account
    response = api.get(LOCATE, {"lat": "29.715", "lng": "112.375"})
    assert response.status_code == 200
    assert response.json() == {
        "grid": {"id": county["grid_ac"].pk, "name": "甲社区一网格", "code": county["grid_ac"].code, "kind": "grid"},
        "community": {"id": county["community_a"].pk, "name": "甲社区", "code": "COMA00001", "kind": "community"},
        "township": {"id": county["township_a"].pk, "name": "甲镇", "code": "TOWNA0001", "kind": "township"},
    }
    assert api.get(LOCATE, {"lat": "29.715", "lng": "112.315"}).json()["grid"]["id"] == county["grid_a1"].pk


def test_locate_answers_404_outside_every_grid_and_400_for_bad_input(county, outlines):
    api = APIClient()
    outside = api.get(LOCATE, {"lat": "29.715", "lng": "112.345"})  # village A2 has no grid outline
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    for params in ({}, {"lat": "abc", "lng": "112"}, {"lat": "91", "lng": "112"}, {"lat": "nan", "lng": "1"}):
        response = api.get(LOCATE, params)
        assert response.status_code == 400, params
    # An inactive grid is not proposed.
    county["grid_ac"].is_active = False
    county["grid_ac"].save()
    assert api.get(LOCATE, {"lat": "29.715", "lng": "112.375"}).status_code == 404


def test_locate_is_throttled_per_address(county, outlines, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "locate": "2/minute"}}
    api = APIClient()
    codes = [api.get(LOCATE, {"lat": "29.715", "lng": "112.375"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_station_coordinates_come_in_pairs(county):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        station_create(
            unit=unit("坐标测试社区", UnitKind.COMMUNITY, county["township_a"]),
            name="驿站",
            kind=StationKind.RED_BEEHIVE,
            latitude=Decimal("29.7"),
            actor=SYSTEM,
        )
