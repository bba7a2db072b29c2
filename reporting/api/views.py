"""The periodic reports API: forms and reports (with their answers) read in the caller's jurisdiction; a report's
draft, submission, approval, send-back and reopening as actions through the services."""

import re

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.schema import error_serializer
from core.api.viewsets import ScopedModelViewSet, ServiceWrittenMixin

from .. import services
from ..models import Answer, FormVersion, Report, ReportForm
from . import serializers as s
from .completeness import CompletenessViewSet  # noqa: F401 (registered by the router with the module's viewsets)


def refused(summary, description, *, request=None):
    """The schema of a write the API refuses (405): written only through the portal's services."""
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={405: OpenApiResponse(error_serializer(), description=_("Refused: not written through the API."))},
    )


REFUSED_CREATE = _(
    "Always refused with 405: forms are made in the portal's form builder, and a report is opened in the portal as "
    "a draft with its answers prefilled."
)
REFUSED_WRITES = _(
    "Always refused with 405 after finding the record (404 outside your jurisdiction): forms and reports are written "
    "through the portal's services (a report through its actions)."
)
ANSWER_EXAMPLE = {
    "code": "members_total",
    "label": "党员总数",
    "kind": "integer",
    "prefill": "party_members",
    "value": 86,
    "computed": 86,
    "origin": "confirmed",
    "comment": "",
    "columns": [],
    "download_url": None,
}
REPORT_EXAMPLE = {
    "id": 205,
    "form": 3,
    "form_code": "DZZ-Q",
    "version": 2,
    "unit_code": "421081002001",
    "period_start": "2026-07-01",
    "period_end": "2026-09-30",
    "status": "submitted",
    "prefilled_count": 1,
    "confirmed_count": 1,
    "typed_count": 0,
    "return_reason": "",
    "submitted_at": "2026-10-08T15:20:00+08:00",
    "reviewed_at": None,
    "answers": [ANSWER_EXAMPLE],
}
REASON_EXAMPLE = OpenApiExample(
    "A reason",
    summary=_("A reason"),
    value={"reason": "党员总数与组织关系台账不一致，请核实后重新上报。"},
    request_only=True,
)


class ServiceWritten(ServiceWrittenMixin, ScopedModelViewSet):
    """Read in the caller's jurisdiction; written only through the services: create, update and delete find the
    object (404 outside the jurisdiction) and then refuse (405)."""

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)


@extend_schema_view(
    list=extend_schema(
        summary=_("Report forms"),
        description=_(
            "The report forms defined in your jurisdiction, with the number of their current published version. A "
            "system client needs the scope reports:write."
        ),
    ),
    retrieve=extend_schema(
        summary=_("One report form"),
        description=_(
            "One report form of your jurisdiction with its current published version. A system client needs the "
            "scope reports:write."
        ),
        examples=[
            OpenApiExample(
                "A quarterly form",
                summary=_("A quarterly form"),
                value={
                    "id": 3,
                    "unit_code": "421081",
                    "code": "DZZ-Q",
                    "name": "基层党组织季度情况表",
                    "filled_by": ["village", "community"],
                    "period_type": "quarterly",
                    "due_day": 10,
                    "open_days": 10,
                    "is_active": True,
                    "current_version": 2,
                },
                response_only=True,
            )
        ],
    ),
    create=refused(_("Create a report form (refused)"), REFUSED_CREATE),
    update=refused(_("Change a report form (refused)"), REFUSED_WRITES),
    partial_update=refused(_("Change a report form (refused)"), REFUSED_WRITES),
    destroy=refused(_("Delete a report form (refused)"), REFUSED_WRITES),
)
class ReportFormViewSet(ServiceWritten):
    """Report forms defined in the caller's jurisdiction, with their current published version."""

    api_route = "forms", "report-form"
    queryset = (
        ReportForm.objects.select_related("unit")
        .prefetch_related(Prefetch("versions", queryset=FormVersion.objects.only("form_id", "number", "published_at")))
        .order_by("code", "pk")
    )
    serializer_class = s.ReportFormSerializer


@extend_schema_view(
    list=extend_schema(
        summary=_("Reports"),
        description=_(
            "The reports of the units in your jurisdiction with their answers, newest period first. Filter by "
            "`status` and `form`. A system client needs the scope reports:write."
        ),
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=["draft", "submitted", "approved", "returned"],
                description=_("Reports in this state only."),
            ),
            OpenApiParameter("form", OpenApiTypes.INT, description=_("Reports of this form (its id) only.")),
        ],
    ),
    retrieve=extend_schema(
        summary=_("One report"),
        description=_(
            "One report of a unit in your jurisdiction with every answer: the value, the computed prefill beside it "
            "and where the value came from. A system client needs the scope reports:write."
        ),
        examples=[
            OpenApiExample(
                "A submitted report", summary=_("A submitted report"), value=REPORT_EXAMPLE, response_only=True
            )
        ],
    ),
    create=refused(_("Create a report (refused)"), REFUSED_CREATE),
    update=refused(_("Change a report (refused)"), REFUSED_WRITES),
    partial_update=refused(_("Change a report (refused)"), REFUSED_WRITES),
    destroy=refused(_("Delete a report (refused)"), REFUSED_WRITES),
)
class ReportViewSet(ServiceWritten):
    """Reports of units in the caller's jurisdiction with their answers. Filters: `status`, `form`. Actions: draft
    (the secretary's autosave), submit, approve, send-back, reopen."""

    api_route = "reports", "report"
    queryset = (
        Report.objects.select_related("form", "version", "unit")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("field")))
        .order_by("-period_start", "unit__path", "pk")
    )
    serializer_class = s.ReportSerializer

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        form = params.get("form", "")
        if form:
            queryset = queryset.filter(form_id=int(form)) if re.fullmatch(r"[0-9]{1,9}", form) else queryset.none()
        return queryset

    def _answer(self, report):
        fresh = self.queryset.get(pk=report.pk)
        return Response(s.ReportSerializer(fresh, context=self.get_serializer_context()).data)

    def _target(self) -> Report:
        # Read in the VIEW scope (404 outside it); the service asks accounts.permissions for the action itself.
        return self.get_object()

    @extend_schema(
        summary=_("Save a draft"),
        description=_(
            "Saves answers and comments by field code into a draft or sent-back report (the autosave); audited when "
            "something changed. For whoever may fill the unit's report. Refused: 409 `report_not_editable` once "
            "submitted or approved, 409 `report_closed` after the period's entry closed, 400 `no_such_form_field` "
            "for an unknown code, 400 `bad_answer` for a value that does not fit its field. A system client needs "
            "the scope reports:write."
        ),
        request=s.DraftSerializer,
        responses=s.ReportSerializer,
        examples=[
            OpenApiExample(
                "Two answers and a comment",
                summary=_("Two answers and a comment"),
                value={
                    "values": {"members_total": 86, "meetings_held": 3},
                    "comments": {"meetings_held": "9月主题党日与支委会合并召开"},
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        """Save answers ({field code: value}) and comments of a draft or sent-back report."""
        report = self._target()
        body = s.DraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_save_draft(report=report, actor=request.user, **body.validated_data)
        return self._answer(report)

    @extend_schema(
        summary=_("Submit a report"),
        description=_(
            "The unit's secretary submits a draft or sent-back report for review; prefilled answers left unchanged "
            "count as confirmed; audited. Refused: 400 `required` or `rule_failed` with the messages by field code, "
            "409 `report_not_editable` when already submitted or approved, 409 `report_closed` after the period's "
            "entry closed. A system client needs the scope reports:write."
        ),
        request=None,
        responses=s.ReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The unit's secretary submits; required fields and blocking rules are checked (400 by field code)."""
        return self._answer(services.report_submit(report=self._target(), actor=request.user))

    @extend_schema(
        summary=_("Approve a report"),
        description=_(
            "Township staff approve a submitted report; it is locked from then on. Recomputes the roll-ups of its "
            "unit and year, sends the report.approved webhook event and audits. 409 `report_not_pending` unless it "
            "is submitted. A system client needs the scope reports:write."
        ),
        request=None,
        responses=s.ReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Township staff approve a submitted report; it is locked from then on."""
        return self._answer(services.report_approve(report=self._target(), actor=request.user))

    @extend_schema(
        summary=_("Send a report back"),
        description=_(
            "Township staff send a submitted report back to the unit's secretary with the reason (400 `required` "
            "without one); the secretary edits and submits again. Audited. 409 `report_not_pending` unless it is "
            "submitted. A system client needs the scope reports:write."
        ),
        request=s.ReportReasonSerializer,
        responses=s.ReportSerializer,
        examples=[REASON_EXAMPLE],
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Township staff send a submitted report back with the reason."""
        report = self._target()
        body = s.ReportReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(services.report_send_back(report=report, actor=request.user, **body.validated_data))

    @extend_schema(
        summary=_("Reopen a report"),
        description=_(
            "The approver reopens an approved report with the reason (400 `required` without one); it goes back to "
            "the secretary as sent back, and the roll-ups of its unit and year are recomputed. After the period's "
            "entry closed, a draft or sent-back report can be reopened too. Audited. 409 `report_not_approved` "
            "otherwise. A system client needs the scope reports:write."
        ),
        request=s.ReportReasonSerializer,
        responses=s.ReportSerializer,
        examples=[REASON_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """The approver reopens an approved report with the reason; it goes back to the secretary."""
        report = self._target()
        body = s.ReportReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(services.report_reopen(report=report, actor=request.user, **body.validated_data))
