"""Every implemented indicator computed on the small test county, checked against a hand count."""

from decimal import Decimal

import pytest

from goals import indicators as registry
from goals import services
from goals.models import RollupValue

pytestmark = pytest.mark.django_db

# (indicator, unit key) -> (numerator, denominator) for 2024, counted by hand from the org_records fixture.
EXPECTED_2024 = {
    ("demonstration_counties", "city"): (1, None),
    ("demonstration_counties", "township_a"): (0, None),
    ("demonstration_townships", "city"): (1, None),
    ("demonstration_townships", "township_a"): (1, None),
    ("demonstration_townships", "township_b"): (0, None),
    ("demonstration_streets", "city"): (1, None),
    ("demonstration_streets", "township_b"): (1, None),
    ("smart_platform_streets", "city"): (1, None),
    ("smart_platform_streets", "township_b"): (1, None),
    ("demonstration_villages", "city"): (2, None),
    ("demonstration_villages", "township_a"): (1, None),
    ("demonstration_villages", "village_a1"): (1, None),
    ("demonstration_villages", "village_a2"): (0, None),
    ("demonstration_communities", "city"): (1, None),
    ("demonstration_communities", "community_a"): (1, None),
    # A1, B1 and community AC hold their title in 2024; A2's is from 2023.
    ("demonstration_village_share", "city"): (3, 4),
    ("demonstration_village_share", "township_a"): (2, 3),
    ("demonstration_village_share", "township_b"): (1, 1),
    ("demonstration_village_share", "village_a2"): (0, 1),
    ("weak_lax_rectified", "city"): (1, None),
    ("weak_lax_rectified", "township_b"): (0, None),
    # Under rectification in 2024: A1 (accepted in 2024) and A2 (not yet); B1 was accepted in 2023.
    ("weak_lax_rectification_rate", "city"): (1, 2),
    ("weak_lax_rectification_rate", "township_a"): (1, 2),
    ("weak_lax_rectification_rate", "township_b"): (0, 0),
}


def stored(indicator, unit, year=2024):
    return RollupValue.objects.get(indicator=indicator, unit=unit, year=year)


def test_each_implemented_indicator_matches_hand_count(org_records):
    services.rollup_year(year=2024)
    for (key, unit_key), (numerator, denominator) in EXPECTED_2024.items():
        row = stored(key, org_records[unit_key])
        assert row.numerator == numerator, (key, unit_key)
        assert row.denominator == (None if denominator is None else Decimal(denominator)), (key, unit_key)


def _hand_counted_elsewhere() -> set[str]:
    """Keys checked against hand counts by the per-source modules (tests/goals/test_sources_<app>.py)."""
    import importlib
    import pathlib

    keys = set()
    for path in pathlib.Path(__file__).parent.glob("test_sources_*.py"):
        keys |= importlib.import_module(f"tests.goals.{path.stem}").HAND_COUNTED
    return keys


def test_every_indicator_with_a_source_has_a_hand_count():
    implemented = {i.key for i in registry.all_indicators() if i.has_source}
    assert implemented == {key for key, _unit in EXPECTED_2024} | _hand_counted_elsewhere()


def test_percent_value_is_numerator_over_denominator(org_records):
    services.rollup_year(year=2024)
    assert stored("demonstration_village_share", org_records["city"]).value == Decimal("75.00")
    assert stored("demonstration_village_share", org_records["township_a"]).value == Decimal("66.67")
    assert stored("weak_lax_rectification_rate", org_records["township_b"]).value is None  # nothing to divide


def test_other_year_counts_only_that_years_records(org_records):
    services.rollup_year(year=2023)
    assert stored("demonstration_villages", org_records["city"], 2023).numerator == 1
    assert stored("smart_platform_streets", org_records["city"], 2023).numerator == 1
    assert stored("weak_lax_rectified", org_records["city"], 2023).numerator == 1


def test_indicators_without_a_source_store_nothing_and_say_so(org_records, pending_indicator):
    services.rollup_year(year=2024)
    assert not RollupValue.objects.filter(indicator=pending_indicator.key).exists()
    assert RollupValue.objects.filter(indicator="demonstration_villages").exists()


def test_roll_ups_only_for_dashboard_units(org_records):
    services.rollup_year(year=2024)
    units = set(RollupValue.objects.values_list("unit_id", flat=True))
    assert org_records["agency"].pk not in units and org_records["grid_a1"].pk not in units
    assert org_records["village_a1"].pk in units


def test_compute_is_one_grouped_query_per_indicator(org_records, django_assert_max_num_queries):
    indicator = registry.get("demonstration_village_share")
    with django_assert_max_num_queries(1):
        figures = indicator.compute(org_records["city"], 2024)
    assert sum(f.denominator for f in figures.values()) == 4


def test_records_below_villages_group_by_their_village_in_one_query(county, django_assert_num_queries):
    """The helper later sources use for grid-level records (woodpeckers, clues): grouped by the village path."""
    from goals.sources import counts_by_path
    from organizations.models import OrganizationUnit, UnitKind

    below = OrganizationUnit.objects.filter(kind__in=[UnitKind.GRID, UnitKind.BUILDING])
    with django_assert_num_queries(1):
        figures = counts_by_path(below, "path", county["city"], depth=county["village_a1"].depth)
    counts = {path: figure.numerator for path, figure in figures.items()}
    assert counts == {county["village_a1"].path: 1, county["community_a"].path: 2, county["village_b1"].path: 1}
