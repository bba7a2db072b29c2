from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status, throttling
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import VIEW, restrict
from core.api.throttling import AnonThrottle, ClientThrottle, LiveRatesMixin, UserThrottle
from core.api.viewsets import ScopedModelViewSet

from .. import services
from ..models import OrganizationUnit
from ..selectors import grid_at, unit_by_code
from .filters import OrganizationUnitFilter
from .serializers import (
    LocateQuerySerializer,
    LocateSerializer,
    OrganizationUnitCreateSerializer,
    OrganizationUnitSerializer,
    OrganizationUnitUpdateSerializer,
    UnitMoveSerializer,
)


class OrganizationUnitViewSet(ScopedModelViewSet):
    """Organization units in the caller's jurisdiction. Look units up by id or by code (`code:<code>` for a
    code of digits only); filter with `within=<code>`."""

    queryset = OrganizationUnit.objects.select_related("parent", "party_org").order_by("path")
    ordering_fields = ("id", "updated_at", "code", "name", "path")  # `?ordering=` (core/api/filters.py)
    code_field = "code"  # units/VILA10001/ and units/code:421081/ (a division code) as well as units/12/
    serializer_class = OrganizationUnitSerializer
    filterset_class = OrganizationUnitFilter

    @extend_schema(request=OrganizationUnitCreateSerializer, responses=OrganizationUnitSerializer)
    def create(self, request, *args, **kwargs):
        data = self.validated(OrganizationUnitCreateSerializer)
        parent = unit_by_code(self.request.user, data.pop("parent_code"), field="parent_code")
        unit = services.unit_create(parent=parent, actor=request.user, **data)
        return self.answer(unit, created=True)

    @extend_schema(request=OrganizationUnitUpdateSerializer, responses=OrganizationUnitSerializer)
    def update(self, request, *args, **kwargs):
        unit = self.get_object()
        body = OrganizationUnitUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        unit = services.unit_update(unit=unit, actor=request.user, **body.validated_data)
        return self.answer(unit)

    def destroy(self, request, *args, **kwargs):
        services.unit_delete(unit=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=OrganizationUnitSerializer(many=True))
    @action(detail=True, methods=["get"])
    def children(self, request, pk=None):
        """The unit's direct children."""
        unit = self.get_object()
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).filter(parent=unit))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=OrganizationUnitSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ancestors(self, request, pk=None):
        """The unit's ancestors within the caller's jurisdiction, root first."""
        unit = self.get_object()
        ancestors = restrict(OrganizationUnit.objects.select_related("parent", "party_org"), request.user, VIEW)
        return Response(self.get_serializer(ancestors.ancestors_of(unit), many=True).data)

    @extend_schema(request=UnitMoveSerializer, responses=OrganizationUnitSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the unit and its whole subtree under another parent (atomic)."""
        unit = self.get_object()
        body = UnitMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new_parent = unit_by_code(self.request.user, body.validated_data["parent_code"], field="parent_code")
        unit = services.unit_move(unit=unit, new_parent=new_parent, actor=request.user)
        return self.answer(unit)


class LocateThrottle(LiveRatesMixin, throttling.SimpleRateThrottle):
    """Per client address, signed in or not (`locate` rate): a phone asks once when its location is known."""

    scope = "locate"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _located(unit: OrganizationUnit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.code, "kind": unit.kind}


class LocateView(APIView):
    """The grid a point lies in, for the woodpecker sign-up (anyone may ask; throttled per address): `?lat=&lng=`.
    200 with the active grid whose boundary holds the point and its village or community and township; 404 when no
    grid's boundary holds it; 400 for a missing or bad coordinate."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonThrottle, UserThrottle, ClientThrottle, LocateThrottle]

    @extend_schema(parameters=[LocateQuerySerializer], responses=LocateSerializer)
    def get(self, request):
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        grid = grid_at(lng=float(query.validated_data["lng"]), lat=float(query.validated_data["lat"]))
        if grid is None or grid.parent is None or grid.parent.parent is None:
            raise exceptions.NotFound(_("No grid's boundary holds this point."))
        return Response(
            {"grid": _located(grid), "community": _located(grid.parent), "township": _located(grid.parent.parent)}
        )
