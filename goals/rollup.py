"""The roll-up engine: an indicator's figure at every dashboard unit, as numerator and denominator totals.

A record belongs to its *owner*: the lowest dashboard unit at or above the record's unit (a grid's village, an
agency's city). A dashboard unit's figure is its own records' contribution plus the figures of its dashboard
children (dashboard kinds sit only under dashboard kinds, so those are its direct children). Ratios add numerators
and denominators (Σnum/Σden at every level, never a mean of percentages).

- `full_totals`: every dashboard unit of every tree (or of one root), one grouped query per indicator over all the
  records, then one pass in Python: each grouped row to its owner, owners summed bottom-up along the tree.
- `chain_totals`: one unit's chain (the unit and its dashboard ancestors) after a change there. It reads the records
  owned by the chain's units (resolved to unit ids through the path index: the chain units and the subtrees of their
  non-dashboard children) and the stored figures of the chain's other children (one grouped query): its cost
  follows the chain, never the tree.

Both return {(indicator key, unit id): (numerator, denominator)}; the services lock, compare and store them.
"""

from collections import defaultdict
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q, Sum

from organizations.models import PATH_STEP, OrganizationUnit, UnitKind

from . import indicators as registry
from .models import RollupValue

K = UnitKind
# Kinds without a dashboard: below the village (grids, buildings) and the non-territorial organizations. Every other
# kind has one (the levels above the county too) and may sit only under kinds that have one (tests/goals).
NO_DASHBOARD_KINDS = (K.GRID, K.BUILDING, K.AGENCY, K.ENTERPRISE, K.TWO_NEW, K.NEW_ECONOMY, K.CO_BUILDING)
DASHBOARD_KINDS = tuple(kind for kind in UnitKind if kind not in NO_DASHBOARD_KINDS)
ZERO = Decimal(0)


def indicators_of(*, source: str | None = None, keys=None) -> list[registry.Indicator]:
    """The computable indicators, of `source` only or among `keys` only when given."""
    return [
        i
        for i in registry.all_indicators()
        if i.has_source and (source is None or i.source == source) and (keys is None or i.key in keys)
    ]


def _is_ratio(indicator) -> bool:
    return indicator.aggregation == registry.Aggregation.RATIO


def _finish(indicator, numerator, denominator):
    return (numerator, denominator if _is_ratio(indicator) else None)


def _owner(path: str, owners: dict[str, int], memo: dict[str, int | None]) -> int | None:
    """The lowest dashboard unit at or above the unit at `path` (None when there is none)."""
    if path in memo:
        return memo[path]
    found = None
    for end in range(len(path) - len(path) % PATH_STEP, 0, -PATH_STEP):
        found = owners.get(path[:end])
        if found is not None:
            break
    memo[path] = found
    return found


def full_totals(*, year: int, indicators, root: OrganizationUnit | None = None) -> dict:
    """Every dashboard unit's figures (under `root`, or in every tree) for `year`: one grouped query per indicator."""
    units = OrganizationUnit.objects.filter(kind__in=DASHBOARD_KINDS)
    if root is not None:
        units = units.filter(path__startswith=root.path)
    by_path = dict(units.values_list("path", "pk"))
    memo: dict[str, int | None] = {}
    # Each dashboard unit's dashboard parent, deepest units first: one bottom-up pass sums a whole tree.
    upward = []
    for path, pk in sorted(by_path.items(), key=lambda item: -len(item[0])):
        upward.append((pk, _owner(path[:-PATH_STEP], by_path, memo) if len(path) > PATH_STEP else None))
    result = {}
    for indicator in indicators:
        totals = {pk: [ZERO, ZERO] for pk in by_path.values()}
        for path, figure in indicator.compute(root, year).items():
            owner = _owner(path, by_path, memo)
            if owner is not None:
                total = totals[owner]
                total[0] += figure.numerator
                total[1] += figure.denominator or 0
        for pk, parent in upward:
            if parent is not None:
                totals[parent][0] += totals[pk][0]
                totals[parent][1] += totals[pk][1]
        for pk, (numerator, denominator) in totals.items():
            result[indicator.key, pk] = _finish(indicator, numerator, denominator)
    return result


def _owned_units(chain: list[OrganizationUnit]) -> registry.Units:
    """The unit ids whose records the chain's units own: the chain units and the subtrees of their non-dashboard
    children (two queries on the path index)."""
    ids = {unit.pk for unit in chain}
    prefixes = list(
        OrganizationUnit.objects.filter(parent_id__in=ids)
        .exclude(kind__in=DASHBOARD_KINDS)
        .values_list("path", flat=True)
    )
    if prefixes:
        below = reduce(or_, (Q(path__startswith=prefix) for prefix in prefixes))
        ids.update(OrganizationUnit.objects.filter(below).values_list("pk", flat=True))
    return registry.Units(ids)


def _stored_children(chain: list[OrganizationUnit], year: int, keys: list[str]) -> dict:
    """{(key, parent id): (Σnumerators, Σdenominators)} of the stored figures of the chain units' dashboard children
    that are not in the chain themselves: one grouped query."""
    ids = [unit.pk for unit in chain]
    rows = (
        RollupValue.objects.filter(
            year=year, indicator__in=keys, unit__parent_id__in=ids, unit__kind__in=DASHBOARD_KINDS
        )
        .exclude(unit_id__in=ids)
        .values("indicator", "unit__parent_id")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
        .order_by()
    )
    return {
        (row["indicator"], row["unit__parent_id"]): (row["numerator"] or ZERO, row["denominator"] or ZERO)
        for row in rows
    }


def chain_totals(*, year: int, indicators, chain: list[OrganizationUnit]) -> dict:
    """The figures of the chain's units (dashboard units, root first, each the parent of the next) for `year`: each
    unit's own records plus its children's figures (the chain child's just computed, the others' as stored)."""
    if not chain or not indicators:
        return {}
    owned = _owned_units(chain)
    siblings = _stored_children(chain, year, [i.key for i in indicators])
    by_path = {unit.path: unit.pk for unit in chain}
    memo: dict[str, int | None] = {}
    result = {}
    for indicator in indicators:
        own = defaultdict(lambda: [ZERO, ZERO])
        for path, figure in indicator.compute(owned, year).items():
            owner = _owner(path, by_path, memo)
            if owner is not None:
                own[owner][0] += figure.numerator
                own[owner][1] += figure.denominator or 0
        below = (ZERO, ZERO)
        for unit in reversed(chain):
            stored = siblings.get((indicator.key, unit.pk), (ZERO, ZERO))
            numerator = own[unit.pk][0] + stored[0] + below[0]
            denominator = own[unit.pk][1] + stored[1] + below[1]
            result[indicator.key, unit.pk] = _finish(indicator, numerator, denominator)
            below = (numerator, denominator)
    return result
