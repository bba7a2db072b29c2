"""The periodic reports API: forms and reports (with their answers) read in the caller's jurisdiction; a report's
draft, submission, approval, send-back and reopening as actions through the services."""

import re

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ScopedModelViewSet, ServiceWrittenMixin

from .. import services
from ..models import Answer, FormVersion, Report, ReportForm
from . import serializers as s
from .completeness import CompletenessViewSet  # noqa: F401 (registered by the router with the module's viewsets)


class ServiceWritten(ServiceWrittenMixin, ScopedModelViewSet):
    """Read in the caller's jurisdiction; written only through the services: create, update and delete find the
    object (404 outside the jurisdiction) and then refuse (405)."""

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)


class ReportFormViewSet(ServiceWritten):
    """Report forms defined in the caller's jurisdiction, with their current published version."""

    api_route = "forms", "report-form"
    queryset = (
        ReportForm.objects.select_related("unit")
        .prefetch_related(Prefetch("versions", queryset=FormVersion.objects.only("form_id", "number", "published_at")))
        .order_by("code", "pk")
    )
    serializer_class = s.ReportFormSerializer


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

    @extend_schema(request=s.DraftSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        """Save answers ({field code: value}) and comments of a draft or sent-back report."""
        report = self._target()
        body = s.DraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_save_draft(report=report, actor=request.user, **body.validated_data)
        return self._answer(report)

    @extend_schema(request=None, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The unit's secretary submits; required fields and blocking rules are checked (400 by field code)."""
        return self._answer(services.report_submit(report=self._target(), actor=request.user))

    @extend_schema(request=None, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Township staff approve a submitted report; it is locked from then on."""
        return self._answer(services.report_approve(report=self._target(), actor=request.user))

    @extend_schema(request=s.ReportReasonSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Township staff send a submitted report back with the reason."""
        report = self._target()
        body = s.ReportReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(services.report_send_back(report=report, actor=request.user, **body.validated_data))

    @extend_schema(request=s.ReportReasonSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """The approver reopens an approved report with the reason; it goes back to the secretary."""
        report = self._target()
        body = s.ReportReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(services.report_reopen(report=report, actor=request.user, **body.validated_data))
