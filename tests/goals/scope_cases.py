from django.utils import timezone

from accounts.permissions import SYSTEM
from goals import services
from goals.models import ReportConfirmation, RollupValue, Target
from tests.scope import ScopeCase


def make_target(county, users, unit):
    return services.target_set(indicator="demonstration_villages", unit=unit, year=2024, value=3, actor=SYSTEM)


def make_rollup(county, users, unit):
    return RollupValue.objects.create(
        indicator="demonstration_villages", unit=unit, year=2024, numerator=1, value=1, computed_at=timezone.now()
    )


def make_confirmation(county, users, unit):
    return services.report_confirm(source="organizations", unit=unit, year=2024, actor=SYSTEM)


CASES = [
    ScopeCase(
        name="goals_target",
        model=Target,
        make=make_target,
        unit_key_in="township_a",
        unit_key_out="township_b",
        ui_list=lambda: "/goals/targets/",
        marker=lambda obj: obj.unit.code,
        api_list="/api/v1/goals/targets/",
        api_update_data={"value": "9"},
    ),
    ScopeCase(
        name="goals_rollup_value",
        model=RollupValue,
        make=make_rollup,
        api_list="/api/v1/goals/rollups/",
        api_update_data={"value": "9"},
    ),
    ScopeCase(name="goals_report_confirmation", model=ReportConfirmation, make=make_confirmation),
]
