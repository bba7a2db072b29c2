"""Every collective-economy action asks accounts.permissions with the actions the models declare: SUBMIT (the
village secretary), APPROVE (township staff, and the organization department as they do), CHANGE (corrections,
projects, targets, competitions, scores), COMPUTE (rewards: the organization department). The right role in scope
succeeds, a role without the action is refused (PermissionDenied, 403), another subtree is not found (404)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.permissions import APPROVE, SYSTEM, can, can_at, units_for
from accounts.roles import Role
from collective_economy import services
from collective_economy.models import (
    COMPUTE,
    SUBMIT,
    DevelopmentModel,
    IncomeReport,
    Project,
    ProjectCompetition,
    ReportStatus,
    RewardRuleKind,
    ThresholdTarget,
    VillageReward,
)
from core.models import AuditEntry
from tests.factories import user_with_role

from .helpers import approved, figures

pytestmark = pytest.mark.django_db
API = "/api/v1/collective_economy"


def submit(county, actor, village="village_a1"):
    return services.income_report_submit(village=county[village], year=2024, actor=actor, **figures("210000"))


def test_declared_actions_answer_by_role(county, users):
    village = county["village_a1"]
    assert can_at(users["secretary_a1"], SUBMIT, IncomeReport, village)
    assert not can_at(users["staff_a"], SUBMIT, IncomeReport, village)
    assert can_at(users["staff_a"], APPROVE, IncomeReport, village)
    assert can_at(users["city_staff"], APPROVE, IncomeReport, village)  # as township staff do
    assert not can_at(users["secretary_a1"], APPROVE, IncomeReport, village)
    assert not can_at(users["staff_b"], APPROVE, IncomeReport, village)
    assert units_for(users["city_staff"], VillageReward, COMPUTE) == [county["city"].path]
    assert units_for(users["staff_a"], VillageReward, COMPUTE) == []


@pytest.mark.parametrize("who", ["staff_a", "city_staff", "external", "staff_b"])
def test_only_the_secretary_submits(county, users, who):
    with pytest.raises(PermissionDenied):
        submit(county, users[who])
    report = submit(county, users["secretary_a1"])
    with pytest.raises(PermissionDenied):
        services.income_report_update(report=report, actor=users[who], debt=Decimal("1"))


@pytest.mark.parametrize("who", ["staff_a", "city_staff"])
def test_township_staff_and_the_org_department_approve(county, users, who):
    report = services.income_report_approve(report=submit(county, users["secretary_a1"]), actor=users[who])
    assert report.status == ReportStatus.APPROVED and report.reviewed_by == users[who]


@pytest.mark.parametrize("who", ["secretary_a1", "external", "staff_b"])
def test_approval_and_send_back_refused_without_the_action_or_outside(county, users, who):
    report = submit(county, users["secretary_a1"])
    with pytest.raises(PermissionDenied):
        services.income_report_approve(report=report, actor=users[who])
    with pytest.raises(PermissionDenied):
        services.income_report_send_back(report=report, actor=users[who], reason="不对")
    with pytest.raises(PermissionDenied):
        services.income_report_record_approved(
            village=county["village_a2"], year=2024, actor=users[who], **figures("1000")
        )
    assert IncomeReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_corrections_are_change_and_staff_corrections_are_approved(county, users):
    report = approved(county["village_a1"], 2024, "100000")
    with pytest.raises(PermissionDenied):
        services.income_report_correct(report=report, actor=users["external"], reason="改")
    with pytest.raises(PermissionDenied):
        services.income_report_correct(report=report, actor=users["staff_b"], reason="改")
    by_secretary = services.income_report_correct(report=report, actor=users["secretary_a1"], reason="改")
    assert by_secretary.status == ReportStatus.SUBMITTED  # waits for the township's review
    current = services.income_report_approve(report=by_secretary, actor=users["staff_a"])
    by_staff = services.income_report_correct(report=current, actor=users["staff_a"], reason="再改")
    assert by_staff.status == ReportStatus.APPROVED  # staff hold APPROVE too: approved at once


def test_bulk_record_checks_every_village(county, users):
    rows = [
        {"village": county["village_a1"], "year": 2023, **figures("100")},
        {"village": county["village_b1"], "year": 2023, **figures("100")},
    ]
    with pytest.raises(PermissionDenied):
        services.income_reports_bulk_record(rows=rows, actor=users["staff_a"])
    assert not IncomeReport.objects.exists()
    created = services.income_reports_bulk_record(rows=rows, actor=SYSTEM)
    assert len(created) == 2 and created[0].reviewed_by is None
    entry = AuditEntry.objects.get(action="income_report.bulk_record")
    assert entry.actor is None and entry.changes["by"] == "system"


def test_no_actor_is_refused_everywhere(county, users):
    report = approved(county["village_a1"], 2023, "100")
    calls = [
        lambda: submit(county, None),
        lambda: services.income_report_correct(report=report, actor=None, reason="改"),
        lambda: services.income_report_record_approved(village=county["village_a2"], year=2024, actor=None),
        lambda: services.project_create(village=county["village_a1"], actor=None, name="x"),
        lambda: services.threshold_target_set(
            unit=county["city"], year=2024, threshold=Decimal("1"), target_share=Decimal("1"), actor=None
        ),
        lambda: services.doubling_plan_set(unit=county["city"], base_year=2021, target_year=2025, actor=None),
        lambda: services.competition_create(unit=county["city"], year=2024, name="x", actor=None),
        lambda: services.rewards_compute(scope=county["city"], year=2024, actor=None),
        lambda: services.reward_scheme_create(
            unit=county["city"], name="x", effective_year=2024, rules=[{"kind": "growth"}], actor=None
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


def _project(county, actor, village="village_a1"):
    return services.project_create(
        village=county[village],
        actor=actor,
        name="稻虾基地",
        development_model=DevelopmentModel.COOPERATIVE,
        investment=Decimal("1000"),
    )


@pytest.mark.parametrize("who", ["secretary_a1", "staff_a", "city_staff"])
def test_projects_change_for_the_secretary_and_staff(county, users, who):
    project = _project(county, users[who])
    services.project_update(project=project, actor=users[who], partners="合作社")
    services.project_delete(project=project, actor=users[who])
    assert not Project.objects.exists()


@pytest.mark.parametrize("who", ["external", "staff_b"])
def test_projects_refused_without_the_role_or_outside(county, users, who):
    with pytest.raises(PermissionDenied):
        _project(county, users[who])
    project = _project(county, SYSTEM)
    with pytest.raises(PermissionDenied):
        services.project_update(project=project, actor=users[who], partners="合作社")
    with pytest.raises(PermissionDenied):
        services.project_delete(project=project, actor=users[who])


def test_targets_plans_and_competitions_are_staff_changes(county, users):
    township = county["township_a"]
    target = services.threshold_target_set(
        unit=township, year=2024, threshold=Decimal("200000"), target_share=Decimal("50"), actor=users["staff_a"]
    )
    for who in ("secretary_a1", "staff_b", "external"):
        with pytest.raises(PermissionDenied):
            services.threshold_target_set(
                unit=township, year=2024, threshold=Decimal("200000"), target_share=Decimal("1"), actor=users[who]
            )
        with pytest.raises(PermissionDenied):
            services.threshold_target_delete(target=target, actor=users[who])
        with pytest.raises(PermissionDenied):
            services.doubling_plan_set(unit=township, base_year=2021, target_year=2025, actor=users[who])
        with pytest.raises(PermissionDenied):
            services.competition_create(unit=township, year=2024, name="比武", actor=users[who])
    assert ThresholdTarget.objects.get(pk=target.pk).target_share == Decimal("50")
    services.doubling_plan_set(unit=township, base_year=2021, target_year=2025, actor=users["staff_a"])
    services.competition_create(unit=township, year=2024, name="比武", actor=users["staff_a"])
    services.threshold_target_delete(target=target, actor=users["staff_a"])


def test_scores_check_the_competition_unit_and_the_project_village(county, users):
    city_competition = services.competition_create(unit=county["city"], year=2024, name="市比武", actor=SYSTEM)
    project = _project(county, SYSTEM)
    # Township A staff see the project's village but not the city holding the competition.
    with pytest.raises(PermissionDenied):
        services.project_score_set(
            competition=city_competition, project=project, reviewer=users["staff_a"], score=Decimal("80")
        )
    with pytest.raises(PermissionDenied):
        services.project_score_set(
            competition=city_competition, project=project, reviewer=users["secretary_a1"], score=Decimal("80")
        )
    score = services.project_score_set(
        competition=city_competition, project=project, reviewer=users["city_staff"], score=Decimal("80")
    )
    assert score.reviewer == users["city_staff"]


def test_reward_schemes_and_computation_are_the_org_departments(county, users):
    rules = [{"kind": RewardRuleKind.THRESHOLD_CROSSING, "threshold": Decimal("150000"), "amount": Decimal("1000")}]
    with pytest.raises(PermissionDenied):
        services.reward_scheme_create(
            unit=county["city"], name="办法", effective_year=2024, rules=rules, actor=users["staff_a"]
        )
    services.reward_scheme_create(unit=county["city"], name="办法", effective_year=2024, rules=rules, actor=SYSTEM)
    for who in ("staff_a", "secretary_a1"):
        with pytest.raises(PermissionDenied):
            services.rewards_compute(scope=county["township_a"], year=2024, actor=users[who])
    approved(county["village_a1"], 2023, "100000")
    approved(county["village_a1"], 2024, "200000")
    rewards = services.rewards_compute(scope=county["city"], year=2024, actor=SYSTEM)
    assert rewards and rewards[0].computed_by is None
    assert services.rewards_compute(scope=county["city"], year=2024, actor=users["city_staff"])


def test_pages_answer_403_without_the_action_and_404_outside(county, users, client_for):
    report = submit(county, users["secretary_a1"])
    approve = reverse("collective_economy:report_approve", args=[report.pk])
    edit = reverse("collective_economy:report_edit", args=[report.pk])
    submit_page = reverse("collective_economy:report_submit", args=[county["village_a1"].pk])
    assert client_for(users["secretary_a1"]).post(approve).status_code == 403
    assert client_for(users["staff_b"]).post(approve).status_code == 404
    assert client_for(users["staff_a"]).get(edit).status_code == 403
    assert client_for(users["staff_a"]).get(submit_page).status_code == 403
    assert client_for(users["staff_b"]).get(submit_page).status_code == 404
    assert client_for(users["secretary_a1"]).get(submit_page).status_code == 200
    assert client_for(users["staff_a"]).post(approve).status_code == 302
    assert IncomeReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED


def test_report_buttons_follow_can(county, users, client_for):
    report = submit(county, users["secretary_a1"])
    url = reverse("collective_economy:report", args=[report.pk])
    staff = client_for(users["staff_a"]).get(url).context
    assert staff["can_review"] and not staff["can_edit"]
    secretary = client_for(users["secretary_a1"]).get(url).context
    assert secretary["can_edit"] and not secretary["can_review"]
    assert can(users["secretary_a1"], SUBMIT, report) and not can(users["secretary_a1"], APPROVE, report)


def test_review_links_shown_to_who_may_approve(county, users, client_for):
    url, link = reverse("collective_economy:projects"), reverse("collective_economy:review_queue")
    assert link in client_for(users["staff_a"]).get(url).content.decode()
    assert link not in client_for(users["secretary_a1"]).get(url).content.decode()


def test_rewards_page_refuses_compute_to_township_staff(county, users, client_for):
    response = client_for(users["staff_a"]).post(reverse("collective_economy:rewards") + "?year=2024")
    assert response.status_code == 403
    assert client_for(users["staff_a"]).get(reverse("collective_economy:rewards")).context["can_compute"] is False


def test_import_page_needs_the_import_action_somewhere(county, users, client_for):
    url = reverse("imports:start", args=["income"])
    assert client_for(users["secretary_a1"]).get(url).status_code == 403
    assert client_for(users["staff_a"]).get(url).status_code == 200


def test_targets_form_offers_only_units_where_targets_may_be_set(county, users, client_for):
    form = client_for(users["staff_a"]).get(reverse("collective_economy:targets")).context["form"]
    assert set(form.fields["unit"].queryset) == {county["township_a"]}
    response = client_for(users["secretary_a1"]).post(reverse("collective_economy:targets"), {})
    assert response.status_code == 403


def test_competition_page_scoring_403_and_404(county, users, client_for):
    competition = services.competition_create(unit=county["township_a"], year=2024, name="比武", actor=SYSTEM)
    url = reverse("collective_economy:competition", args=[competition.pk])
    grid_worker = user_with_role("grid_worker_a", Role.GRID_WORKER, county["township_a"])
    assert client_for(grid_worker).get(url).context["can_score"] is False
    assert client_for(grid_worker).post(url, {}).status_code == 403
    assert client_for(users["staff_b"]).get(url).status_code == 404
    assert client_for(users["staff_a"]).get(url).context["can_score"] is True
    assert ProjectCompetition.objects.count() == 1


def test_api_approve_403_404_and_threshold_units_by_change(county, users, api_for):
    report = submit(county, users["secretary_a1"])
    approve = f"{API}/income-reports/{report.pk}/approve/"
    assert api_for(users["secretary_a1"]).post(approve).status_code == 403
    assert api_for(users["staff_b"]).post(approve).status_code == 404
    assert api_for(users["city_staff"]).post(approve).status_code == 200
    body = {"unit_code": county["township_a"].code, "year": 2024, "threshold": "200000", "target_share": "50"}
    assert api_for(users["secretary_a1"]).post(f"{API}/threshold-targets/", body, format="json").status_code == 400
    assert api_for(users["staff_a"]).post(f"{API}/threshold-targets/", body, format="json").status_code == 201
