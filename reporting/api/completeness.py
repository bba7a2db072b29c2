"""The completeness endpoint: `GET /api/v1/reporting/completeness/{unit id}/?form=&period=`, the counts and rates
the page /reports/completeness/ shows (`reporting.selectors.completeness`). A unit outside the caller's
jurisdiction, or a form that does not concern it, is not found (404)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from accounts.scoping import VIEW, restrict
from core.errors import ErrorCode as CoreCode
from core.params import BadParameter, parse_date, parse_int
from organizations.models import OrganizationUnit

from .. import selectors


class CompletenessCountsSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_code = serializers.CharField(source="code")
    unit_name = serializers.CharField(source="name")
    expected = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True, help_text="On time / expected, in percent.")
    submitted_rate = serializers.FloatField(allow_null=True, help_text="(On time + late) / expected, in percent.")


class CompletenessUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_code = serializers.CharField(source="code")
    unit_name = serializers.CharField(source="name")
    state = serializers.ChoiceField(choices=[selectors.ON_TIME, selectors.LATE, selectors.MISSING])
    report = serializers.IntegerField(source="report_id", allow_null=True)
    first_submitted_at = serializers.DateTimeField(allow_null=True)


class CompletenessSerializer(serializers.Serializer):
    form = serializers.IntegerField(source="form.pk")
    form_code = serializers.CharField(source="form.code")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()
    closes_on = serializers.DateField()
    total = CompletenessCountsSerializer()
    children = CompletenessCountsSerializer(many=True)
    units = CompletenessUnitSerializer(many=True)


class CompletenessViewSet(viewsets.ViewSet):
    """Completeness and timeliness of a form's period under a unit: the unit's counts (expected, on time, late,
    missing) and rates, each child unit's, and every expected unit with its state."""

    api_route = "completeness", "report-completeness"
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="The unit asked about."),
            OpenApiParameter("form", int, required=True, description="The report form."),
            OpenApiParameter(
                "period", str, description="Any day of the period (YYYY-MM-DD); the last ended period by default."
            ),
        ],
        responses=CompletenessSerializer,
    )
    def retrieve(self, request, pk=None):
        unit = restrict(OrganizationUnit.objects.filter(pk=pk), request.user, VIEW).first()
        if unit is None:
            raise exceptions.NotFound()
        form_pk = parse_int(request.query_params, "form", min_value=1)
        if form_pk is None:
            raise BadParameter("form", _("Choose a report form."), code=CoreCode.REQUIRED)
        form = selectors.forms_for(request.user).select_related("unit").filter(pk=form_pk).first()
        if form is None:
            raise exceptions.NotFound()
        day = (
            parse_date(request.query_params, "period") or selectors.recent_periods(form, timezone.localdate(), 1)[0][0]
        )
        result = selectors.completeness(form=form, unit=unit, day=day)
        return Response(CompletenessSerializer(result).data)
