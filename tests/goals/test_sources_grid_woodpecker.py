"""The woodpecker indicators on the small test county, against a hand count. Clues go through the real services,
so they carry this year's dates; the figures are checked for the current year."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.permissions import SYSTEM
from goals import services
from goals.models import RollupValue
from grid_woodpecker import services as wp
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db

HAND_COUNTED = {"woodpeckers", "clues_handled", "clue_closure_rate", "clue_satisfaction_rate"}


@pytest.fixture
def wp_world(county, users):
    world = helpers.staff(county)
    world["category"] = helpers.category(county["city"])
    world["woodpecker"] = helpers.woodpecker(county["grid_ac"])
    return world


@pytest.fixture
def loop(county, users, wp_world):
    """Grid AC: woodpecker W reports 4 clues: c1 closed satisfied, c2 rated unsatisfied (reopened, in progress),
    c3 accepted and in hand, c4 rejected. A second woodpecker, in grid B1, has been deactivated."""
    w, cat, community = wp_world["woodpecker"], wp_world["category"], wp_world["community"]
    wp.woodpecker_confirm(woodpecker=w, actor=community)
    w.refresh_from_db()
    other = helpers.woodpecker(county["grid_b1"])
    wp.woodpecker_deactivate(woodpecker=other, reason="迁出", actor=SYSTEM)  # deactivated: not counted

    def filed(text):
        return wp.clue_submit(actor=w.user, category=cat, description=text, check_limits=False)

    clues = [filed(f"第{i}处路灯不亮") for i in range(1, 5)]
    for clue in clues[:3]:
        wp.clue_accept(clue=clue, actor=community)
        wp.clue_handle_in_community(clue=clue, actor=community)
    for clue in clues[:2]:
        wp.clue_resolve(clue=clue, resolution="已修复", actor=community)
    wp.clue_rate(clue=clues[0], rating="satisfied", actor=w.user)
    wp.clue_rate(clue=clues[1], rating="unsatisfied", actor=w.user, reason="仍然不亮")
    wp.clue_reject(clue=clues[3], reason="不属于本网格", actor=community)
    year = timezone.localdate().year
    services.rollup_year(year=year)
    return county, year


def figure(key, unit, year):
    row = RollupValue.objects.get(indicator=key, unit=unit, year=year)
    return row.numerator, row.denominator


@pytest.mark.parametrize(
    ("key", "unit", "expected"),
    [
        ("woodpeckers", "city", (1, None)),
        ("woodpeckers", "township_b", (0, None)),
        ("clues_handled", "community_a", (1, None)),  # c2's reopening undid its resolution
        ("clue_closure_rate", "city", (1, 3)),
        ("clue_satisfaction_rate", "township_a", (1, 2)),
    ],
)
def test_woodpecker_indicator_matches_hand_count(loop, key, unit, expected):
    county, year = loop
    numerator, denominator = figure(key, county[unit], year)
    assert (numerator, denominator) == (Decimal(expected[0]), None if expected[1] is None else Decimal(expected[1]))
