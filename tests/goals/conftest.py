from datetime import date

import pytest

from accounts.permissions import SYSTEM
from organizations.models import DemonstrationTitleKind as T
from organizations.services import demonstration_title_grant, party_org_update


def grant(unit, year, title):
    return demonstration_title_grant(party_org=unit.party_org, year=year, title=title, actor=SYSTEM)


def weak_lax(unit, started, rectified=None):
    fields = {"status": "weak_and_lax", "rectification_started_on": started}
    if rectified:
        fields.update(status="normal", rectified_on=rectified)
    return party_org_update(party_org=unit.party_org, actor=SYSTEM, **fields)


@pytest.fixture
def org_records(county):
    """Hand-countable records on the test county (see the expected figures in test_indicators.py)."""
    c = county
    grant(c["city"], 2024, T.COUNTY)
    grant(c["township_a"], 2024, T.TOWNSHIP)
    grant(c["township_b"], 2024, T.STREET)
    grant(c["township_b"], 2024, T.SMART_PLATFORM)
    grant(c["township_b"], 2023, T.SMART_PLATFORM)
    grant(c["village_a1"], 2024, T.VILLAGE)
    grant(c["village_b1"], 2024, T.VILLAGE)
    grant(c["village_a2"], 2023, T.VILLAGE)  # another year: not counted in 2024
    grant(c["community_a"], 2024, T.COMMUNITY)
    weak_lax(c["village_a1"], date(2024, 3, 1), date(2024, 10, 1))  # accepted in 2024
    weak_lax(c["village_a2"], date(2023, 5, 1))  # still under rectification through 2024
    weak_lax(c["village_b1"], date(2023, 1, 1), date(2023, 12, 1))  # accepted before 2024
    weak_lax(c["community_a"], date(2025, 1, 1))  # starts after 2024
    return c


@pytest.fixture
def pending_indicator():
    """An indicator registered without a data source (as a future source's would be), removed afterwards."""
    from goals import indicators as registry

    indicator = registry.register(
        registry.Indicator(
            "test_pending",
            "测试：暂无来源",
            registry.Measure.COUNT,
            registry.Aggregation.SUM,
            "grid_woodpecker",
            None,
            sort=999,
        )
    )
    yield indicator
    registry.unregister(indicator.key)
