from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
# No ".json" twins of every route: JSON is the only format, and the twins answered 500 on custom actions.
router.include_format_suffixes = False
router.register("income-reports", views.IncomeReportViewSet, basename="income-report")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("threshold-targets", views.ThresholdTargetViewSet, basename="threshold-target")
router.register("doubling-plans", views.DoublingPlanViewSet, basename="doubling-plan")
router.register("reward-schemes", views.RewardSchemeViewSet, basename="reward-scheme")
router.register("rewards", views.VillageRewardViewSet, basename="reward")
router.register("competitions", views.ProjectCompetitionViewSet, basename="competition")
router.register("project-scores", views.ProjectScoreViewSet, basename="project-score")

urlpatterns = [path("shares/", views.SharesView.as_view(), name="shares"), *router.urls]
