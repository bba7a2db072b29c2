"""Dashboard pages, export, completeness and the API, each limited to the user's jurisdiction."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from accounts.permissions import SYSTEM
from goals import selectors, services
from organizations.models import DemonstrationTitleKind as T

from .conftest import grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(county):
    grant(county["village_a1"], 2024, T.VILLAGE)
    grant(county["village_b1"], 2024, T.VILLAGE)
    services.rollup_year(year=2024)
    return county


def dashboard(unit, suffix="", year=2024):
    return f"/goals/units/{unit.pk}/{suffix}?year={year}"


def test_city_dashboard_shows_figures_children_ranked_and_computed_time(computed, users, client_for, pending_indicator):
    response = client_for(users["city_staff"]).get(dashboard(computed["city"]) + "&rank=demonstration_villages")
    assert response.status_code == 200
    body = response.content.decode()
    assert "暂无数据来源" in body  # an indicator whose source app has not landed
    assert "数据计算时间" in body and response.context["computed_at"] is not None
    children = [child for child, _values in response.context["children"]]
    assert children == [computed["township_a"], computed["township_b"]] or children == [
        computed["township_b"],
        computed["township_a"],
    ]
    assert computed["agency"] not in children
    assert f"/goals/units/{computed['township_a'].pk}/?year=2024" in body  # drill-down
    assert "echarts.min.js" in body and "goal-chart" in body


def test_children_ranked_by_chosen_indicator(county, users, client_for):
    grant(county["village_b1"], 2024, T.VILLAGE)
    grant(county["township_b"], 2024, T.STREET)
    services.rollup_year(year=2024)
    response = client_for(users["city_staff"]).get(dashboard(county["city"]) + "&rank=demonstration_streets")
    assert [child for child, _v in response.context["children"]][0] == county["township_b"]


def test_township_user_sees_own_and_villages_dashboards_never_a_sibling(computed, users, client_for):
    client = client_for(users["staff_a"])
    assert client.get(dashboard(computed["township_a"])).status_code == 200
    assert client.get(dashboard(computed["village_a1"])).status_code == 200
    for unit in (computed["township_b"], computed["village_b1"], computed["city"]):
        for suffix in ("", "print/", "export.xlsx", "targets/"):
            assert client.get(dashboard(unit, suffix)).status_code == 404, (unit, suffix)
    assert client.get("/goals/").url == f"/goals/units/{computed['township_a'].pk}/"


def test_api_rollups_for_a_unit_and_year_limited_to_jurisdiction(computed, users, api_for):
    api = api_for(users["staff_a"])
    own = api.get("/api/v1/goals/rollups/", {"unit_code": computed["township_a"].code, "year": 2024}).json()
    assert {row["indicator"]: row["value"] for row in own["results"]}["demonstration_villages"] == "1.00"
    other = api.get("/api/v1/goals/rollups/", {"unit_code": computed["township_b"].code, "year": 2024}).json()
    assert other["count"] == 0
    city = api_for(users["city_staff"]).get("/api/v1/goals/rollups/", {"unit": computed["city"].pk, "year": 2024})
    assert {row["indicator"]: row["value"] for row in city.json()["results"]}["demonstration_villages"] == "2.00"


def test_api_lists_every_indicator_with_its_source_state(users, api_for, pending_indicator):
    rows = api_for(users["external"]).get("/api/v1/goals/indicators/").json()
    by_key = {row["key"]: row for row in rows}
    assert by_key["demonstration_villages"]["has_source"] is True
    assert by_key["clue_closure_rate"] == {**by_key["clue_closure_rate"], "has_source": True, "aggregation": "ratio"}
    assert by_key["test_pending"]["has_source"] is False
    assert api_for(users["external"]).get("/api/v1/goals/indicators/nope/").status_code == 404


def test_missing_units_are_listed(computed, users, client_for):
    services.report_confirm(source="organizations", unit=computed["village_a1"], year=2024, actor=users["secretary_a1"])
    c = selectors.completeness(unit=computed["township_a"], year=2024, source="organizations")
    assert (c.expected, c.reported) == (3, 1)
    assert c.missing == [computed["village_a2"], computed["community_a"]]
    city = selectors.completeness(unit=computed["city"], year=2024, source="organizations")
    assert (city.expected, city.reported) == (4, 1)
    body = client_for(users["staff_a"]).get(dashboard(computed["township_a"])).content.decode()
    assert "尚未报送" in body and computed["village_a2"].name in body and computed["community_a"].name in body


def test_secretary_confirms_only_own_village(computed, users, client_for):
    with pytest.raises(PermissionDenied):
        services.report_confirm(
            source="organizations", unit=computed["village_a2"], year=2024, actor=users["secretary_a1"]
        )
    client = client_for(users["secretary_a1"])
    response = client.post(dashboard(computed["village_a1"], "confirm/"), {"source": "organizations"})
    assert response.status_code == 302
    c = selectors.completeness(unit=computed["village_a1"], year=2024, source="organizations")
    assert (c.expected, c.reported, c.missing) == (1, 1, [])
    assert client.post(dashboard(computed["village_a2"], "confirm/"), {"source": "organizations"}).status_code == 404


def test_excel_export_has_the_same_figures(computed, users, client_for, pending_indicator):
    response = client_for(users["city_staff"]).get(dashboard(computed["city"], "export.xlsx"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    sheet = book.worksheets[0]
    values = {row[0]: row[2] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert values["示范村"] == 2
    assert "暂无数据来源" in {row[6] for row in sheet.iter_rows(min_row=5, values_only=True)}


def test_printable_view_has_print_css_and_no_navigation(computed, users, client_for):
    body = client_for(users["city_staff"]).get(dashboard(computed["city"], "print/")).content.decode()
    assert "goals/print.css" in body and "mainnav" not in body and "示范村" in body


def test_dashboard_query_count_does_not_grow_with_children(computed, users, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.models import UnitKind
    from tests.factories import unit

    client = client_for(users["city_staff"])
    client.get(dashboard(computed["city"]))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(dashboard(computed["city"])).status_code == 200
        return len(queries)

    before = count()
    township = unit("丙镇", UnitKind.TOWNSHIP, computed["city"])
    for i in range(3):
        unit(f"丙{i}村", UnitKind.VILLAGE, township)
    services.rollup_year(year=2024)
    assert count() == before <= 25


def test_api_dashboard_serves_what_the_page_shows(computed, users, api_for, pending_indicator):
    services.target_set(indicator="demonstration_villages", unit=computed["city"], year=2024, value=2, actor=SYSTEM)
    api = api_for(users["external"])
    body = api.get(f"/api/v1/goals/dashboard/{computed['city'].pk}/", {"year": 2024}).json()
    rows = {row["key"]: row for row in body["indicators"]}
    assert rows["demonstration_villages"] | {} == {
        **rows["demonstration_villages"],
        "value": "2.00",
        "target": "2.00",
        "status": "met",
        "units_expected": 4,
        "units_reported": 0,
    }
    assert rows["test_pending"]["status"] == "no_data" and rows["test_pending"]["value"] is None
    assert body["computed_at"] is not None
    staff_a = api_for(users["staff_a"])
    assert staff_a.get(f"/api/v1/goals/dashboard/{computed['township_b'].pk}/").status_code == 404
    assert staff_a.get(f"/api/v1/goals/dashboard/{computed['township_a'].pk}/").status_code == 200


def test_nightly_full_recompute_is_scheduled():
    from dangjian.celery import app

    entry = app.conf.beat_schedule["goals: nightly full recompute"]
    assert entry["task"] == "goals.recompute_year"


def test_every_beat_entry_names_a_registered_task():
    from dangjian.celery import app

    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert {"woodpecker: yellow/red cards for overdue clues", "goals: nightly full recompute"} <= set(schedule)
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
