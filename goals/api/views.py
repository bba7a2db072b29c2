from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import VIEW, restrict
from core.api.pagination import StandardPagination
from core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyModelViewSet
from core.errors import Invalid
from core.params import BadParameter, parse_year
from organizations.errors import ErrorCode as OrgCode
from organizations.models import OrganizationUnit
from organizations.selectors import unit_by_code

from .. import indicators as registry
from .. import selectors, services
from ..errors import ErrorCode
from ..models import RollupValue, Target
from .filters import RollupValueFilter, TargetFilter
from .serializers import (
    DashboardSerializer,
    IndicatorSerializer,
    MissingUnitSerializer,
    RollupValueSerializer,
    TargetHandDownSerializer,
    TargetSerializer,
    TargetUpdateSerializer,
    TargetWriteSerializer,
)


class IndicatorViewSet(viewsets.ViewSet):
    """The indicator registry: key, name, unit of measure, aggregation and whether its data source exists yet."""

    lookup_field = "key"
    serializer_class = IndicatorSerializer

    def _data(self, indicator):
        return {
            "key": indicator.key,
            "name": str(indicator.name),
            "measure": indicator.measure,
            "aggregation": indicator.aggregation,
            "source": indicator.source,
            "has_source": indicator.has_source,
            "description": str(indicator.description),
            "levels": list(indicator.levels),
            "target_kinds": list(indicator.target_kinds),
            "base": indicator.base,
        }

    @extend_schema(responses=IndicatorSerializer(many=True))
    def list(self, request):
        return Response([self._data(i) for i in registry.for_user(request.user)])

    @extend_schema(
        parameters=[OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH)], responses=IndicatorSerializer
    )
    def retrieve(self, request, key=None):
        indicator = registry.get(key)
        if indicator is None or key not in {i.key for i in registry.for_user(request.user)}:
            raise exceptions.NotFound()
        return Response(self._data(indicator))


class TargetViewSet(ScopedModelViewSet):
    """Targets per indicator, year and scope unit. Filter by `unit`, `unit_code`, `year`, `indicator`."""

    queryset = Target.objects.select_related("unit").order_by("year", "unit__path", "indicator")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter

    @extend_schema(request=TargetWriteSerializer, responses=TargetSerializer)
    def create(self, request, *args, **kwargs):
        data = self.validated(TargetWriteSerializer)
        unit = unit_by_code(request.user, data.pop("unit_code"), field="unit_code", action=VIEW)
        target = services.target_set(unit=unit, actor=request.user, **data)
        return self.answer(target, created=True)

    @extend_schema(request=TargetUpdateSerializer, responses=TargetSerializer)
    def update(self, request, *args, **kwargs):
        target = self.get_object()
        body = TargetUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        target = services.target_set(
            indicator=target.indicator,
            unit=target.unit,
            year=target.year,
            value=data.get("value", target.value),
            note=data.get("note", target.note),
            actor=request.user,
        )
        return self.answer(target)

    def destroy(self, request, *args, **kwargs):
        services.target_delete(target=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TargetHandDownSerializer, responses=TargetSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="hand-down")
    def hand_down(self, request, pk=None):
        """Hand the target down to the children of its scope (each child's target records this one as its
        `origin`); answers the children's targets."""
        target = self.get_object()
        data = self.validated(TargetHandDownSerializer)
        codes = {child.code: child.pk for child in services.hand_down_children(target)}
        given = data.get("values") or {}
        if set(given) - set(codes):
            raise Invalid(
                _("No unit with this code under the target's scope takes it."),
                code=OrgCode.UNKNOWN_UNIT,
                field="values",
            )
        values = {codes[code]: value for code, value in given.items()}
        written = services.target_hand_down(
            target=target, actor=request.user, rule=data["rule"], base=data.get("base"), values=values
        )
        return Response(TargetSerializer(written, many=True).data)


class RollupValueViewSet(ScopedReadOnlyModelViewSet):
    """Stored roll-ups (numerator, denominator, value, computed_at). `?unit_code=…&year=2024` gives one unit's
    figures for a year — the numbers its dashboard shows."""

    queryset = RollupValue.objects.select_related("unit").order_by("year", "unit__path", "indicator")
    serializer_class = RollupValueSerializer
    filterset_class = RollupValueFilter

    def http_method_not_allowed(self, request, *args, **kwargs):
        # Read-only, but an object outside the caller's jurisdiction is still not found (never confirm it exists).
        pk = kwargs.get("pk")
        if pk is not None and not restrict(RollupValue.objects.filter(pk=pk), request.user, VIEW).exists():
            raise exceptions.NotFound()
        return super().http_method_not_allowed(request, *args, **kwargs)


SOURCE_PARAMETER = OpenApiParameter(
    "source", str, required=True, enum=list(registry.SOURCES), description="The data source (`indicators[].source`)."
)
YEAR_PARAMETER = OpenApiParameter("year", int, description="1900–2100; the latest year with figures by default.")
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH)


class DashboardViewSet(viewsets.ViewSet):
    """One unit's dashboard for a year, as the page shows it: every indicator with value, numerator, denominator,
    target and status (`met`, `on_track`, `behind`, `no_target`, `no_data`); the completeness of each source once
    (`completeness`), and the units not reporting a source page by page (`missing/?source=…`)."""

    lookup_value_regex = r"[0-9]+"

    def _unit_and_year(self, request, pk):
        units = restrict(OrganizationUnit.objects.filter(kind__in=services.DASHBOARD_KINDS), request.user, VIEW)
        unit = units.filter(pk=pk).first() if str(pk).isdigit() else None
        if unit is None:
            raise exceptions.NotFound()
        year = parse_year(request.query_params) or selectors.latest_year(unit=unit) or timezone.localdate().year
        return unit, year

    @extend_schema(parameters=[ID_PARAMETER, YEAR_PARAMETER], responses=DashboardSerializer)
    def retrieve(self, request, pk=None):
        unit, year = self._unit_and_year(request, pk)
        rows = selectors.dashboard_rows(user=request.user, unit=unit, year=year)
        computed = selectors.computed_at(rows, unit=unit, year=year)
        by_source = {row.indicator.source: row.completeness for row in rows if row.completeness is not None}
        return Response(
            {
                "unit": unit.pk,
                "unit_code": unit.code,
                "unit_name": unit.name,
                "year": year,
                "computed_at": computed.isoformat() if computed else None,
                "completeness": [
                    {
                        "source": source,
                        "source_name": registry.source_label(source),
                        "units_expected": c.expected,
                        "units_reported": c.reported,
                        "units_missing": c.missing_count,
                    }
                    for source, c in by_source.items()
                ],
                "indicators": [_indicator_row(row) for row in rows],
            }
        )

    @extend_schema(
        parameters=[ID_PARAMETER, YEAR_PARAMETER, SOURCE_PARAMETER], responses=MissingUnitSerializer(many=True)
    )
    @action(detail=True, methods=["get"], url_path="missing")
    def missing(self, request, pk=None):
        """The units under this one expected to report `source` for the year that have not, by path, paginated."""
        unit, year = self._unit_and_year(request, pk)
        source = request.query_params.get("source", "")
        if source not in registry.SOURCES:
            raise BadParameter("source", _("Unknown data source."), code=ErrorCode.UNKNOWN_SOURCE)
        units = selectors.missing_units(unit=unit, year=year, source=source).only("pk", "code", "name", "kind")
        paginator = StandardPagination()
        page = paginator.paginate_queryset(units, request, view=self)
        return paginator.get_paginated_response(MissingUnitSerializer(page, many=True).data)


def _indicator_row(row) -> dict:
    return {
        "key": row.indicator.key,
        "name": str(row.indicator.name),
        "measure": row.indicator.measure,
        "source": row.indicator.source,
        "has_source": row.indicator.has_source,
        "value": None if row.value is None else str(row.value),
        "numerator": str(row.rollup.numerator) if row.rollup else None,
        "denominator": None if not row.rollup or row.rollup.denominator is None else str(row.rollup.denominator),
        "target": str(row.target.value) if row.target else None,
        "status": row.status,
        "units_reported": row.completeness.reported if row.completeness else None,
        "units_expected": row.completeness.expected if row.completeness else None,
    }
