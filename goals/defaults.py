"""Default targets: the Jingzhou three-year plan table (docs/domain.md "Annual goals"), a prefecture's table, and the
share of it that fits a county-level unit. A table is loaded only where it fits the level (`table_for`)."""

from decimal import ROUND_CEILING, Decimal

from organizations.models import COUNTY_LEVEL, UnitKind

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
# The county-level units Jingzhou's plan is shared between: 2 districts (沙市区, 荆州区), 2 counties (公安县, 江陵县)
# and 4 county-level cities (石首市, 洪湖市, 松滋市, 监利市); the economic development zone reports with the city.
JINGZHOU_COUNTIES = 8


def county_share(table: dict, kind: str, counties: int = JINGZHOU_COUNTIES) -> dict[str, dict[int, Decimal]]:
    """A county-level unit's part of a prefecture's table: counts shared evenly between the prefecture's county-level
    units (rounded up: a plan's figure is a floor), percentages unchanged (a share of villages is a share at any
    level), and the indicators whose target does not fit `kind` (demonstration counties) left out."""
    share = {}
    for key, by_year in table.items():
        definition = registry.get(key)
        if definition is None or (definition.target_kinds and kind not in definition.target_kinds):
            continue
        if definition.measure == registry.Measure.PERCENT:
            share[key] = dict(by_year)
        else:
            share[key] = {
                year: (value / counties).to_integral_value(rounding=ROUND_CEILING) for year, value in by_year.items()
            }
    return share


def table_for(kind: str) -> dict[str, dict[int, Decimal]] | None:
    """The default table of a unit of `kind`: the Jingzhou plan at a prefecture, its share at a county-level unit,
    none elsewhere (a province sets its own; a township's targets come from its county)."""
    if kind == UnitKind.PREFECTURE:
        return JINGZHOU_TABLE
    if kind in COUNTY_LEVEL:
        return county_share(JINGZHOU_TABLE, kind)
    return None
