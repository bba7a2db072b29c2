"""The collective-economy indicators on the small test county, against a hand count.

Villages of the county: A1, A2 (township A), B1 (township B); community AC never counts.
2024 approved reports: A1 250,000 (over both thresholds), A2 150,000 (over 100,000 only); B1 reported nothing
(missing: it stays in the denominator). AC's figures are irrelevant: communities are not villages.
"""

from decimal import Decimal

import pytest

from collective_economy.models import RewardScheme, VillageReward
from goals import services
from goals.models import RollupValue
from goals.selectors import completeness
from tests.collective_economy.helpers import approved

pytestmark = pytest.mark.django_db

HAND_COUNTED = {"villages_income_over_200k", "villages_income_over_100k", "reward_paid"}


@pytest.fixture
def economy(county):
    approved(county["village_a1"], 2024, "250000.00")
    approved(county["village_a2"], 2024, "150000.00")
    approved(county["village_b1"], 2023, "500000.00")  # another year: does not count for 2024
    scheme = RewardScheme.objects.create(unit=county["city"], name="测试办法", effective_year=2024)
    VillageReward.objects.create(village=county["village_a1"], year=2024, scheme=scheme, amount=Decimal("12345.67"))
    VillageReward.objects.create(village=county["village_b1"], year=2024, scheme=scheme, amount=Decimal("0.33"))
    return county


def figure(key, unit):
    row = RollupValue.objects.get(indicator=key, unit=unit, year=2024)
    return row.numerator, row.denominator


def test_threshold_shares_count_missing_villages_in_the_denominator(economy):
    services.rollup_year(year=2024)
    assert figure("villages_income_over_200k", economy["city"]) == (1, 3)
    assert figure("villages_income_over_100k", economy["city"]) == (2, 3)
    assert figure("villages_income_over_100k", economy["township_a"]) == (2, 2)
    assert figure("villages_income_over_200k", economy["township_b"]) == (0, 1)
    assert RollupValue.objects.get(indicator="villages_income_over_100k", unit=economy["city"], year=2024).value == (
        Decimal("66.67")
    )


def test_reward_paid_sums_exact_yuan(economy):
    services.rollup_year(year=2024)
    assert figure("reward_paid", economy["city"]) == (Decimal("12346.00"), None)
    assert figure("reward_paid", economy["township_b"]) == (Decimal("0.33"), None)


def test_completeness_expects_villages_only_and_lists_the_missing(economy):
    result = completeness(unit=economy["city"], year=2024, source="collective_economy")
    assert (result.expected, result.reported) == (3, 2)
    assert [unit.code for unit in result.missing] == [economy["village_b1"].code]
