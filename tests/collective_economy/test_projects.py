"""Projects behind the income and the project competition 擂台比武: scoring and ranking."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.permissions import SYSTEM
from collective_economy import selectors, services
from collective_economy.models import DevelopmentModel

pytestmark = pytest.mark.django_db


def project(village, name, actor=SYSTEM):
    return services.project_create(
        village=village,
        actor=actor,
        name=name,
        development_model=DevelopmentModel.COOPERATIVE,
        investment=Decimal("800000.00"),
        partners="种养殖合作社",
    )


def test_secretary_manages_own_village_projects_only(county, users):
    mine = project(county["village_a1"], "稻虾基地", actor=users["secretary_a1"])
    assert mine.partners == "种养殖合作社"
    with pytest.raises(PermissionDenied):
        project(county["village_a2"], "别村项目", actor=users["secretary_a1"])
    with pytest.raises(ValidationError):
        project(county["community_a"], "社区项目", actor=users["staff_a"])


def test_competition_ranking_by_average_with_shared_ranks(county, users):
    competition = services.competition_create(
        unit=county["city"], year=2024, name="擂台比武", actor=users["city_staff"]
    )
    a, b, c = (project(county[v], f"项目{v}") for v in ("village_a1", "village_a2", "village_b1"))
    for reviewer, scores in ((users["city_staff"], (90, 80, 85)), (users["admin"], (80, 90, 70))):
        for item, score in zip((a, b, c), scores, strict=True):
            services.project_score_set(competition=competition, project=item, reviewer=reviewer, score=Decimal(score))
    ranking = selectors.competition_ranking(user=users["city_staff"], competition=competition)
    assert [(r.rank, r.project, r.average) for r in ranking] == [
        (1, a, Decimal("85.00")),
        (1, b, Decimal("85.00")),
        (3, c, Decimal("77.50")),
    ]
    # Re-scoring replaces the reviewer's score rather than adding one.
    services.project_score_set(competition=competition, project=c, reviewer=users["admin"], score=Decimal("100"))
    ranking = selectors.competition_ranking(user=users["city_staff"], competition=competition)
    assert ranking[0].project == c and ranking[0].average == Decimal("92.50") and ranking[0].reviewers == 2


def test_scoring_rules(county, users):
    competition = services.competition_create(
        unit=county["township_a"], year=2024, name="镇擂台", actor=users["staff_a"]
    )
    inside, outside = project(county["village_a1"], "甲项目"), project(county["village_b1"], "乙项目")
    with pytest.raises(ValidationError):
        services.project_score_set(
            competition=competition, project=inside, reviewer=users["staff_a"], score=Decimal("101")
        )
    with pytest.raises(ValidationError):
        services.project_score_set(
            competition=competition, project=outside, reviewer=users["staff_a"], score=Decimal("90")
        )
    with pytest.raises(PermissionDenied):
        services.project_score_set(
            competition=competition, project=inside, reviewer=users["staff_b"], score=Decimal("90")
        )
