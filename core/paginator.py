"""A paginator whose count does not scan a big table for every page.

Below `EXACT_LIMIT` rows the count is exact and costs one bounded query (it stops reading at the limit); past it,
the count is PostgreSQL's estimate from the plan of the same query (`EXPLAIN`), marked `estimated` so a page can
say "about". A list of 4,000,000 members thus costs its page, not a scan of every member it may see.
"""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_LIMIT = 10_000


def estimated_count(queryset) -> int | None:
    """The planner's row estimate for `queryset` (PostgreSQL), or None where the database has none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        bounded = queryset.order_by().values("pk")[: EXACT_LIMIT + 1].count()
        if bounded <= EXACT_LIMIT:
            return bounded
        estimate = estimated_count(queryset)
        if estimate is None:
            return queryset.count()
        self.estimated = True
        return max(estimate, bounded)
