"""core.paginator: a narrow scope's page is sorted from the scope's own rows; a broad one walks the key's index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cadres import helpers as h

pytestmark = pytest.mark.django_db
LIST = "/api/v1/cadres/members/"


def _page(api, user):
    with CaptureQueriesContext(connection) as queries:
        response = api(user).get(LIST, {"page_size": 5})
    assert response.status_code == 200
    page = [row["id"] for row in response.json()["results"]]
    sql = [
        q["sql"] for q in queries.captured_queries if 'FROM "cadres_partymember"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    return page, sql[-1]


def test_a_narrow_scope_sorts_its_own_rows_and_a_broad_one_walks_the_key(county, users, api_for):
    for index in range(12):
        h.member(county["village_a1"], f"甲镇党员{index}")
    outside = [h.member(county["village_b1"], "乙镇党员").pk]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cadres_partymember")  # the planner's row count, which the paginator reads
    # Township B holds 1 of 13 members: its page is sorted from its own rows (no index gives "id + 0").
    page, sql = _page(api_for, users["staff_b"])
    assert page == outside and "+ 0" in sql
    # Township A holds 12 of 13: the page walks the primary key, in the same order.
    page, sql = _page(api_for, users["staff_a"])
    assert page == sorted(page) and len(page) == 5 and "+ 0" not in sql


def test_a_count_past_the_exact_limit_says_it_is_an_estimate(county, users, client_for, monkeypatch):
    from django.urls import reverse

    from core import paginator

    for index in range(6):
        h.member(county["village_a1"], f"甲镇党员{index}")
    url = reverse("cadres:member_list")
    exact = client_for(users["staff_a"]).get(url).content.decode()
    assert "共 6 条记录" in exact and "估算" not in exact
    monkeypatch.setattr(paginator, "EXACT_LIMIT", 3)  # past it the count is the planner's
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cadres_partymember")
    estimated = client_for(users["staff_a"]).get(url).content.decode()
    assert "约 " in estimated and "条记录（估算）" in estimated and "共 6 条记录" not in estimated
