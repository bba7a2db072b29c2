"""The collective economy API. Reads are limited to the caller's jurisdiction; writes go through the services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import VIEW, restrict
from core.api.viewsets import ScopedModelViewSet, ServiceWrittenMixin
from core.errors import ErrorCode as CoreCode
from core.params import parse_year
from organizations.models import OrganizationUnit
from organizations.selectors import unit_by_code

from .. import selectors, services
from ..models import (
    DoublingPlan,
    IncomeReport,
    Project,
    ProjectCompetition,
    ProjectScore,
    RewardScheme,
    ThresholdTarget,
    VillageReward,
)
from . import schema as docs
from . import serializers as s


class ReadOnlyWritesMixin(ServiceWrittenMixin):
    """Records written only by their own services: no create through the generic endpoint either."""

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)


class YearFilterMixin:
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        year = parse_year(params)
        if year is not None:
            queryset = queryset.filter(year=year)
        return queryset


@docs.income_reports
class IncomeReportViewSet(YearFilterMixin, ScopedModelViewSet):
    """Income reports (every version). Filters: `year`, `status`, `village_code`, `within` (a unit code).
    POST submits (village secretary); PATCH changes a report not yet approved; actions approve, send_back, correct."""

    api_route = "income-reports", "income-report"

    queryset = IncomeReport.objects.select_related("village").order_by("village__path", "-year", "-version")
    serializer_class = s.IncomeReportSerializer

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        if params.get("village_code"):
            queryset = queryset.filter(village__code=params["village_code"].strip().upper())
        if params.get("within"):
            root = restrict(OrganizationUnit.objects.all(), self.request.user).filter(code=params["within"]).first()
            queryset = queryset.filter(village__path__startswith=root.path) if root else queryset.none()
        return queryset

    @extend_schema(request=s.IncomeReportSubmitSerializer, responses=s.IncomeReportSerializer)
    def create(self, request, *args, **kwargs):
        data = self.validated(s.IncomeReportSubmitSerializer)
        village = unit_by_code(request.user, data.pop("village_code"), field="village_code", action=VIEW)
        report = services.income_report_submit(village=village, year=data.pop("year"), actor=request.user, **data)
        return self.answer(report, created=True)

    @extend_schema(request=s.IncomeReportUpdateSerializer, responses=s.IncomeReportSerializer)
    def update(self, request, *args, **kwargs):
        report = self.get_object()
        body = s.IncomeReportUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        report = services.income_report_update(report=report, actor=request.user, **body.validated_data)
        return self.answer(report)

    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise exceptions.MethodNotAllowed(request.method)

    @extend_schema(request=None, responses=s.IncomeReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Township staff approve a submitted report; it is locked from then on."""
        report = services.income_report_approve(report=self.get_object(), actor=request.user)
        return self.answer(report)

    @extend_schema(request=s.SendBackSerializer, responses=s.IncomeReportSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Township staff send a submitted report back with the reason."""
        report = self.get_object()
        body = s.SendBackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.income_report_send_back(
            report=report, actor=request.user, reason=body.validated_data["reason"]
        )
        return self.answer(report)

    @extend_schema(request=s.IncomeCorrectionSerializer, responses=s.IncomeReportSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct an approved report: a new version with the reason (township staff: approved at once)."""
        report = self.get_object()
        data = self.validated(s.IncomeCorrectionSerializer)
        new = services.income_report_correct(
            report=report, actor=request.user, reason=data.pop("correction_reason"), **data
        )
        return self.answer(new, created=True)


@docs.projects
class ProjectViewSet(ScopedModelViewSet):
    """Projects behind village income. Create with `village_code`."""

    api_route = "projects", "project"

    queryset = Project.objects.select_related("village").order_by("village__path", "name")
    serializer_class = s.ProjectSerializer

    @extend_schema(request=s.ProjectCreateSerializer, responses=s.ProjectSerializer)
    def create(self, request, *args, **kwargs):
        data = self.validated(s.ProjectCreateSerializer)
        village = unit_by_code(request.user, data.pop("village_code"), field="village_code", action=VIEW)
        project = services.project_create(village=village, actor=request.user, **data)
        return self.answer(project, created=True)

    def update(self, request, *args, **kwargs):
        project = self.get_object()
        body = s.ProjectSerializer(project, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k != "village"}
        project = services.project_update(project=project, actor=request.user, **data)
        return self.answer(project)

    def destroy(self, request, *args, **kwargs):
        services.project_delete(project=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@docs.threshold_targets
class ThresholdTargetViewSet(YearFilterMixin, ScopedModelViewSet):
    """Threshold targets per scope and year. POST sets (or changes) one by `unit_code`, `year`, `threshold`."""

    api_route = "threshold-targets", "threshold-target"

    queryset = ThresholdTarget.objects.select_related("unit").order_by("unit__path", "year", "threshold")
    serializer_class = s.ThresholdTargetSerializer

    @extend_schema(request=s.ThresholdTargetCreateSerializer, responses=s.ThresholdTargetSerializer)
    def create(self, request, *args, **kwargs):
        data = self.validated(s.ThresholdTargetCreateSerializer)
        unit = unit_by_code(request.user, data.pop("unit_code"), field="unit_code", model=ThresholdTarget)
        target = services.threshold_target_set(unit=unit, actor=request.user, **data)
        return self.answer(target, created=True)

    def update(self, request, *args, **kwargs):
        target = self.get_object()
        body = s.ThresholdTargetSerializer(target, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        target = services.threshold_target_set(
            unit=target.unit,
            year=target.year,
            threshold=target.threshold,
            target_share=body.validated_data.get("target_share", target.target_share),
            actor=request.user,
        )
        return self.answer(target)

    def destroy(self, request, *args, **kwargs):
        services.threshold_target_delete(target=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@docs.doubling_plans
class DoublingPlanViewSet(ReadOnlyWritesMixin, ScopedModelViewSet):
    """Doubling plans (read-only here; set in the back office)."""

    api_route = "doubling-plans", "doubling-plan"

    queryset = DoublingPlan.objects.select_related("unit").order_by("unit__path", "base_year")
    serializer_class = s.DoublingPlanSerializer


@docs.reward_schemes
class RewardSchemeViewSet(ReadOnlyWritesMixin, ScopedModelViewSet):
    """Reward schemes with their rules."""

    api_route = "reward-schemes", "reward-scheme"

    queryset = RewardScheme.objects.prefetch_related("rules").order_by("unit__path", "-effective_year")
    serializer_class = s.RewardSchemeSerializer


@docs.rewards
class VillageRewardViewSet(YearFilterMixin, ReadOnlyWritesMixin, ScopedModelViewSet):
    """Computed rewards with their explanation. POST `compute/` computes a year for a scope."""

    api_route = "rewards", "reward"

    queryset = VillageReward.objects.select_related("village").order_by("village__path", "-year")
    serializer_class = s.VillageRewardSerializer

    @extend_schema(request=s.ComputeRewardsSerializer, responses=s.VillageRewardSerializer(many=True))
    @action(detail=False, methods=["post"])
    def compute(self, request):
        """Compute (or recompute) every village's reward for a year under the scheme in force."""
        body = s.ComputeRewardsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scope = unit_by_code(request.user, body.validated_data["scope_code"], field="scope_code", action=VIEW)
        rewards = services.rewards_compute(scope=scope, year=body.validated_data["year"], actor=request.user)
        return Response(self.get_serializer(rewards, many=True).data)


@docs.competitions
class ProjectCompetitionViewSet(YearFilterMixin, ReadOnlyWritesMixin, ScopedModelViewSet):
    """Project competitions; `ranking/` lists projects by their average score."""

    api_route = "competitions", "competition"

    queryset = ProjectCompetition.objects.select_related("unit").order_by("-year", "unit__path")
    serializer_class = s.ProjectCompetitionSerializer

    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ranking(self, request, pk=None):
        ranking = selectors.competition_ranking(user=request.user, competition=self.get_object())
        return Response(
            [
                {
                    "rank": r.rank,
                    "project": r.project.pk,
                    "name": r.project.name,
                    "average": str(r.average),
                    "reviewers": r.reviewers,
                }
                for r in ranking
            ]
        )


@docs.project_scores
class ProjectScoreViewSet(ReadOnlyWritesMixin, ScopedModelViewSet):
    """Reviewers' scores of projects."""

    api_route = "project-scores", "project-score"

    queryset = ProjectScore.objects.order_by("competition", "project", "reviewer")
    serializer_class = s.ProjectScoreSerializer


def _share(share):
    return {
        "threshold": str(share.threshold),
        "villages": share.villages,
        "reported": share.reported,
        "missing": share.villages - share.reported,
        "over": share.over,
        "share_of_reported": None if share.share_of_reported is None else str(share.share_of_reported),
        "share_of_all": None if share.share_of_all is None else str(share.share_of_all),
        "target_share": None if share.target is None else str(share.target.target_share),
        "target_met": share.target_met,
    }


class SharesView(APIView):
    """Threshold shares of a scope for a year: of reported villages and of all villages (missing reports stay in
    the denominator), with the missing villages and the villages whose debt grew."""

    @docs.shares
    def get(self, request):
        year = parse_year(request.query_params)
        if year is None:
            message = _("The year must be a number such as 2024.")
            raise exceptions.ValidationError({"year": [message]}, code=CoreCode.INVALID_YEAR)
        scope = unit_by_code(request.user, request.query_params.get("scope_code", ""), field="scope_code", action=VIEW)
        table = selectors.income_table(user=request.user, scope=scope, year=year)
        return Response(
            {
                "scope": scope.code,
                "year": year,
                "villages": len(table.rows),
                "reported": len(table.reported),
                "shares": [_share(share) for share in table.shares],
                "missing": [row.village.code for row in table.missing],
                "debt_grew": [
                    {"village": row.village.code, "debt_growth": str(row.debt_growth)} for row in table.debt_flags
                ],
            }
        )
