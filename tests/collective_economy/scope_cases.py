from decimal import Decimal

from django.urls import reverse

from accounts.permissions import APPROVE, CHANGE, SYSTEM, VIEW
from collective_economy import services
from collective_economy.models import (
    COMPUTE,
    DevelopmentModel,
    DoublingPlan,
    IncomeReport,
    Project,
    ProjectCompetition,
    ProjectScore,
    ReportStatus,
    RewardRule,
    RewardRuleKind,
    RewardScheme,
    ThresholdTarget,
    VillageReward,
)
from tests import roles
from tests.scope import Act, ScopeCase

from .helpers import approved


def _report(county, users, village):
    return approved(village, 2024, "150000.00")


def _project(county, users, village, name="范围测试项目"):
    return services.project_create(
        village=village, actor=SYSTEM, name=name, development_model=DevelopmentModel.ASSET, investment=Decimal("1000")
    )


def _target(county, users, township):
    return services.threshold_target_set(
        unit=township, year=2024, threshold=Decimal("200000"), target_share=Decimal("55"), actor=SYSTEM
    )


def _plan(county, users, township):
    return services.doubling_plan_set(unit=township, base_year=2021, target_year=2025, actor=SYSTEM)


def _scheme(county, users, township):
    return RewardScheme.objects.create(unit=township, name=f"{township.name}奖励办法", effective_year=2024)


def _rule(county, users, township):
    scheme = _scheme(county, users, township)
    return RewardRule.objects.create(
        scheme=scheme, kind=RewardRuleKind.THRESHOLD_CROSSING, threshold=Decimal("200000"), amount=Decimal("1")
    )


def _reward(county, users, village):
    scheme = RewardScheme.objects.get_or_create(
        unit=county["city"], effective_year=2024, defaults={"name": "市奖励办法"}
    )[0]
    return VillageReward.objects.create(village=village, year=2024, scheme=scheme, amount=Decimal("100.00"))


def _competition(county, users, township):
    return services.competition_create(unit=township, year=2024, name=f"{township.name}擂台比武", actor=SYSTEM)


def _score(county, users, village):
    township = village.parent
    competition = ProjectCompetition.objects.filter(unit=township).first() or _competition(county, users, township)
    project = _project(county, users, village, name=f"评分项目{village.code}")
    return services.project_score_set(
        competition=competition, project=project, reviewer=users["admin"], score=Decimal("88.5")
    )


def _submitted(county, users, report):
    """The report back in review (as a secretary's submission leaves it), for the township's approve/send-back."""
    IncomeReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    return report


REPORT_ACTIONS = (
    Act("approve", APPROVE, prepare=_submitted),
    Act("send-back", APPROVE, {"reason": "数据有误"}, prepare=_submitted),
    Act(
        "correct",
        CHANGE,
        {
            "correction_reason": "更正",
            "total_income": "1.00",
            "operating_income": "1.00",
            "development_model": "asset",
            "assets": "0",
            "debt": "0",
        },
    ),
)


def _page(route):
    return lambda obj: reverse(f"collective_economy:{route}", args=[obj.pk])


REPORT_PAGES = (
    Act("page approve", APPROVE, prepare=_submitted, url=_page("report_approve")),
    Act("page send-back", APPROVE, {"reason": "数据有误"}, prepare=_submitted, url=_page("report_send_back")),
)

TOWNSHIPS = {"unit_key_in": "township_a", "unit_key_out": "township_b"}

CASES = [
    ScopeCase(
        name="income_report",
        model=IncomeReport,
        make=_report,
        ui_detail=lambda obj: reverse("collective_economy:report", args=[obj.pk]),
        ui_update=lambda obj: reverse("collective_economy:report_edit", args=[obj.pk]),
        ui_update_data={
            "correction_reason": "改",
            "total_income": "1",
            "operating_income": "1",
            "development_model": "asset",
            "assets": "0",
            "debt": "0",
        },
        ui_delete=lambda obj: reverse("collective_economy:report_correct", args=[obj.pk]),
        api_list="/api/v1/collective_economy/income-reports/",
        api_update_data={"total_income": "1.00"},
        api_actions=REPORT_ACTIONS,
        ui_actions=REPORT_PAGES,
        api_update_refused="an approved report is locked: it is corrected (ui_delete: the correction page)",
        ui_update_refused="an approved report is locked: the edit page shows the form again",
        marker=lambda obj: f"/economy/reports/{obj.pk}/",
        ui_list=None,
    ),
    ScopeCase(
        name="collective_project",
        model=Project,
        make=_project,
        ui_list=lambda: reverse("collective_economy:projects"),
        ui_update=lambda obj: reverse("collective_economy:project_edit", args=[obj.pk]),
        ui_update_data={"name": "改名", "development_model": "asset", "investment": "1", "status": "planned"},
        api_list="/api/v1/collective_economy/projects/",
        api_update_data={"name": "改名"},
        api_create_body=lambda county, village: {
            "village_code": village.code,
            "name": "新项目",
            "development_model": "cooperative",
            "investment": "50000.00",
        },
        marker=lambda obj: f"{obj.village.name}</a></td><td>{obj.name}",
    ),
    ScopeCase(
        name="threshold_target",
        model=ThresholdTarget,
        make=_target,
        **TOWNSHIPS,
        api_list="/api/v1/collective_economy/threshold-targets/",
        api_update_data={"target_share": "10.00"},
        api_create_body=lambda county, township: {
            "unit_code": township.code,
            "year": 2025,
            "threshold": "100000.00",
            "target_share": "80.00",
        },
    ),
    ScopeCase(
        name="doubling_plan",
        model=DoublingPlan,
        make=_plan,
        **TOWNSHIPS,
        api_list="/api/v1/collective_economy/doubling-plans/",
        api_update_data={"multiple": "3.00"},
    ),
    ScopeCase(
        name="reward_scheme",
        model=RewardScheme,
        make=_scheme,
        **TOWNSHIPS,
        api_list="/api/v1/collective_economy/reward-schemes/",
        api_update_data={"name": "改名"},
    ),
    ScopeCase(name="reward_rule", model=RewardRule, make=_rule, **TOWNSHIPS),
    ScopeCase(
        name="village_reward",
        model=VillageReward,
        make=_reward,
        api_list="/api/v1/collective_economy/rewards/",
        api_update_data={"amount": "1.00"},
        api_actions=(
            # List-wide: (re)computes every reward of the scope (the object's village) and year.
            Act(
                "compute",
                COMPUTE,
                lambda county, obj: {"scope_code": obj.village.code, "year": obj.year},
                detail=False,
                expect=lambda user, obj: roles.expected_at(user, COMPUTE, VillageReward, obj.village),
            ),
        ),
    ),
    ScopeCase(
        name="project_competition",
        model=ProjectCompetition,
        make=_competition,
        **TOWNSHIPS,
        ui_detail=lambda obj: reverse("collective_economy:competition", args=[obj.pk]),
        ui_list=lambda: reverse("collective_economy:projects"),
        api_list="/api/v1/collective_economy/competitions/",
        api_update_data={"name": "改名"},
        api_actions=(Act("ranking", VIEW, method="get"),),
    ),
    ScopeCase(
        name="project_score",
        model=ProjectScore,
        make=_score,
        api_list="/api/v1/collective_economy/project-scores/",
        api_update_data={"score": "1"},
    ),
]
