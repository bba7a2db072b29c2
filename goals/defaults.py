"""Default targets: the Jingzhou three-year plan table (docs/domain.md "Annual goals"), a prefecture's table, and its
pace fitted to a county-level unit's own base. A table is loaded only where it fits the level (`table_for`)."""

from decimal import ROUND_HALF_UP, Decimal

from organizations.models import COUNTY_LEVEL, UnitKind

from . import bases
from . import indicators as registry

JINGZHOU_TABLE: dict[str, dict[int, Decimal]] = {
    "demonstration_counties": {2022: Decimal(2), 2023: Decimal(2), 2024: Decimal(2)},
    "demonstration_townships": {2022: Decimal(10), 2023: Decimal(20), 2024: Decimal(30)},
    "demonstration_streets": {2022: Decimal(5), 2023: Decimal(5), 2024: Decimal(5)},
    "demonstration_villages": {2022: Decimal(100), 2023: Decimal(200), 2024: Decimal(300)},
    "demonstration_communities": {2022: Decimal(30), 2023: Decimal(40), 2024: Decimal(50)},
    "smart_platform_streets": {2022: Decimal(2), 2023: Decimal(3), 2024: Decimal(4)},
    "villages_income_over_200k": {2022: Decimal(50), 2023: Decimal(60), 2024: Decimal(70)},
}
# The plan's pace at a county-level unit: each count as a share of the county's own base figure (the indicator's
# `base`: its villages, communities, townships, streets), so that a county is asked for what fits it (a county of 153
# villages is never asked for Jingzhou's 300 demonstration villages, nor for an eighth of them whatever its size).
# Percentages are a share at any level and load unchanged; demonstration counties are no county's target.
COUNTY_PACE: dict[str, dict[int, Decimal]] = {
    "demonstration_townships": {2022: Decimal("0.10"), 2023: Decimal("0.20"), 2024: Decimal("0.30")},
    "demonstration_streets": {2022: Decimal("0.50"), 2023: Decimal("0.50"), 2024: Decimal("0.50")},
    "demonstration_villages": {2022: Decimal("0.08"), 2023: Decimal("0.16"), 2024: Decimal("0.24")},
    "demonstration_communities": {2022: Decimal("0.06"), 2023: Decimal("0.10"), 2024: Decimal("0.16")},
    "smart_platform_streets": {2022: Decimal("0.50"), 2023: Decimal("1.00"), 2024: Decimal("1.00")},
}


def fitted_table(unit) -> dict[str, dict[int, Decimal]]:
    """A county-level unit's default targets, computed from its own records: each count of `COUNTY_PACE` as its
    share of the unit's base figure (rounded half up; a year whose share rounds to nothing is left out), each
    percentage of the Jingzhou table unchanged, and the indicators whose target does not fit the unit's level
    (demonstration counties) left out."""
    table: dict[str, dict[int, Decimal]] = {}
    for key, by_year in JINGZHOU_TABLE.items():
        definition = registry.get(key)
        if definition is None or not definition.targets_at(unit.kind):
            continue
        if definition.measure == registry.Measure.PERCENT:
            table[key] = dict(by_year)
        elif key in COUNTY_PACE:
            base = bases.of_unit(definition.base, unit)
            fitted = {
                year: (rate * base).quantize(Decimal(1), rounding=ROUND_HALF_UP)
                for year, rate in COUNTY_PACE[key].items()
            }
            fitted = {year: value for year, value in fitted.items() if value}
            if fitted:
                table[key] = fitted
    return table


def has_table(kind: str) -> bool:
    """Whether a default table fits a unit of `kind`: the Jingzhou plan at a prefecture, its pace at a county-level
    unit; none elsewhere (a province sets its own; a township's targets are handed down by its county)."""
    return kind == UnitKind.PREFECTURE or kind in COUNTY_LEVEL


def table_for(unit) -> dict[str, dict[int, Decimal]] | None:
    """The default table of `unit` (see `has_table`)."""
    if unit.kind == UnitKind.PREFECTURE:
        return JINGZHOU_TABLE
    if unit.kind in COUNTY_LEVEL:
        return fitted_table(unit)
    return None
