"""Exact query counts of every list page and list endpoint, and the N+1 guard.

- `test_query_counts_match_baselines`: each route's count, for township staff of township A on the sweep's standard
  world, equals the number in tests/query_counts/<app>.json. A change prints the queries; refresh the files with
  `pytest tests/test_query_counts.py --update-query-counts` when the change is intended.
- `test_query_counts_do_not_grow_with_rows`: the same routes after four more objects of every scoped model in
  township A answer with exactly as many queries as before — a count that grows with the rows is an N+1.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from rest_framework.test import APIClient

from tests import query_counts, sweep
from tests.scope import all_cases

ROUTES = query_counts.list_routes()


@pytest.fixture
def world(db):
    return sweep.build_world()


def _client(world):
    client = APIClient()
    client.force_login(world.users["staff_a"])
    return client


def _measure_all(world) -> dict:
    client = _client(world)
    return {route: query_counts.measure(client, route) for route in ROUTES}


def test_every_list_route_is_measured():
    """The enumeration is not blind: the API's list endpoints and the portal's list pages are all in it."""
    names = {route.name for route in ROUTES}
    assert {"task-list", "clue-list", "person-list", "unit-list", "target-list"} <= names
    assert {"cadres:person_list", "grid_woodpecker:clue_list", "collective_economy:projects"} <= names
    assert all(not route.kwargs for route in ROUTES)


def test_query_counts_match_baselines(world, request):
    measured = _measure_all(world)
    if request.config.getoption("update_query_counts"):
        query_counts.save({route: count for route, (count, _sql, _status) in measured.items()})
    baselines = query_counts.load()
    problems = []
    for route, (count, sql, status) in measured.items():
        if status >= 500:
            problems.append(f"{query_counts.key(route)}: status {status}")
        expected = baselines.get(query_counts.key(route))
        if expected is None:
            problems.append(f"{query_counts.key(route)}: no baseline (run with --update-query-counts)")
        elif count != expected:
            problems.append(
                f"{query_counts.key(route)}: {count} queries, baseline {expected}:\n{query_counts.describe(sql)}"
            )
    stale = set(baselines) - {query_counts.key(route) for route in ROUTES}
    problems += [f"{k}: baseline of a route that no longer exists" for k in sorted(stale)]
    assert not problems, "\n".join(problems)


def _more_rows(world, n=4):
    """`n` more objects of every scoped model in township A, through the cases' own builders (a builder that
    cannot run again in the township, such as one scheme per township and year, adds what it can)."""
    for case in all_cases():
        for _ in range(n):
            try:
                sweep.in_township_a(
                    case.unit_key_in, world.county, lambda unit, c=case: c.make(world.county, world.users, unit)
                )
            except (ValidationError, IntegrityError):
                break


def test_query_counts_do_not_grow_with_rows(world):
    before = _measure_all(world)
    _more_rows(world)
    after = _measure_all(world)
    problems = []
    for route in ROUTES:
        (few, _sql, _s), (many, sql, _status) = before[route], after[route]
        if many != few:
            problems.append(
                f"{query_counts.key(route)}: {few} queries with one row, {many} with five:\n"
                + query_counts.describe(sql)
            )
    assert not problems, "\n".join(problems)
