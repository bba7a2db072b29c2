from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
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

INDICATOR_EXAMPLE = {
    "key": "members_developed",
    "name": "发展党员数",
    "measure": "people",
    "aggregation": "sum",
    "source": "cadres",
    "has_source": True,
    "description": "",
    "levels": [
        "province",
        "prefecture",
        "city",
        "district",
        "county",
        "township",
        "street",
        "zone",
        "village",
        "community",
    ],
    "target_kinds": [],
    "base": "members",
}
TARGET_EXAMPLE = {
    "id": 7,
    "indicator": "members_developed",
    "indicator_name": "发展党员数",
    "unit": 12,
    "unit_code": "421081002",
    "year": 2026,
    "value": "12.00",
    "note": "",
    "origin": 3,
    "rule": "share:members",
    "updated_at": "2026-03-10T10:00:00+08:00",
}
TARGET_UPDATE_EXAMPLE = OpenApiExample(
    "Change the value",
    summary=gettext_lazy("Change the value"),
    value={"value": "15.00", "note": "按年中调度会要求调整"},
    request_only=True,
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

    @extend_schema(
        summary=gettext_lazy("Indicators"),
        description=gettext_lazy(
            "The indicator registry, as a plain list (not paged): every indicator declared in code, and those declared "
            "on a report form whose unit lies on the line of your jurisdiction. A system client needs the scope "
            "figures:read."
        ),
        responses=IndicatorSerializer(many=True),
    )
    def list(self, request):
        return Response([self._data(i) for i in registry.for_user(request.user)])

    @extend_schema(
        summary=gettext_lazy("One indicator"),
        description=gettext_lazy(
            "One indicator by its key; 404 for an unknown key or a form's indicator off the line of your "
            "jurisdiction. A system client needs the scope figures:read."
        ),
        parameters=[
            OpenApiParameter(
                "key", OpenApiTypes.STR, OpenApiParameter.PATH, description=gettext_lazy("The indicator's key.")
            )
        ],
        responses=IndicatorSerializer,
        examples=[
            OpenApiExample(
                "An indicator", summary=gettext_lazy("An indicator"), value=INDICATOR_EXAMPLE, response_only=True
            )
        ],
    )
    def retrieve(self, request, key=None):
        indicator = registry.get(key)
        if indicator is None or key not in {i.key for i in registry.for_user(request.user)}:
            raise exceptions.NotFound()
        return Response(self._data(indicator))


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Targets"),
        description=gettext_lazy(
            "Targets per indicator, year and scope unit, for the units in your jurisdiction, by year and path. Filter "
            "by `unit`, `unit_code`, `year`, `indicator`. A system client needs the scope figures:read."
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One target"),
        description=gettext_lazy(
            "One target of your jurisdiction; `origin` and `rule` say whether and how it was handed down. A system "
            "client needs the scope figures:read."
        ),
        examples=[
            OpenApiExample(
                "A target handed down",
                summary=gettext_lazy("A target handed down"),
                value=TARGET_EXAMPLE,
                response_only=True,
            )
        ],
    ),
    create=extend_schema(
        summary=gettext_lazy("Set a target"),
        description=gettext_lazy(
            "Sets the target of an indicator for a scope unit and year: creates it, or changes the one there (a "
            "target handed down and set again by hand keeps its origin, its rule becoming `manual`); audited. "
            "Organization-department staff of the unit only; checked: `unknown_indicator`, `unknown_unit`, "
            "`target_unit_kind`, `target_level`, `negative_target`, `percent_over_100`. Portal users "
            "only."
        ),
        examples=[
            OpenApiExample(
                "A street's target",
                summary=gettext_lazy("A street's target"),
                value={
                    "indicator": "members_developed",
                    "unit_code": "421081002",
                    "year": 2026,
                    "value": "12.00",
                    "note": "",
                },
                request_only=True,
            )
        ],
    ),
    update=extend_schema(
        summary=gettext_lazy("Change a target"),
        description=gettext_lazy(
            "Changes a target's value and note (its indicator, unit and year stay), with the same checks as setting "
            "it; audited. Portal users only."
        ),
        examples=[TARGET_UPDATE_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Change a target's value or note"),
        description=gettext_lazy(
            "As PUT, with only the fields sent (value, note), with the same checks as setting it; audited. Portal "
            "users only."
        ),
        examples=[TARGET_UPDATE_EXAMPLE],
    ),
    destroy=extend_schema(
        summary=gettext_lazy("Remove a target"),
        description=gettext_lazy(
            "Removes a target (the figure then shows without one); audited, and the deletion feed records it. "
            "Organization-department staff of the unit only. Portal users only."
        ),
    ),
)
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

    @extend_schema(
        summary=gettext_lazy("Hand a target down"),
        description=gettext_lazy(
            "Hands the target down to the children of its scope in one transaction, each child's target recording "
            "this one as its `origin` (an existing one is overwritten, audited): `share` a count by the children's "
            "base figure, `same` a percentage to each, `manual` the `values` given per child unit code. Answers the "
            "children's targets as a plain list (not paged). Refusals: `hand_down_rule`, `hand_down_no_base`, "
            "`hand_down_no_children`, `unknown_unit` in `values`, and each child's own check under `value_<id>`. "
            "Portal users only."
        ),
        request=TargetHandDownSerializer,
        responses=TargetSerializer(many=True),
        filters=False,
        examples=[
            OpenApiExample(
                "Share by party members",
                summary=gettext_lazy("Share by party members"),
                value={"rule": "share", "base": "members"},
                request_only=True,
            ),
            OpenApiExample(
                "Set each child's",
                summary=gettext_lazy("Set each child's"),
                value={"rule": "manual", "values": {"421081001": "20.00", "421081002": "12.00"}},
                request_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="hand-down", pagination_class=None)
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


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Roll-ups"),
        description=gettext_lazy(
            "The stored roll-ups (numerator, denominator, value, computed_at) of the units in your jurisdiction, by "
            "year and path: `?unit_code=…&year=2026` gives one unit's figures for a year, the numbers its dashboard "
            "shows. Filter by `unit`, `unit_code`, `year`, `indicator`. A system client needs the scope figures:read."
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One roll-up"),
        description=gettext_lazy(
            "One stored roll-up of your jurisdiction. Read only: roll-ups are recomputed when their records change. "
            "A system client needs the scope figures:read."
        ),
        examples=[
            OpenApiExample(
                "A street's ratio",
                summary=gettext_lazy("A street's ratio"),
                value={
                    "id": 118,
                    "indicator": "training_coverage",
                    "indicator_name": "党员培训覆盖率",
                    "unit": 12,
                    "unit_code": "421081002",
                    "year": 2026,
                    "numerator": "812.00",
                    "denominator": "935.00",
                    "value": "86.84",
                    "computed_at": "2026-11-30T02:00:00+08:00",
                },
                response_only=True,
            )
        ],
    ),
)
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
    "source",
    str,
    required=True,
    enum=list(registry.SOURCES),
    description=gettext_lazy("The data source (`indicators[].source`)."),
)
YEAR_PARAMETER = OpenApiParameter(
    "year", int, description=gettext_lazy("1900–2100; the latest year with figures by default.")
)
ID_PARAMETER = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description=gettext_lazy("The id of the unit (province down to community).")
)


class DashboardViewSet(viewsets.ViewSet):
    """One unit's dashboard for a year, as the page shows it: every indicator with value, numerator, denominator,
    target and status (`met`, `on_track`, `behind`, `no_target`, `no_data`); the completeness of each source once
    (`completeness`), and the units not reporting a source page by page (`missing/?source=…`)."""

    lookup_value_regex = r"[0-9]+"
    # Read by the schema only (a ViewSet pages nothing itself): `missing` pages with StandardPagination, and so its
    # documented answer is a page.
    pagination_class = StandardPagination

    def _unit_and_year(self, request, pk):
        units = restrict(OrganizationUnit.objects.filter(kind__in=services.DASHBOARD_KINDS), request.user, VIEW)
        unit = units.filter(pk=pk).first() if str(pk).isdigit() else None
        if unit is None:
            raise exceptions.NotFound()
        year = parse_year(request.query_params) or selectors.latest_year(unit=unit) or timezone.localdate().year
        return unit, year

    @extend_schema(
        summary=gettext_lazy("A unit's dashboard"),
        description=gettext_lazy(
            "One unit's dashboard for a year, as the page shows it: every indicator of its level with value, "
            "numerator, denominator, target and status, and the completeness of each source once. Any unit from "
            "province down to village or community in your jurisdiction (404 otherwise); the year defaults to the "
            "latest with figures, else the current one. A system client needs the scope figures:read."
        ),
        parameters=[ID_PARAMETER, YEAR_PARAMETER],
        responses=DashboardSerializer,
        examples=[
            OpenApiExample(
                "A street's dashboard",
                summary=gettext_lazy("A street's dashboard"),
                value={
                    "unit": 12,
                    "unit_code": "421081002",
                    "unit_name": "笔架山街道",
                    "year": 2026,
                    "computed_at": "2026-11-30T02:00:00+08:00",
                    "completeness": [
                        {
                            "source": "collective_economy",
                            "source_name": "村级集体经济",
                            "units_expected": 9,
                            "units_reported": 8,
                            "units_missing": 1,
                        }
                    ],
                    "indicators": [
                        {
                            "key": "villages_income_over_100k",
                            "name": "村集体经济收入过10万元村占比",
                            "measure": "percent",
                            "source": "collective_economy",
                            "has_source": True,
                            "value": "75.00",
                            "numerator": "6.00",
                            "denominator": "8.00",
                            "target": "80.00",
                            "status": "on_track",
                            "units_reported": 8,
                            "units_expected": 9,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
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
        summary=gettext_lazy("Units not reporting"),
        description=gettext_lazy(
            "The units under this one expected to report `source` for the year that have not, by path, paged like "
            "every list. An unknown source answers 400 `unknown_source`. A system client needs the scope "
            "figures:read."
        ),
        parameters=[ID_PARAMETER, YEAR_PARAMETER, SOURCE_PARAMETER],
        responses=MissingUnitSerializer(many=True),
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
