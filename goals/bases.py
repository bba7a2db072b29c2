"""Base figures a target is shared by when it is handed down (`services.target_hand_down`) or fitted to a unit
(`defaults.fitted_table`): how many villages, communities, townships, streets, county-level units, grids or party
members each unit holds, counted from the records in one grouped query whatever the number of units.

An indicator names its base (`Indicator.base`): demonstration villages are shared by villages, members developed by
party members, clues handled by grids. "equal" shares evenly.
"""

from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from cadres.models import PartyMember
from organizations.models import COUNTY_LEVEL, PATH_STEP, TOWNSHIP_LEVEL, VILLAGE_LEVEL, OrganizationUnit, UnitKind

EQUAL, MEMBERS = "equal", "members"
# key -> (label, the unit kinds counted; None for a base that is not a count of units)
BASES: dict[str, tuple] = {
    EQUAL: (_("equally"), None),
    "villages": (_("administrative villages"), (UnitKind.VILLAGE,)),
    "communities": (_("communities"), (UnitKind.COMMUNITY,)),
    "village_level": (_("villages and communities"), VILLAGE_LEVEL),
    "townships": (_("townships"), (UnitKind.TOWNSHIP,)),
    "streets": (_("streets"), (UnitKind.STREET,)),
    "township_level": (_("townships, streets and zones"), TOWNSHIP_LEVEL),
    "counties": (_("county-level units"), COUNTY_LEVEL),
    "grids": (_("grids"), (UnitKind.GRID,)),
    MEMBERS: (_("party members"), None),
}


def choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _kinds) in BASES.items()]


def label(key: str) -> str:
    return str(BASES[key][0]) if key in BASES else key


def counts(base: str, units) -> dict[int, Decimal]:
    """{unit id: base figure} for `units` (units of one depth: a scope's children), counted under each of them
    (itself included) in one grouped query; 1 each for "equal"."""
    units = list(units)
    if base == EQUAL or not units:
        return {u.pk: Decimal(1) for u in units}
    length = len(units[0].path)
    by_path = {u.path: u.pk for u in units}
    # Under their common parent (under the unit itself when there is one: not its siblings' records).
    parent = units[0].path if len(units) == 1 else units[0].path[: length - PATH_STEP]
    if base == MEMBERS:
        rows = PartyMember.objects.filter(unit_path__startswith=parent).annotate(at=Substr("unit_path", 1, length))
    else:
        rows = OrganizationUnit.objects.filter(
            path__startswith=parent, kind__in=BASES[base][1], is_active=True
        ).annotate(at=Substr("path", 1, length))
    found = {row["at"]: Decimal(row["n"]) for row in rows.values("at").annotate(n=Count("pk")).order_by()}
    return {pk: found.get(path, Decimal(0)) for path, pk in by_path.items()}


def of_unit(base: str, unit) -> Decimal:
    """The base figure of one unit (its subtree)."""
    return counts(base, [unit])[unit.pk]
