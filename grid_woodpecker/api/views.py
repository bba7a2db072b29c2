"""API of the grid woodpeckers. Thin: every queryset goes through the model's scoped `restrict`, writes call the
services, and a service's refusal comes back as the API's one error body."""

import math

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import CHANGE, VIEW, restrict
from core.api.viewsets import ScopedViewSetMixin, ServiceWrittenMixin
from organizations.errors import ErrorCode as UnitCode
from organizations.models import OrganizationUnit

from .. import selectors
from ..errors import ErrorCode
from ..models import (
    TAKE,
    AbuseListEntry,
    Clue,
    ClueCategory,
    ClueEvent,
    ClueSource,
    Goods,
    InspectionTask,
    PointsAccount,
    PointsEntry,
    PointsPolicy,
    Redemption,
    Station,
    Woodpecker,
)
from ..services import clues
from ..services.config import abuse_list_add, abuse_list_remove, category_create, category_update
from ..services.inspections import task_create, task_take
from ..services.points import points_adjust, policy_set
from ..services.redemptions import redemption_cancel, redemption_confirm, redemption_hand_out, redemption_reserve
from ..services.stations import goods_create, goods_stock_adjust, goods_update, station_create, station_update
from ..services.woodpeckers import woodpecker_confirm, woodpecker_create, woodpecker_deactivate, woodpecker_set_lead
from . import serializers as s
from .docs import clues as clues_docs
from .docs import points as points_docs


class GridScopedMixin(ScopedViewSetMixin):
    """The foundation's scoped viewset (owners and departments come from the models' scope attributes)."""

    def _unit(self, pk_or_code, field, action_=CHANGE):
        qs = OrganizationUnit.objects.restrict(self.request.user, action_)
        unit = qs.filter(code=str(pk_or_code)).first() or (
            qs.filter(pk=pk_or_code).first() if str(pk_or_code).isdigit() else None
        )
        if unit is None:
            raise exceptions.ValidationError(
                {field: ["No unit with this code in your jurisdiction."]}, code=UnitCode.UNKNOWN_UNIT
            )
        return unit


class ReadOnlyScoped(ServiceWrittenMixin, GridScopedMixin, viewsets.ReadOnlyModelViewSet):
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)


@extend_schema_view(**clues_docs.WOODPECKER)
class WoodpeckerViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    """Woodpeckers of the caller's jurisdiction (a woodpecker sees themself). PATCH sets the lead duties."""

    api_route = "woodpeckers", "woodpecker"

    queryset = Woodpecker.objects.select_related("person", "grid", "account")
    serializer_class = s.WoodpeckerSerializer
    filterset_fields = ["status", "group", "is_lead", "grid"]

    @extend_schema(request=s.WoodpeckerCreateSerializer, responses=s.WoodpeckerSerializer)
    def create(self, request, *args, **kwargs):
        data = self.validated(s.WoodpeckerCreateSerializer)
        grid = self._unit(data.pop("grid_code"), "grid_code", VIEW)
        woodpecker = woodpecker_create(grid=grid, actor=request.user, **data)
        return self.answer(woodpecker, created=True)

    @extend_schema(request=s.WoodpeckerUpdateBodySerializer, responses=s.WoodpeckerSerializer)
    def partial_update(self, request, *args, **kwargs):
        woodpecker = self.get_object()
        body = s.WoodpeckerUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        woodpecker = woodpecker_set_lead(
            woodpecker=woodpecker,
            is_lead=body.validated_data["is_lead"],
            duties=body.validated_data["lead_duties"],
            actor=request.user,
        )
        return self.answer(woodpecker)

    @extend_schema(request=None, **clues_docs.WOODPECKER_CONFIRM)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        woodpecker = woodpecker_confirm(woodpecker=self.get_object(), actor=request.user)
        return self.answer(woodpecker)

    @extend_schema(request=s.ReasonSerializer, **clues_docs.WOODPECKER_DEACTIVATE)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        woodpecker = woodpecker_deactivate(
            woodpecker=self.get_object(), reason=body.validated_data["reason"], actor=request.user
        )
        return self.answer(woodpecker)


@extend_schema_view(**clues_docs.CATEGORY)
class CategoryViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    """Clue categories configured in the caller's jurisdiction (a city's categories apply to all its grids)."""

    api_route = "categories", "category"

    queryset = ClueCategory.objects.select_related("unit")
    serializer_class = s.CategorySerializer

    def create(self, request, *args, **kwargs):
        data = self.validated(self.get_serializer)
        data.pop("is_active", None)
        category = category_create(actor=request.user, **data)
        return self.answer(category, created=True)

    def partial_update(self, request, *args, **kwargs):
        category = self.get_object()
        body = self.get_serializer(category, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = {k: v for k, v in body.validated_data.items() if k not in ("unit", "code")}
        category = category_update(category=category, actor=request.user, **fields)
        return self.answer(category)


@extend_schema_view(**clues_docs.CLUE)
class ClueViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    """Clues: a woodpecker files and sees their own; staff see their jurisdiction's, handlers those dispatched to
    their department. Each step of the closed loop is an action; PATCH re-categorises."""

    api_route = "clues", "clue"

    queryset = Clue.objects.select_related("category", "grid", "reporter__person").prefetch_related("photos")
    serializer_class = s.ClueSerializer
    filterset_fields = ["status", "flag", "category", "grid", "handler_kind", "department"]
    ordering_fields = ("id", "updated_at", "submitted_at")  # `?ordering=` (core/api/filters.py)

    def get_queryset(self):
        # Every step is its own action (triage, handle, rate) that the service asks can() about: the clue is found
        # in the view scope (404 outside it) and a step the caller may not take is refused there (403).
        return restrict(self.queryset.all(), self.request.user, VIEW)

    def _run(self, fn, **kwargs):
        clue = fn(actor=self.request.user, **kwargs)
        return Response(s.ClueSerializer(clue).data)

    @extend_schema(request=s.ClueSubmitSerializer, responses=s.ClueSerializer)
    def create(self, request, *args, **kwargs):
        data = self.validated(s.ClueSubmitSerializer)
        data["photos"] = request.FILES.getlist("photos") or data["photos"]
        try:
            clue = clues.clue_submit(actor=request.user, source=ClueSource.WOODPECKER, **data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "rate_limited":
                throttled = exceptions.Throttled(detail=exc.messages[0])
                throttled.wait = math.ceil(getattr(exc, "wait", None) or 1)  # DRF sends it as Retry-After
                raise throttled
            raise
        return Response(s.ClueSerializer(clue).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ClueUpdateBodySerializer, responses=s.ClueSerializer)
    def partial_update(self, request, *args, **kwargs):
        clue = self.get_object()
        body = s.ClueUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        category = get_object_or_404(ClueCategory, pk=body.validated_data["category"])
        return self._run(clues.clue_recategorize, clue=clue, category=category, note=body.validated_data["note"])

    @extend_schema(request=s.NoteSerializer, responses=s.ClueSerializer, **clues_docs.CLUE_ACCEPT)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._run(clues.clue_accept, clue=self.get_object(), note=body.validated_data["note"])

    @extend_schema(request=s.MergeSerializer, responses=s.ClueSerializer, **clues_docs.CLUE_MERGE)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        body = s.MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        original = get_object_or_404(Clue.objects.restrict(request.user), pk=body.validated_data["duplicate_of"])
        return self._run(clues.clue_merge, clue=self.get_object(), original=original, note=body.validated_data["note"])

    @extend_schema(request=s.ReasonSerializer, responses=s.ClueSerializer, **clues_docs.CLUE_REJECT)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._run(clues.clue_reject, clue=self.get_object(), reason=body.validated_data["reason"])

    @extend_schema(request=s.NoteSerializer, responses=s.ClueSerializer, **clues_docs.CLUE_HANDLE)
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._run(clues.clue_handle_in_community, clue=self.get_object(), note=body.validated_data["note"])

    @extend_schema(request=s.DispatchSerializer, responses=s.ClueSerializer, **clues_docs.CLUE_DISPATCH_TO)
    @action(detail=True, methods=["post"])
    def dispatch_to(self, request, pk=None):
        body = s.DispatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        department = get_object_or_404(OrganizationUnit, pk=body.validated_data["department"])
        return self._run(
            clues.clue_dispatch,
            clue=self.get_object(),
            department=department,
            deadline=body.validated_data["deadline"],
            note=body.validated_data["note"],
        )

    @extend_schema(request=s.NoteSerializer, responses=s.ClueSerializer, **clues_docs.CLUE_START)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._run(clues.clue_start, clue=self.get_object(), note=body.validated_data["note"])

    @extend_schema(
        request={"application/json": s.ResolveSerializer, "multipart/form-data": s.ResolveUploadSerializer},
        responses=s.ClueSerializer,
        **clues_docs.CLUE_RESOLVE,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        body = s.ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._run(
            clues.clue_resolve,
            clue=self.get_object(),
            resolution=body.validated_data["resolution"],
            photos=request.FILES.getlist("photos"),
        )

    @extend_schema(request=s.RateSerializer, responses=s.ClueSerializer, **clues_docs.CLUE_RATE)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        body = s.RateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._run(clues.clue_rate, clue=self.get_object(), **body.validated_data)

    @extend_schema(responses=s.ClueEventSerializer(many=True), **clues_docs.CLUE_HISTORY)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        return Response(s.ClueEventSerializer(self.get_object().events.select_related("actor"), many=True).data)

    @extend_schema(responses=s.DuplicateClueSerializer(many=True), **clues_docs.CLUE_DUPLICATES)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def duplicates(self, request, pk=None):
        found = selectors.clue_duplicate_candidates(user=request.user, clue=self.get_object())
        return Response([dict(s.ClueSerializer(c).data, why=why) for c, why in found])


@extend_schema_view(**clues_docs.PUBLIC_CLUE)
class PublicClueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The public version of clues in a grid (`?grid=<code>`): no reporter and no personal data."""

    api_route = "public-clues", "public-clue"

    serializer_class = s.PublicClueSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no database query
            return Clue.objects.none()
        grid = OrganizationUnit.objects.filter(code=self.request.query_params.get("grid", "")).first()
        return selectors.public_clues(grid=grid) if grid else Clue.objects.none()


@extend_schema_view(**clues_docs.CLUE_EVENT)
class ClueEventViewSet(ReadOnlyScoped):
    api_route = "clue-events", "clue-event"
    queryset = ClueEvent.objects.select_related("actor")
    serializer_class = s.ClueEventSerializer
    filterset_fields = ["clue", "kind"]


@extend_schema_view(**clues_docs.TASK)
class TaskViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    """Inspection tasks (挑刺找茬) posted by communities for a grid and period; woodpeckers take them."""

    api_route = "tasks", "task"

    queryset = InspectionTask.objects.select_related("grid").prefetch_related("takers")  # takers_count, no N+1
    serializer_class = s.TaskSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        woodpecker = selectors.woodpecker_of(self.request.user)
        if woodpecker and self.request.method == "GET":
            qs = qs | InspectionTask.objects.filter(grid=woodpecker.grid)
        return qs.distinct()

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = task_create(actor=request.user, **body.validated_data)
        return self.answer(task, created=True)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=None, **clues_docs.TASK_TAKE)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def take(self, request, pk=None):
        # Found where the caller may take it (a woodpecker's own grid) or see it; the service asks can(TAKE).
        tasks = InspectionTask.objects.all()
        task = (restrict(tasks, request.user, TAKE) | restrict(tasks, request.user, VIEW)).filter(pk=pk).first()
        if task is None:
            raise exceptions.NotFound()
        return Response(self.get_serializer(task_take(task=task, actor=request.user)).data)


@extend_schema_view(**points_docs.POLICY)
class PolicyViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    """Points policies with their effective dates; a new rule is a new row, old ones stay as they were."""

    api_route = "policies", "policy"

    queryset = PointsPolicy.objects.all()
    serializer_class = s.PolicySerializer

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        policy = policy_set(actor=request.user, **body.validated_data)
        return self.answer(policy, created=True)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)


@extend_schema_view(**points_docs.ACCOUNT)
class AccountViewSet(ReadOnlyScoped):
    """Points balances; POST adjust/ to correct one (staff, with a reason)."""

    api_route = "accounts", "account"

    queryset = PointsAccount.objects.select_related("woodpecker")
    serializer_class = s.AccountSerializer

    @extend_schema(request=s.AdjustSerializer, responses={201: s.EntrySerializer}, **points_docs.ACCOUNT_ADJUST)
    @action(detail=False, methods=["post"])
    def adjust(self, request):
        data = self.validated(s.AdjustSerializer)
        woodpecker = get_object_or_404(Woodpecker.objects.restrict(request.user), pk=data.pop("woodpecker"))
        entry = points_adjust(woodpecker=woodpecker, actor=request.user, **data)
        return Response(s.EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(**points_docs.ENTRY)
class EntryViewSet(ReadOnlyScoped):
    """The append-only points ledger."""

    api_route = "ledger", "ledger"

    queryset = PointsEntry.objects.all()
    serializer_class = s.EntrySerializer
    filterset_fields = ["account", "kind", "clue"]


@extend_schema_view(**points_docs.STATION)
class StationViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    api_route = "stations", "station"
    queryset = Station.objects.select_related("unit")
    serializer_class = s.StationSerializer

    def create(self, request, *args, **kwargs):
        data = self.validated(self.get_serializer)
        data.pop("is_active", None)
        station = station_create(actor=request.user, **data)
        return self.answer(station, created=True)

    def partial_update(self, request, *args, **kwargs):
        station = self.get_object()
        body = self.get_serializer(station, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = {k: v for k, v in body.validated_data.items() if k != "unit"}
        return Response(self.get_serializer(station_update(station=station, actor=request.user, **fields)).data)


@extend_schema_view(**points_docs.GOODS)
class GoodsViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    api_route = "goods", "goods"
    queryset = Goods.objects.select_related("station")
    serializer_class = s.GoodsSerializer

    def create(self, request, *args, **kwargs):
        data = self.validated(self.get_serializer)
        data.pop("is_active", None)
        goods = goods_create(actor=request.user, **data)
        return self.answer(goods, created=True)

    def partial_update(self, request, *args, **kwargs):
        goods = self.get_object()
        body = self.get_serializer(goods, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = {k: v for k, v in body.validated_data.items() if k != "station"}
        return Response(self.get_serializer(goods_update(goods=goods, actor=request.user, **fields)).data)

    @extend_schema(request=s.StockAdjustSerializer, responses=s.GoodsSerializer, **points_docs.GOODS_STOCK)
    @action(detail=True, methods=["post"])
    def stock(self, request, pk=None):
        """Add to or take from the stock with a reason (never below zero), as the counter's form does."""
        goods = self.get_object()
        data = self.validated(s.StockAdjustSerializer)
        return self.answer(goods_stock_adjust(goods=goods, actor=request.user, **data))


@extend_schema_view(**points_docs.REDEMPTION)
class RedemptionViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    """Redemptions: a woodpecker reserves goods for points; the counter confirms or cancels."""

    api_route = "redemptions", "redemption"

    queryset = Redemption.objects.select_related("goods", "woodpecker")
    serializer_class = s.RedemptionSerializer

    @extend_schema(request=s.RedeemSerializer, responses=s.RedemptionSerializer)
    def create(self, request, *args, **kwargs):
        body = s.RedeemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        woodpecker = selectors.woodpecker_of(request.user)
        if woodpecker is None:
            raise exceptions.PermissionDenied()
        goods = get_object_or_404(selectors.goods_queryset_near(woodpecker=woodpecker), pk=body.validated_data["goods"])
        redemption = redemption_reserve(
            woodpecker=woodpecker,
            goods=goods,
            actor=request.user,
            quantity=body.validated_data["quantity"],
            idempotency_key=body.validated_data["idempotency_key"],
        )
        return self.answer(redemption, created=True)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def _settle(self, fn, pk):
        redemption = get_object_or_404(Redemption.objects.restrict(self.request.user), pk=pk)
        return Response(self.get_serializer(fn(redemption=redemption, actor=self.request.user)).data)

    @extend_schema(request=None, **points_docs.REDEMPTION_CONFIRM)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._settle(redemption_confirm, pk)

    @extend_schema(request=None, **points_docs.REDEMPTION_CANCEL)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._settle(redemption_cancel, pk)

    @extend_schema(request=s.HandOutSerializer, responses=s.RedemptionSerializer, **points_docs.REDEMPTION_HAND_OUT)
    @action(detail=False, methods=["post"])
    def hand_out(self, request):
        """The station's counter hands out the redemption waiting there under the woodpecker's pickup code. A wrong
        code is 400 `pickup_code_wrong`; past 5 wrong codes at a station in 10 minutes, 429 `pickup_locked`."""
        data = self.validated(s.HandOutSerializer)
        station = get_object_or_404(Station.objects.restrict(request.user), pk=data["station"])
        try:
            redemption = redemption_hand_out(station=station, code=data["pickup_code"], actor=request.user)
        except ValidationError as exc:
            if getattr(exc, "code", None) == ErrorCode.PICKUP_LOCKED:
                throttled = exceptions.Throttled(detail=exc.messages[0])
                throttled.wait = math.ceil(getattr(exc, "wait", None) or 1)  # DRF sends it as Retry-After
                raise throttled from exc
            raise
        return self.answer(redemption)


@extend_schema_view(**points_docs.ABUSE)
class AbuseViewSet(ServiceWrittenMixin, GridScopedMixin, viewsets.ModelViewSet):
    api_route = "abuse-list", "abuse"
    queryset = AbuseListEntry.objects.select_related("unit", "user")
    serializer_class = s.AbuseSerializer

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = abuse_list_add(actor=request.user, **body.validated_data)
        return self.answer(entry, created=True)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        abuse_list_remove(entry=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
