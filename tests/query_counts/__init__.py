"""Exact query-count baselines for every list page and list endpoint (the NetBox / Zulip idea).

`list_routes()` enumerates, from the URL configuration (tests/sweep.py), every page route and every API route that
takes no URL argument and answers GET: the list pages, dashboards and forms of the portal and every list endpoint
of the API routers. `measure()` requests one as the representative user (township staff of township A, on the
sweep's standard world) and captures the queries. The expected numbers live in one JSON file per app in this
directory (`<app>.json`: {"GET /api/v1/...": 7}); a route without a number fails, so a new list route must get one.

Refresh the files after an intended change with:

    pytest tests/test_query_counts.py --update-query-counts
"""

import json
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import sweep

HERE = Path(__file__).parent

# Parameterless GET routes that are not lists: signing out, the OpenAPI schema and its two HTML viewers (whose
# counts are the schema generator's, not a page's), the API roots (no query at all beyond the session) and the OAuth2
# token endpoint (POST only: a GET is 405).
SKIPPED = {"logout", "schema", "api-docs", "api-redoc", "api-root", "api-token-rotate", "oauth-token"}


def list_routes() -> list[sweep.Route]:
    """Every page or API route without URL arguments (format-suffix twins aside) that answers GET."""
    chosen = []
    for route in sweep.all_routes():
        if route.kind not in ("page", "api") or route.kwargs or route.name in SKIPPED:
            continue
        if "GET" not in route.methods:
            continue
        chosen.append(route)
    return chosen


def key(route: sweep.Route) -> str:
    return f"GET {sweep.build_url(route, {})}"


def app_of(route: sweep.Route) -> str:
    """The app whose file holds the route's baseline: the API path's app segment or the page's namespace."""
    path = sweep.build_url(route, {})
    if path.startswith("/api/v1/"):
        return path.split("/")[3]
    return route.name.split(":")[0] if ":" in route.name else "core"


def load() -> dict[str, int]:
    counts = {}
    for path in sorted(HERE.glob("*.json")):
        counts.update(json.loads(path.read_text()))
    return counts


def save(measured: dict[sweep.Route, int]) -> None:
    by_app: dict[str, dict[str, int]] = {}
    for route, count in measured.items():
        by_app.setdefault(app_of(route), {})[key(route)] = count
    for path in HERE.glob("*.json"):
        if path.stem not in by_app:
            path.unlink()
    for app, counts in by_app.items():
        (HERE / f"{app}.json").write_text(json.dumps(dict(sorted(counts.items())), indent=2, ensure_ascii=False) + "\n")


def measure(client, route: sweep.Route) -> tuple[int, list[str], int]:
    """(number of queries, their SQL, status) of one GET of `route`, after a first GET that warms the session and
    the per-process caches (content types, the site), so the number is the request's own."""
    url = sweep.build_url(route, {})
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries], response.status_code


def describe(sql: list[str]) -> str:
    return "\n".join(f"    {i}. {q}" for i, q in enumerate(sql, 1))
