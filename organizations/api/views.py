from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
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

UNIT_EXAMPLE = {
    "id": 31,
    "code": "421081002001",
    "name": "东岳山社区",
    "kind": "community",
    "parent": 12,
    "parent_code": "421081002",
    "depth": 4,
    "sort_order": 1,
    "is_active": True,
    "party_organization": {
        "id": 31,
        "name": "中共东岳山社区委员会",
        "org_type": "committee",
        "founded_on": None,
        "status": "normal",
        "rectification_started_on": None,
        "rectified_on": None,
    },
    "created_at": "2026-03-02T09:00:00+08:00",
    "updated_at": "2026-11-20T16:30:00+08:00",
}
UNIT_RESPONSE = OpenApiExample(
    "A community", summary=gettext_lazy("A community"), value=UNIT_EXAMPLE, response_only=True
)
UNIT_UPDATE_EXAMPLE = OpenApiExample(
    "Rename a community",
    summary=gettext_lazy("Rename a community"),
    value={"name": "东岳山社区", "sort_order": 2},
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Organization units"),
        description=gettext_lazy(
            "The organization units in your jurisdiction (your unit and its subtree), by path. Filter by kind, parent "
            "(`parent`, `parent_code`), subtree (`within`), depth, `is_active` or `q`. A system client needs the "
            "scope hierarchy:read."
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One organization unit"),
        description=gettext_lazy(
            "One unit of your jurisdiction with its party organization, by id or by code (`code:<code>` for a code "
            "of digits only, e.g. `units/code:421081/`); 404 outside your jurisdiction. A system client needs the "
            "scope hierarchy:read."
        ),
        examples=[UNIT_RESPONSE],
    ),
    create=extend_schema(
        summary=gettext_lazy("Create a unit"),
        description=gettext_lazy(
            "Creates a unit under a parent in your jurisdiction (`parent_code`), together with its party "
            "organization, and audits it. Checked: the code is unique (`unique`) and fits the level (`division_code`), "
            "the kind fits the parent (`kind_not_allowed`), the tree is not too deep (`tree_too_deep`); an unknown "
            "parent answers `unknown_unit`. Portal users only: system client tokens are refused."
        ),
        examples=[
            OpenApiExample(
                "A community under a street",
                summary=gettext_lazy("A community under a street"),
                value={
                    "name": "东岳山社区",
                    "code": "421081002001",
                    "kind": "community",
                    "parent_code": "421081002",
                    "party_org_name": "中共东岳山社区委员会",
                    "sort_order": 1,
                },
                request_only=True,
            )
        ],
    ),
    update=extend_schema(
        summary=gettext_lazy("Change a unit"),
        description=gettext_lazy(
            "Changes a unit's own fields (name, code, kind, order, active), not its place in the tree (see move); "
            "audited. The kind of a unit with children cannot change (409 `unit_has_children`); a code taken answers "
            "`unique`. Changing `is_active` or `kind` recomputes the roll-ups. Portal users only."
        ),
        examples=[UNIT_UPDATE_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Change some fields of a unit"),
        description=gettext_lazy(
            "As PUT, with only the fields sent: the unit's own fields, audited; the kind of a unit with children "
            "cannot change (409 `unit_has_children`). Portal users only."
        ),
        examples=[UNIT_UPDATE_EXAMPLE],
    ),
    destroy=extend_schema(
        summary=gettext_lazy("Delete a unit"),
        description=gettext_lazy(
            "Deletes a leaf unit (audited; the deletion feed records it). Refused with 409 `unit_has_children` while "
            "it has child units, 409 `unit_in_use` while records are attached to it; only a system administrator "
            "deletes a top-level unit (`top_level_unit`). Portal users only."
        ),
    ),
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

    @extend_schema(
        summary=gettext_lazy("Child units"),
        description=gettext_lazy(
            "The unit's direct children in your jurisdiction, paged, with the same filters as the list. A system "
            "client needs the scope hierarchy:read."
        ),
        responses=OrganizationUnitSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def children(self, request, pk=None):
        """The unit's direct children."""
        unit = self.get_object()
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).filter(parent=unit))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary=gettext_lazy("Ancestor units"),
        description=gettext_lazy(
            "The unit's ancestors within your jurisdiction, root first, as a plain list (not paged, no filters). "
            "A system client needs the scope hierarchy:read."
        ),
        responses=OrganizationUnitSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ancestors(self, request, pk=None):
        """The unit's ancestors within the caller's jurisdiction, root first."""
        unit = self.get_object()
        ancestors = restrict(OrganizationUnit.objects.select_related("parent", "party_org"), request.user, VIEW)
        return Response(self.get_serializer(ancestors.ancestors_of(unit), many=True).data)

    @extend_schema(
        summary=gettext_lazy("Move a unit"),
        description=gettext_lazy(
            "Moves the unit and its whole subtree under another parent, atomically; both must lie in your "
            "jurisdiction. Refused under itself or a descendant (`move_into_descendant`), when the tree would be too "
            "deep (`tree_too_deep`) or the kind does not fit the new parent (`kind_not_allowed`). Recomputes the "
            "roll-ups of the old and new ancestors, sends the unit.moved webhook event and audits. Portal users only."
        ),
        request=UnitMoveSerializer,
        responses=OrganizationUnitSerializer,
        examples=[
            OpenApiExample(
                "Move a community to another street",
                summary=gettext_lazy("Move a community to another street"),
                value={"parent_code": "421081001"},
                request_only=True,
            )
        ],
    )
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

    @extend_schema(
        summary=gettext_lazy("Grid at a point"),
        description=gettext_lazy(
            "The active grid whose boundary holds the point, with its village or community and its township, for the "
            "woodpecker sign-up. Anyone may ask, signed in or not (throttled per address); 404 when no grid's "
            "boundary holds the point, 400 for a missing or bad coordinate."
        ),
        parameters=[LocateQuerySerializer],
        responses=LocateSerializer,
        examples=[
            OpenApiExample(
                "A grid of a community",
                summary=gettext_lazy("A grid of a community"),
                value={
                    "grid": {"id": 402, "name": "东岳山社区第1网格", "code": "421081002001-G01", "kind": "grid"},
                    "community": {"id": 31, "name": "东岳山社区", "code": "421081002001", "kind": "community"},
                    "township": {"id": 12, "name": "笔架山街道", "code": "421081002", "kind": "street"},
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        grid = grid_at(lng=float(query.validated_data["lng"]), lat=float(query.validated_data["lat"]))
        if grid is None or grid.parent is None or grid.parent.parent is None:
            raise exceptions.NotFound(_("No grid's boundary holds this point."))
        return Response(
            {"grid": _located(grid), "community": _located(grid.parent), "township": _located(grid.parent.parent)}
        )
