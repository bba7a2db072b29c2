"""Threshold shares: which villages count, missing reports in the denominator, targets, debt growth flags."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.permissions import SYSTEM
from collective_economy import selectors, services
from organizations.models import UnitKind
from tests.factories import unit

from .helpers import approved, figures

pytestmark = pytest.mark.django_db


def test_missing_report_stays_in_denominator_and_is_listed(county, users):
    approved(county["village_a1"], 2024, "250000.00")
    # village_a2 has no approved report: only a submitted one, which does not count.
    services.income_report_submit(village=county["village_a2"], year=2024, actor=SYSTEM, **figures("500000.00"))
    table = selectors.income_table(user=users["staff_a"], scope=county["township_a"], year=2024)
    over_200k = next(s for s in table.shares if s.threshold == Decimal("200000.00"))
    assert over_200k.villages == 2  # the community is not counted
    assert over_200k.reported == 1
    assert over_200k.over == 1
    assert over_200k.share_of_reported == Decimal("100.00")
    assert over_200k.share_of_all == Decimal("50.00")
    assert [row.village for row in table.missing] == [county["village_a2"]]
    assert table.missing[0].pending is not None


def test_communities_never_count_as_villages(county, users):
    table = selectors.income_table(user=users["staff_a"], scope=county["township_a"], year=2024)
    assert {row.village.kind for row in table.rows} == {UnitKind.VILLAGE}
    assert county["community_a"] not in [row.village for row in table.rows]


def test_target_judged_on_share_of_all_villages(county, users):
    services.threshold_defaults_apply(unit=county["city"], actor=users["city_staff"])  # 70% for 2024
    approved(county["village_a1"], 2024, "300000.00")
    table = selectors.income_table(user=users["staff_a"], scope=county["township_a"], year=2024)
    share = next(s for s in table.shares if s.threshold == Decimal("200000.00"))
    assert share.target.target_share == Decimal("70.00")  # inherited from the city
    assert share.share_of_reported == Decimal("100.00")
    assert share.target_met is False  # 1 of 2 villages: the missing one counts against the target


def test_township_target_overrides_city_default(county, users):
    services.threshold_defaults_apply(unit=county["city"], actor=users["city_staff"])
    services.threshold_target_set(
        unit=county["township_a"],
        year=2024,
        threshold=Decimal("200000.00"),
        target_share=Decimal("40.00"),
        actor=users["staff_a"],
    )
    approved(county["village_a1"], 2024, "300000.00")
    table = selectors.income_table(user=users["staff_a"], scope=county["township_a"], year=2024)
    share = next(s for s in table.shares if s.threshold == Decimal("200000.00"))
    assert share.target.target_share == Decimal("40.00") and share.target_met is True


def test_city_overview_counts_every_township(county, users):
    approved(county["village_a1"], 2024, "120000.00")
    approved(county["village_b1"], 2024, "90000.00")
    table, townships = selectors.city_overview(user=users["city_staff"], city=county["city"], year=2024)
    over_100k = next(s for s in table.shares if s.threshold == Decimal("100000.00"))
    assert (over_100k.over, over_100k.reported, over_100k.villages) == (1, 2, 3)
    assert over_100k.share_of_all == Decimal("33.33")
    by_name = {t.township.name: t for t in townships}
    assert len(by_name["甲镇"].missing) == 1 and len(by_name["乙街道"].missing) == 0


def test_debt_growth_flagged_only_when_debt_grew(county, users):
    approved(county["village_a1"], 2023, "150000", debt="100000.00")
    approved(county["village_a1"], 2024, "160000", debt="100000.01")
    approved(county["village_a2"], 2023, "150000", debt="100000.00")
    approved(county["village_a2"], 2024, "160000", debt="80000.00")
    table = selectors.income_table(user=users["staff_a"], scope=county["township_a"], year=2024)
    assert [row.village for row in table.debt_flags] == [county["village_a1"]]
    assert table.debt_flags[0].debt_growth == Decimal("0.01")


def test_township_table_query_count_does_not_grow_with_villages(county, users, client_for):
    for year in (2023, 2024):
        approved(county["village_a1"], year, "210000")
    client = client_for(users["staff_a"])
    url = f"/economy/township/{county['township_a'].pk}/?year=2024"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):
        village = unit(f"新村{i}", UnitKind.VILLAGE, county["township_a"])
        approved(village, 2023, "100000")
        approved(village, 2024, "230000", debt="1")
    assert count() == before
    # Pinned: session, user, roles, villages, reports, targets, doubling plan and the page's own lookups.
    assert before == 10, before
    table_queries = CaptureQueriesContext(connection)
    with table_queries:
        selectors.income_table(user=users["staff_a"], scope=county["township_a"], year=2024)
    # roles (scope paths), villages, targets, doubling plan, reports: 5 whatever the number of villages.
    assert len(table_queries.captured_queries) == 5


def test_doubling_plan_compares_income_with_base_year(county, users):
    services.doubling_plan_set(unit=county["city"], base_year=2022, target_year=2025, actor=users["city_staff"])
    approved(county["village_a1"], 2022, "100000.00")
    approved(county["village_a1"], 2024, "250000.00")
    approved(county["village_a2"], 2024, "90000.00")  # no base-year report: no multiple, not zero
    table = selectors.income_table(user=users["staff_a"], scope=county["township_a"], year=2024)
    assert table.doubling_plan.multiple == Decimal("2.00")
    multiples = {row.village.code: row.base_multiple for row in table.rows}
    assert multiples == {"VILA10001": Decimal("2.50"), "VILA20001": None}


def test_money_shown_with_separators_in_pages(county, users, client_for):
    approved(county["village_a1"], 2024, "1234567.80")
    body = client_for(users["staff_a"]).get(f"/economy/village/{county['village_a1'].pk}/").content.decode()
    assert "1,234,567.80" in body
