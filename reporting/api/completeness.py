"""The completeness endpoint: `GET /api/v1/reporting/completeness/{unit id}/?form=&period=`, the counts and rates
the page /reports/completeness/ shows (`reporting.selectors.completeness`). A unit outside the caller's
jurisdiction, or a form that does not concern it, is not found (404)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from accounts.scoping import VIEW, restrict
from core.errors import ErrorCode as CoreCode
from core.params import BadParameter, parse_date, parse_int
from organizations.models import OrganizationUnit

from .. import selectors


class CompletenessCountsSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id", help_text=gettext_lazy("The unit's id."))
    unit_code = serializers.CharField(source="code", help_text=gettext_lazy("The unit's code."))
    unit_name = serializers.CharField(source="name", help_text=gettext_lazy("The unit's name."))
    expected = serializers.IntegerField(help_text=gettext_lazy("Units expected to report, this one and below."))
    on_time = serializers.IntegerField(help_text=gettext_lazy("Of those, submitted by the due date."))
    late = serializers.IntegerField(help_text=gettext_lazy("Of those, submitted after the due date."))
    missing = serializers.IntegerField(help_text=gettext_lazy("Of those, not submitted."))
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("On time / expected, in percent; null when none is expected.")
    )
    submitted_rate = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("(On time + late) / expected, in percent; null when none is expected.")
    )


class CompletenessUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id", help_text=gettext_lazy("The unit's id."))
    unit_code = serializers.CharField(source="code", help_text=gettext_lazy("The unit's code."))
    unit_name = serializers.CharField(source="name", help_text=gettext_lazy("The unit's name."))
    state = serializers.ChoiceField(
        choices=[selectors.ON_TIME, selectors.LATE, selectors.MISSING],
        help_text=gettext_lazy("Submitted on time, late, or missing."),
    )
    report = serializers.IntegerField(
        source="report_id", allow_null=True, help_text=gettext_lazy("The id of its report; null if it has none.")
    )
    first_submitted_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("When its report was first submitted; null if never.")
    )


class CompletenessSerializer(serializers.Serializer):
    form = serializers.IntegerField(source="form.pk", help_text=gettext_lazy("The form's id."))
    form_code = serializers.CharField(source="form.code", help_text=gettext_lazy("The form's code."))
    period_start = serializers.DateField(help_text=gettext_lazy("First day of the period."))
    period_end = serializers.DateField(help_text=gettext_lazy("Last day of the period."))
    due_on = serializers.DateField(help_text=gettext_lazy("The due date: later submissions count as late."))
    closes_on = serializers.DateField(help_text=gettext_lazy("The day entry for the period closes."))
    total = CompletenessCountsSerializer(help_text=gettext_lazy("The counts of the unit asked about."))
    children = CompletenessCountsSerializer(many=True, help_text=gettext_lazy("The counts of each child unit."))
    units = CompletenessUnitSerializer(many=True, help_text=gettext_lazy("Every expected unit with its state."))


class CompletenessViewSet(viewsets.ViewSet):
    """Completeness and timeliness of a form's period under a unit: the unit's counts (expected, on time, late,
    missing) and rates, each child unit's, and every expected unit with its state."""

    api_route = "completeness", "report-completeness"
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(
        summary=gettext_lazy("Reporting completeness"),
        description=gettext_lazy(
            "Completeness and timeliness of a form's period under a unit, as the completeness page shows it: the "
            "unit's counts (expected, on time, late, missing) and rates, each child unit's, and every expected unit "
            "with its state. 404 for a unit outside your jurisdiction or a form that does not concern it; 400 "
            "`required` without `form`. A system client needs the scope reports:write."
        ),
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, description=gettext_lazy("The id of the unit asked about.")
            ),
            OpenApiParameter("form", int, required=True, description=gettext_lazy("The id of the report form.")),
            OpenApiParameter(
                "period",
                str,
                description=gettext_lazy("Any day of the period (YYYY-MM-DD); the last ended period by default."),
            ),
        ],
        responses=CompletenessSerializer,
        examples=[
            OpenApiExample(
                "A street's quarter",
                summary=gettext_lazy("A street's quarter"),
                value={
                    "form": 3,
                    "form_code": "DZZ-Q",
                    "period_start": "2026-07-01",
                    "period_end": "2026-09-30",
                    "due_on": "2026-10-10",
                    "closes_on": "2026-10-20",
                    "total": {
                        "unit": 12,
                        "unit_code": "421081002",
                        "unit_name": "笔架山街道",
                        "expected": 2,
                        "on_time": 1,
                        "late": 0,
                        "missing": 1,
                        "on_time_rate": 50.0,
                        "submitted_rate": 50.0,
                    },
                    "children": [
                        {
                            "unit": 31,
                            "unit_code": "421081002001",
                            "unit_name": "东岳山社区",
                            "expected": 1,
                            "on_time": 1,
                            "late": 0,
                            "missing": 0,
                            "on_time_rate": 100.0,
                            "submitted_rate": 100.0,
                        }
                    ],
                    "units": [
                        {
                            "unit": 31,
                            "unit_code": "421081002001",
                            "unit_name": "东岳山社区",
                            "state": "on_time",
                            "report": 205,
                            "first_submitted_at": "2026-10-08T15:20:00+08:00",
                        }
                    ],
                },
                response_only=True,
            )
        ],
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
