"""Performance-linked rewards: a worked example with caps, exact decimals, totals, and who may compute."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from collective_economy import selectors, services
from collective_economy.models import IncomeBasis, RewardRuleKind, VillageReward
from collective_economy.rewards import yuan
from core import events

from .helpers import approved

pytestmark = pytest.mark.django_db

RULES = [
    dict(kind=RewardRuleKind.THRESHOLD_CROSSING, threshold=Decimal("200000.00"), amount=Decimal("10000.00")),
    dict(kind=RewardRuleKind.GROWTH, rate=Decimal("0.1000"), min_growth=Decimal("50000.00"), cap=Decimal("20000.00")),
]


@pytest.fixture
def scheme(county, users):
    return services.reward_scheme_create(
        unit=county["city"],
        name="奖励办法",
        effective_year=2024,
        village_cap=Decimal("25000.00"),
        rules=RULES,
        actor=users["city_staff"],
    )


@pytest.fixture
def incomes(county):
    # A1: 180,000 → 390,000: crosses 200,000 (10,000) and grows 210,000 → 21,000 capped at 20,000;
    #     30,000 in all, capped at 25,000 per village.
    approved(county["village_a1"], 2023, "180000.00")
    approved(county["village_a1"], 2024, "390000.00")
    # A2: 150,000 → 215,555.55: crosses (10,000) and grows 65,555.55 → 6,555.555 → 6,555.56 (half up).
    approved(county["village_a2"], 2023, "150000.00")
    approved(county["village_a2"], 2024, "215555.55")
    # B1: 300,000 → 340,000: already over 200,000 and growth 40,000 under the minimum: nothing.
    approved(county["village_b1"], 2023, "300000.00")
    approved(county["village_b1"], 2024, "340000.00")


def test_worked_example_with_caps(county, users, scheme, incomes, django_capture_on_commit_callbacks):
    calls = []
    events.subscribe(listener := lambda **kw: calls.append(kw))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rewards = services.rewards_compute(scope=county["city"], year=2024, actor=users["city_staff"])
    finally:
        events._subscribers.remove(listener)
    by_village = {r.village_id: r for r in rewards}
    assert by_village[county["village_a1"].pk].amount == Decimal("25000.00")
    assert by_village[county["village_a2"].pk].amount == Decimal("16555.56")
    assert county["village_b1"].pk not in by_village
    explanation = " ".join(by_village[county["village_a1"].pk].explanation)
    assert "20,000.00" in explanation and "25,000.00" in explanation
    totals = selectors.reward_totals(selectors.rewards_for(user=users["city_staff"], scope=county["city"], year=2024))
    assert (totals["villages"], totals["amount"], len(totals["townships"])) == (2, Decimal("41555.56"), 1)
    assert any(call["year"] == 2024 and county["village_b1"].pk in call["unit_ids"] for call in calls)


def test_recomputing_replaces_and_missing_report_earns_nothing(county, users, scheme, incomes):
    services.rewards_compute(scope=county["city"], year=2024, actor=users["city_staff"])
    services.rewards_compute(scope=county["city"], year=2024, actor=users["city_staff"])
    assert VillageReward.objects.filter(year=2024).count() == 2
    _scheme, lines = selectors.rewards_preview(user=users["city_staff"], scope=county["city"], year=2025)
    assert all(line.amount == 0 for line in lines)


def test_operating_income_basis(county, users):
    services.reward_scheme_create(
        unit=county["city"],
        name="经营性",
        effective_year=2024,
        actor=users["city_staff"],
        rules=[dict(kind=RewardRuleKind.GROWTH, basis=IncomeBasis.OPERATING, rate=Decimal("0.05"))],
    )
    approved(county["village_a1"], 2023, "500000.00", operating="100000.00")
    approved(county["village_a1"], 2024, "500000.00", operating="100000.10")
    _scheme, lines = selectors.rewards_preview(user=users["city_staff"], scope=county["city"], year=2024)
    line = next(line for line in lines if line.village == county["village_a1"])
    assert line.amount == Decimal("0.01")  # 0.10 × 0.05 = 0.005 → 0.01, half up


def test_scheme_in_force_follows_the_effective_year(county, users, scheme):
    later = services.reward_scheme_create(
        unit=county["city"], name="新办法", effective_year=2026, rules=RULES[:1], actor=users["city_staff"]
    )
    assert selectors.scheme_for(scope=county["township_a"], year=2025) == scheme
    assert selectors.scheme_for(scope=county["township_a"], year=2026) == later
    assert selectors.scheme_for(scope=county["township_a"], year=2023) is None


def test_decimal_amounts_are_exact():
    assert yuan(Decimal("0.1") + Decimal("0.2")) == Decimal("0.30")
    assert sum([yuan("0.10")] * 3, Decimal("0")) == Decimal("0.30")
    assert yuan(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67
    with pytest.raises(TypeError):
        yuan(0.1)


def test_incomes_summed_exactly(county, users):
    for village, amount in (("village_a1", "100000.10"), ("village_a2", "100000.20")):
        approved(county[village], 2024, amount)
    table = selectors.income_table(user=users["staff_a"], scope=county["township_a"], year=2024)
    assert table.total_income == Decimal("200000.30")
    assert isinstance(table.shares[0].share_of_all, Decimal)


def test_only_organization_department_computes_and_sets_schemes(county, users, scheme):
    with pytest.raises(PermissionDenied):
        services.rewards_compute(scope=county["township_a"], year=2024, actor=users["staff_a"])
    with pytest.raises(PermissionDenied):
        services.reward_scheme_create(
            unit=county["township_a"], name="x", effective_year=2030, rules=RULES, actor=users["staff_a"]
        )
    with pytest.raises(ValidationError):
        services.reward_scheme_create(
            unit=county["city"], name="x", effective_year=2030, rules=[], actor=users["city_staff"]
        )
