from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import VIEW, restrict
from core.api.viewsets import ScopedModelViewSet

from .. import services
from ..models import OrganizationUnit
from ..selectors import unit_by_code
from .filters import OrganizationUnitFilter
from .serializers import (
    OrganizationUnitCreateSerializer,
    OrganizationUnitSerializer,
    OrganizationUnitUpdateSerializer,
    UnitMoveSerializer,
)


class OrganizationUnitViewSet(ScopedModelViewSet):
    """Organization units in the caller's jurisdiction. Look units up by id; filter with `within=<code>`."""

    queryset = OrganizationUnit.objects.select_related("parent", "party_org").order_by("path")
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
