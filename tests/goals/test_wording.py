"""What a dashboard says of a rate with nothing to divide, and the unit a count of people is given in."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.permissions import SYSTEM
from goals import indicators as registry
from goals import selectors, services
from goals.models import Target

pytestmark = pytest.mark.django_db
RATE = "clue_closure_rate"  # no clue accepted in the test county: 0/0


def test_a_rate_with_nothing_to_divide_is_no_data_not_behind():
    rate, count = registry.get(RATE), registry.get("woodpeckers")
    target = Target(value=Decimal(90))
    assert selectors.status_of(rate, None, target, 2023, date(2024, 2, 1)) == selectors.EMPTY
    assert selectors.status_of(count, None, Target(value=Decimal(3)), 2023, date(2024, 2, 1)) == selectors.BEHIND
    with translation.override("zh-hans"):
        assert str(selectors.STATUS_LABELS[selectors.EMPTY]) == "无数据"


def test_page_and_api_say_no_data_for_0_over_0(county, users, client_for, api_for):
    city = county["city"]
    services.rollup_year(year=2024)
    services.target_set(indicator=RATE, unit=city, year=2024, value=90, actor=SYSTEM)
    body = client_for(users["city_staff"]).get(f"/goals/units/{city.pk}/?year=2024").content.decode()
    row = re.search(rf'<tr data-indicator="{RATE}">.*?</tr>', body, re.S).group(0)
    assert "无数据" in row and "滞后" not in row
    answer = api_for(users["city_staff"]).get(f"/api/v1/goals/dashboard/{city.pk}/", {"year": 2024}).json()
    assert {i["key"]: i["status"] for i in answer["indicators"]}[RATE] == "empty"


@pytest.mark.parametrize("key", ["members_developed", "activists", "reserve_cadres", "woodpeckers"])
def test_counts_of_people_are_in_persons(key):
    indicator = registry.get(key)
    assert indicator.measure == registry.Measure.PEOPLE
    with translation.override("zh-hans"):
        assert str(registry.Measure(indicator.measure).label) == "人"


def test_counts_of_things_stay_in_units():
    with translation.override("zh-hans"):
        assert str(registry.Measure(registry.get("demonstration_villages").measure).label) == "个"


def test_the_dashboard_names_each_figure_s_unit(county, users, client_for):
    services.rollup_year(year=2024)
    body = client_for(users["city_staff"]).get(f"/goals/units/{county['city'].pk}/?year=2024").content.decode()
    row = re.search(r'<tr data-indicator="members_developed">.*?</tr>', body, re.S).group(0)
    assert "（人）" in row
    row = re.search(r'<tr data-indicator="demonstration_villages">.*?</tr>', body, re.S).group(0)
    assert "（个）" in row
