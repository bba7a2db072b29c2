"""The grouped queries every compute function is built on: the records in a scope (under a unit, everywhere, or at
a set of unit ids: `within`), counted, divided or summed by their unit's path in one query, so a whole subtree is
computed in one go whatever its size."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from organizations.models import PATH_STEP

from ..indicators import Figure, Units


def within(queryset, path_lookup: str, scope):
    """The rows of `queryset` in `scope`: under a unit (its path prefix), everywhere (None), or at exactly the unit
    ids of a `Units` set (filtered on the foreign key itself: the ids were resolved through the path index)."""
    if scope is None:
        return queryset
    if isinstance(scope, Units):
        id_lookup = "pk" if path_lookup == "path" else path_lookup.removesuffix("path") + "id"
        return queryset.filter(**{f"{id_lookup}__in": sorted(scope)})
    return queryset.filter(**{f"{path_lookup}__startswith": scope.path})


def _group_key(path_lookup: str, depth: int | None):
    # Records below the reporting level (grids, buildings) are grouped by their ancestor at `depth`: a path prefix.
    return Substr(path_lookup, 1, (depth + 1) * PATH_STEP) if depth is not None else None


def counts_by_path(queryset, path_lookup: str, root, *, depth: int | None = None) -> dict[str, Figure]:
    """Count the rows of `queryset` in the scope `root` (see `within`), grouped by their unit's path (or its
    ancestor's at `depth`)."""
    qs = within(queryset, path_lookup, root)
    key = _group_key(path_lookup, depth)
    if key is not None:
        qs = qs.annotate(group_path=key)
        path_lookup = "group_path"
    rows = qs.values(path_lookup).annotate(n=Count("pk")).order_by()
    return {row[path_lookup]: Figure(Decimal(row["n"])) for row in rows}


def ratio_by_path(queryset, path_lookup: str, root, numerator: Q, *, depth: int | None = None) -> dict[str, Figure]:
    """Rows of `queryset` in the scope `root` (see `within`) are the denominator, those matching `numerator` the
    numerator, by path."""
    qs = within(queryset, path_lookup, root)
    key = _group_key(path_lookup, depth)
    if key is not None:
        qs = qs.annotate(group_path=key)
        path_lookup = "group_path"
    rows = qs.values(path_lookup).annotate(num=Count("pk", filter=numerator), den=Count("pk")).order_by()
    return {row[path_lookup]: Figure(Decimal(row["num"]), Decimal(row["den"])) for row in rows}


def sums_by_path(queryset, path_lookup: str, root, field: str) -> dict[str, Figure]:
    """Sum `field` over the rows of `queryset` in the scope `root` (see `within`), grouped by their unit's path."""
    rows = within(queryset, path_lookup, root).values(path_lookup).annotate(total=Sum(field)).order_by()
    return {row[path_lookup]: Figure(Decimal(row["total"] or 0)) for row in rows}
