from django.urls import reverse
from django.utils import timezone

from accounts.permissions import CHANGE, SYSTEM
from goals import form_indicators, services
from goals.models import FormIndicator, ReportConfirmation, RollupValue, Target
from tests import roles
from tests.reporting.helpers import build_form
from tests.scope import Act, ScopeCase


def make_target(county, users, unit):
    return services.target_set(indicator="demonstration_villages", unit=unit, year=2024, value=3, actor=SYSTEM)


def make_rollup(county, users, unit):
    return RollupValue.objects.create(
        indicator="demonstration_villages", unit=unit, year=2024, numerator=1, value=1, computed_at=timezone.now()
    )


def make_confirmation(county, users, unit):
    return services.report_confirm(source="organizations", unit=unit, year=2024, actor=SYSTEM)


def make_form_indicator(county, users, unit):
    form = build_form(unit, code=f"fi-{FormIndicator.objects.count() + 1}")
    return form_indicators.form_indicator_create(
        form=form,
        field_code="developed",
        name=f"{unit.name}发展党员",
        measure="people",
        period_value="sum",
        levels="every",
        actor=SYSTEM,
    )


def _unit_page(name):
    """A page on the object's unit (a scope's dashboard or targets), for the year the page defaults to."""
    return lambda obj: reverse(name, args=[obj.unit_id])


# A county-level scope's targets page loads its share of the Jingzhou table (a change of Target there). Default
# tables exist from the county level up (goals/defaults.py), so the page is tried on the target's county: the same
# city for the targets inside and outside township A, each expected where the role may change the city's targets.
TARGET_PAGES = (
    Act(
        "page load defaults",
        CHANGE,
        expect=lambda user, target: roles.expected_at(user, CHANGE, Target, target.unit.parent),
        url=lambda target: reverse("goals:targets_defaults", args=[target.unit.parent_id]),
    ),
)


def _county_target(county, users, target):
    """The target's indicator set for the county above it: what is handed down to the county's townships (a
    township's own target goes down to nobody: its villages take no targets)."""
    return services.target_set(
        indicator=target.indicator, unit=target.unit.parent, year=target.year, value=6, actor=SYSTEM
    )


# The county's target handed down to its townships, shared by their villages (API and portal page); the matrix is
# asked about the county's target, the same for the targets inside and outside township A.
HAND_DOWN = (Act("hand-down", CHANGE, {"rule": "share"}, prepare=_county_target),)
HAND_DOWN_PAGES = (
    Act(
        "page hand down",
        CHANGE,
        {"rule": "share"},
        prepare=_county_target,
        url=lambda target: reverse("goals:target_hand_down", args=[target.pk]),
    ),
)
# A village's dashboard confirms its report of one more source for the year (the case's object confirms another).
CONFIRMATION_PAGES = (
    Act(
        "page confirm",
        CHANGE,
        {"source": "cadres"},
        expect=lambda user, obj: roles.expected_at(user, CHANGE, ReportConfirmation, obj.unit),
        url=_unit_page("goals:report_confirm"),
    ),
)

FORM_INDICATOR_PAGES = (
    Act("page retire", CHANGE, url=lambda obj: reverse("goals:form_indicator_retire", args=[obj.pk])),
)

CASES = [
    ScopeCase(
        name="goals_form_indicator",
        model=FormIndicator,
        make=make_form_indicator,
        unit_key_in="township_a",
        unit_key_out="township_b",
        ui_list=lambda: reverse("goals:form_indicator_list"),
        ui_update=lambda obj: reverse("goals:form_indicator_edit", args=[obj.pk]),
        ui_update_data={"name": "改名", "measure": "count", "period_value": "sum", "levels": "every"},
        ui_actions=FORM_INDICATOR_PAGES,
        marker=lambda obj: obj.name,
        admin=False,
    ),
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
        api_actions=HAND_DOWN,
        ui_actions=TARGET_PAGES + HAND_DOWN_PAGES,
    ),
    ScopeCase(
        name="goals_rollup_value",
        model=RollupValue,
        make=make_rollup,
        api_list="/api/v1/goals/rollups/",
        api_update_data={"value": "9"},
    ),
    ScopeCase(
        name="goals_report_confirmation",
        model=ReportConfirmation,
        make=make_confirmation,
        ui_actions=CONFIRMATION_PAGES,
    ),
]
