"""Dashboards read stored figures: the page and the API answer with as many queries for a unit with one child as for
one with many, and with as many indicators as with more, at every level (the root, a township, a village); the
completeness is counted, not loaded, and the API names the units not reporting once, page by page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from goals import indicators as registry
from goals import services
from organizations.models import DemonstrationTitleKind as T
from organizations.models import UnitKind
from tests.factories import unit, user_with_role

from .conftest import grant

pytestmark = pytest.mark.django_db

YEAR = 2024


def build(name: str, width: int) -> dict:
    """A city with `width` townships of `width` villages (and a grid each), some titled: figures everywhere."""
    city = unit(f"{name}市", UnitKind.CITY, None)
    tree = {"city": city}
    for t in range(width):
        township = unit(f"{name}镇{t}", UnitKind.TOWNSHIP, city)
        tree.setdefault("township", township)
        for v in range(width):
            village = unit(f"{name}村{t}{v}", UnitKind.VILLAGE, township)
            unit(f"{name}网格{t}{v}", UnitKind.GRID, village)
            tree.setdefault("village", village)
            if v % 2 == 0:
                grant(village, YEAR, T.VILLAGE)
    tree["user"] = user_with_role(f"{name}_org", Role.ORG_DEPARTMENT, city, staff=True)
    return tree


@pytest.fixture
def trees():
    small, large = build("小", 1), build("大", 6)
    services.rollup_year(year=YEAR)
    return small, large


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def page(u):
    return f"/goals/units/{u.pk}/?year={YEAR}"


def api(u):
    return f"/api/v1/goals/dashboard/{u.pk}/?year={YEAR}"


@pytest.fixture
def more_indicators():
    """Three more computable indicators (of an existing source): reading them costs no more queries."""
    keys = [f"test_more_{i}" for i in range(3)]
    for key in keys:
        registry.register(
            registry.Indicator(key, key, registry.Measure.COUNT, registry.Aggregation.SUM, "cadres", lambda s, y: {})
        )
    yield keys
    for key in keys:
        registry.unregister(key)


@pytest.mark.parametrize("level", ["city", "township", "village"])
def test_dashboard_queries_do_not_grow_with_children_or_indicators(trees, level, client_for, api_for, request):
    small, large = trees
    for tree in trees:  # warm the caches (content types, templates, the user's scope kept on its object)
        client_for(tree["user"]).get(page(tree[level]))
        api_for(tree["user"]).get(api(tree[level]))
    counts = {}
    for label, tree in (("small", small), ("large", large)):
        client, api_client = client_for(tree["user"]), api_for(tree["user"])
        counts[label] = (count_queries(client, page(tree[level])), count_queries(api_client, api(tree[level])))
    assert counts["small"] == counts["large"], counts
    request.getfixturevalue("more_indicators")
    services.rollup_year(year=YEAR, source="cadres")
    client, api_client = client_for(large["user"]), api_for(large["user"])
    assert (count_queries(client, page(large[level])), count_queries(api_client, api(large[level]))) == counts["large"]


def test_api_names_the_missing_units_once_page_by_page(trees, api_for):
    _small, large = trees
    client = api_for(large["user"])
    body = client.get(api(large["city"])).json()
    assert all("units_missing" not in row for row in body["indicators"])
    by_source = {c["source"]: c for c in body["completeness"]}
    assert by_source["organizations"] == {
        **by_source["organizations"],
        "units_expected": 36,
        "units_reported": 0,
        "units_missing": 36,
    }
    assert len(body["completeness"]) == len({i.source for i in registry.all_indicators() if i.has_source})
    missing = client.get(
        f"/api/v1/goals/dashboard/{large['city'].pk}/missing/",
        {"year": YEAR, "source": "organizations", "page_size": 10},
    ).json()
    assert missing["count"] == 36 and len(missing["results"]) == 10
    assert {"id", "code", "name", "kind"} == set(missing["results"][0])
    bad = client.get(f"/api/v1/goals/dashboard/{large['city'].pk}/missing/", {"year": YEAR, "source": "nope"})
    assert bad.status_code == 400 and "source" in str(bad.json())


def test_page_names_a_bounded_list_and_links_to_every_missing_unit(trees, client_for, monkeypatch):
    from goals import selectors

    monkeypatch.setattr(selectors, "MISSING_SHOWN", 5)
    _small, large = trees
    client = client_for(large["user"])
    response = client.get(page(large["city"]))
    completeness = {key: c for _label, key, c in response.context["sources"]}["organizations"]
    assert (completeness.expected, completeness.missing_count) == (36, 36)
    assert len(completeness.missing) <= selectors.MISSING_SHOWN
    link = f"/goals/units/{large['city'].pk}/missing/?year={YEAR}&amp;source=organizations"
    assert link in response.content.decode()
    listed = client.get(f"/goals/units/{large['city'].pk}/missing/", {"year": YEAR, "source": "organizations"})
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 36
    assert "尚未报送" in listed.content.decode()
    assert client.get(f"/goals/units/{large['city'].pk}/missing/", {"source": "nope"}).status_code == 400


def test_completeness_is_counted_in_one_query(trees, django_assert_num_queries):
    from goals import selectors

    _small, large = trees
    with django_assert_num_queries(1):
        result = selectors.completeness_by_source(
            unit=large["city"], year=YEAR, sources=["organizations", "collective_economy", "cadres"]
        )
    assert {key: (c.expected, c.reported) for key, c in result.items()} == {
        "organizations": (36, 0),
        "collective_economy": (36, 0),
        "cadres": (36, 0),
    }
    assert Decimal(result["organizations"].percent) == 0
