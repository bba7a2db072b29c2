"""API of party members and cadre pipelines. Every queryset goes through the scoping path (ScopedModelViewSet);
writes call the services, so the API refuses exactly what the portal refuses, with the same Chinese reasons."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import CHANGE, VIEW, can, restrict
from core.api.viewsets import ScopedModelViewSet, ServiceWrittenMixin
from core.errors import Conflict
from core.params import parse_int, parse_year
from organizations.models import OrganizationUnit
from organizations.selectors import unit_by_code

from .. import models, selectors, services
from ..errors import ErrorCode
from . import docs, docs_pipelines
from . import serializers as s
from .service_accounts import PersonForSystemSerializer, hides_personal_data


class CadresViewSet(ServiceWrittenMixin, ScopedModelViewSet):
    """Reads, creation through `perform_service_create`, and no generic update or delete unless a subclass says."""

    create_serializer = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def unit_by_code(self, code, field="unit_code", model=None, any_county=False):
        # The one lookup (organizations.selectors.unit_by_code), for records of this viewset's model by default.
        model = model or self.queryset.model
        return unit_by_code(self.request.user, code, field=field, model=model, anywhere=any_county)

    def person_by_id(self, pk, field="person"):
        person = restrict(models.Person.objects.all(), self.request.user, VIEW).filter(pk=pk).first()
        if person is None:
            raise exceptions.ValidationError(
                {field: [_("No such person in your jurisdiction.")]}, code=ErrorCode.UNKNOWN_PERSON
            )
        return person

    def create(self, request, *args, **kwargs):
        if self.create_serializer is None:
            raise exceptions.MethodNotAllowed(request.method)
        obj = self.perform_service_create(self.validated(self.create_serializer))
        return self.answer(obj, created=True)

    def perform_service_create(self, data):
        # A record of one person at one unit, by `create_service(person=, unit=, actor=, **data)`.
        person, unit = self.person_by_id(data.pop("person")), self.unit_by_code(data.pop("unit_code"))
        return self.create_service(person=person, unit=unit, actor=self.request.user, **data)

    def done(self, obj):
        return self.answer(obj)


@docs.PERSON_DOCS
class PersonViewSet(CadresViewSet):
    """People in scope, with masked ID numbers and phones. `q` searches names, or a full ID number exactly."""

    api_route = "people", "person"

    queryset = models.Person.objects.select_related("unit").order_by("id")
    code_field = "code"  # people/P7KX3M9QA/ as well as people/12/
    ordering_fields = ("id", "updated_at", "code")  # `?ordering=` (core/api/filters.py)
    serializer_class = s.PersonSerializer
    create_serializer = s.PersonCreateSerializer

    def get_serializer_class(self):
        # An external system's account reads the non-sensitive fields only (service_accounts.py).
        if hides_personal_data(getattr(self, "request", None)):
            return PersonForSystemSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        qs = super().get_queryset()
        query = self.request.query_params.get("q", "").strip()
        if query and self.request.method == "GET":
            qs = qs.filter(pk__in=selectors.people_search(user=self.request.user, query=query).values("pk"))
        return qs

    def perform_service_create(self, data):
        unit = self.unit_by_code(data.pop("unit_code"), model=models.Person)
        return services.person_create(unit=unit, actor=self.request.user, **data)

    @extend_schema(request=s.PersonUpdateSerializer, responses=s.PersonSerializer)
    def update(self, request, *args, **kwargs):
        person = self.get_object()
        body = s.PersonUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        return self.done(services.person_update(person=person, actor=request.user, **body.validated_data))

    @docs.PERSON_REVEAL
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full ID number or phone, for roles whose work needs it. Every call is logged."""
        people = restrict(models.Person.objects.select_related("unit"), request.user, VIEW)
        person = people.filter(**self.lookup_filter()).first()
        if person is None:
            raise exceptions.NotFound()
        field = self.validated(s.RevealSerializer)["field"]
        return Response(
            {"field": field, "value": services.person_reveal(person=person, field=field, actor=request.user)}
        )


@docs.PARTY_MEMBER_DOCS
class PartyMemberViewSet(CadresViewSet):
    """Party members: filters `status`, `unit_code` (its subtree), `floating`, `month` (political birthdays)."""

    api_route = "members", "member"

    queryset = models.PartyMember.objects.select_related(
        "person", "unit", "floating_managing_unit", "report_community"
    ).order_by("id")
    ordering_fields = ("id", "updated_at", "joined_on")  # `?ordering=` (core/api/filters.py)
    serializer_class = s.PartyMemberSerializer
    create_serializer = s.PartyMemberCreateSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("floating") in ("1", "true"):
            qs = qs.filter(is_floating=True)
        month = parse_int(params, "month", min_value=1, max_value=12)
        if month is not None:
            qs = qs.filter(joined_on__month=month)
        if params.get("unit_code"):
            root = OrganizationUnit.objects.filter(code=params["unit_code"]).first()
            qs = qs.filter(unit__path__startswith=root.path) if root else qs.none()
        return qs

    def perform_service_create(self, data):
        unit = self.unit_by_code(data.pop("unit_code"))
        return services.member_register(unit=unit, actor=self.request.user, **data)

    @extend_schema(request=s.PartyMemberUpdateSerializer, responses=s.PartyMemberSerializer)
    def update(self, request, *args, **kwargs):
        member = self.get_object()
        data = self.validated(s.PartyMemberUpdateSerializer)
        if "floating_managing_unit_code" in data:
            code = data.pop("floating_managing_unit_code")
            data["floating_managing_unit"] = (
                self.unit_by_code(code, "floating_managing_unit_code", any_county=True) if code else None
            )
        return self.done(services.member_update(member=member, actor=request.user, **data))


@docs.MEMBER_TRANSFER_DOCS
class MemberTransferViewSet(CadresViewSet):
    """Transfers of organization relationships, seen by both sides: `out` → `arrive` → `receive`."""

    api_route = "transfers", "transfer"

    queryset = models.MemberTransfer.objects.select_related("member__person", "from_unit", "to_unit").order_by("-id")
    serializer_class = s.MemberTransferSerializer
    create_serializer = s.TransferCreateSerializer

    def perform_service_create(self, data):
        member = restrict(models.PartyMember.objects.all(), self.request.user, VIEW).filter(pk=data["member"]).first()
        if member is None:
            raise exceptions.ValidationError(
                {"member": [_("No such member in your jurisdiction.")]}, code=ErrorCode.UNKNOWN_MEMBER
            )
        to_unit = self.unit_by_code(data["to_unit_code"], "to_unit_code", any_county=True)
        return services.transfer_start(
            member=member, to_unit=to_unit, out_on=data["out_on"], reason=data["reason"], actor=self.request.user
        )

    def _transfer(self, pk):
        transfer = restrict(models.MemberTransfer.objects.all(), self.request.user, VIEW).filter(pk=pk).first()
        if transfer is None:
            raise exceptions.NotFound()
        return transfer

    @docs.MEMBER_TRANSFER_ARRIVE
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        day = self.validated(s.DateSerializer)["on"]
        return self.done(services.transfer_arrive(transfer=self._transfer(pk), on=day, actor=request.user))

    @docs.MEMBER_TRANSFER_RECEIVE
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        day = self.validated(s.DateSerializer)["on"]
        return self.done(services.transfer_receive(transfer=self._transfer(pk), on=day, actor=request.user))

    @docs.MEMBER_TRANSFER_CANCEL
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.done(services.transfer_cancel(transfer=self._transfer(pk), actor=request.user))


@docs_pipelines.DEVELOPMENT_RECORD_DOCS
class DevelopmentRecordViewSet(CadresViewSet):
    """Member development records with their steps. The branch proposes; township staff approve or send back."""

    api_route = "development", "development"

    queryset = (
        models.DevelopmentRecord.objects.select_related("person", "unit")
        .prefetch_related("steps__proposed_by", "steps__decided_by")
        .order_by("id")
    )
    serializer_class = s.DevelopmentRecordSerializer
    create_serializer = s.DevelopmentCreateSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get("stage"):
            qs = qs.filter(stage=self.request.query_params["stage"])
        return qs

    def perform_service_create(self, data):
        person = self.person_by_id(data["person"])
        unit = self.unit_by_code(data["unit_code"])
        return services.development_start(
            person=person, unit=unit, applied_on=data["applied_on"], actor=self.request.user
        )

    def _record(self, pk):
        record = restrict(models.DevelopmentRecord.objects.all(), self.request.user, VIEW).filter(pk=pk).first()
        if record is None:
            raise exceptions.NotFound()
        return record

    def _pending(self, record):
        step = record.steps.filter(status=models.StepStatus.PROPOSED).first()
        if step is None:
            raise Conflict(
                _("No step of this record is awaiting approval."), code=ErrorCode.NO_PENDING_STEP, field="status"
            )
        return step

    @docs_pipelines.DEVELOPMENT_RECORD_PROPOSE
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        record = self._record(pk)
        services.development_propose(record=record, actor=request.user, **self.validated(s.ProposeSerializer))
        return self.done(self.get_queryset().model.objects.get(pk=record.pk))

    @docs_pipelines.DEVELOPMENT_RECORD_APPROVE
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        record = self.get_object()  # 404 outside the view scope, 403 where the record is seen but not changed
        services.development_approve(step=self._pending(record), actor=request.user)
        return self.done(models.DevelopmentRecord.objects.get(pk=record.pk))

    @docs_pipelines.DEVELOPMENT_RECORD_SEND_BACK
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        record = self.get_object()  # as approve: refused before the record's state is told
        reason = self.validated(s.ReasonSerializer)["reason"]
        services.development_return(step=self._pending(record), reason=reason, actor=request.user)
        return self.done(models.DevelopmentRecord.objects.get(pk=record.pk))


@docs_pipelines.CADRE_POST_DOCS
class CadrePostViewSet(CadresViewSet):
    """Posts in village/community committees; `current=1` keeps sitting cadres; `post=secretary` filters."""

    api_route = "posts", "post"

    queryset = models.CadrePost.objects.select_related("person__unit", "unit").order_by("id")
    serializer_class = s.CadrePostSerializer
    create_serializer = s.CadrePostCreateSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get("post"):
            qs = qs.filter(post=self.request.query_params["post"])
        if self.request.query_params.get("current") in ("1", "true"):
            qs = qs.filter(ended_on__isnull=True)
        return qs

    def perform_service_create(self, data):
        person = self.person_by_id(data.pop("person"))
        unit = self.unit_by_code(data.pop("unit_code"))
        return services.post_create(person=person, unit=unit, actor=self.request.user, **data)

    @docs_pipelines.CADRE_POST_END
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        post = restrict(models.CadrePost.objects.all(), request.user, VIEW).filter(pk=pk).first()
        if post is None:
            raise exceptions.NotFound()
        data = self.validated(s.PostEndSerializer)
        return self.done(
            services.post_end(post=post, ended_on=data["ended_on"], reason=data["reason"], actor=request.user)
        )


@docs_pipelines.ELEVATED_MANAGEMENT_DOCS
class ElevatedManagementViewSet(CadresViewSet):
    api_route = "elevations", "elevation"
    queryset = models.ElevatedManagement.objects.select_related("post__person").order_by("id")
    serializer_class = s.ElevatedManagementSerializer
    create_serializer = s.ElevationCreateSerializer

    def perform_service_create(self, data):
        post = restrict(models.CadrePost.objects.all(), self.request.user, VIEW).filter(pk=data.pop("post")).first()
        if post is None:
            raise exceptions.ValidationError(
                {"post": [_("No such post in your jurisdiction.")]}, code=ErrorCode.UNKNOWN_POST
            )
        return services.elevation_create(post=post, actor=self.request.user, **data)


@docs_pipelines.JOINT_VETTING_DOCS
class JointVettingViewSet(CadresViewSet):
    api_route = "vettings", "vetting"
    queryset = models.JointVetting.objects.select_related("person", "unit").order_by("id")
    serializer_class = s.JointVettingSerializer
    create_serializer = s.VettingCreateSerializer
    create_service = staticmethod(services.vetting_create)


@docs_pipelines.DEGREE_STUDY_DOCS
class DegreeStudyViewSet(CadresViewSet):
    api_route = "studies", "study"
    queryset = models.DegreeStudy.objects.select_related("person", "unit").order_by("id")
    serializer_class = s.DegreeStudySerializer
    create_serializer = s.StudyCreateSerializer
    create_service = staticmethod(services.study_create)


@docs_pipelines.CAPABILITY_ASSESSMENT_DOCS
class CapabilityAssessmentViewSet(CadresViewSet):
    """Yearly capability scores of secretaries; `ranking/?year=2024` lists them ranked."""

    api_route = "assessments", "assessment"

    queryset = models.CapabilityAssessment.objects.select_related("person", "unit").order_by("id")
    serializer_class = s.CapabilityAssessmentSerializer
    create_serializer = s.AssessmentCreateSerializer
    create_service = staticmethod(services.assessment_record)

    @docs_pipelines.CAPABILITY_ASSESSMENT_RANKING
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def ranking(self, request):
        year = parse_year(request.query_params, default=timezone.localdate().year)
        rows = selectors.assessment_ranking(user=request.user, year=year)
        return Response(
            [{"rank": a.rank, "person": a.person.name, "unit_code": a.unit.code, "score": str(a.score)} for a in rows]
        )


@docs_pipelines.RESERVE_CADRE_DOCS
class ReserveCadreViewSet(CadresViewSet):
    """Reserve cadres and their pipeline; `under-30/` reports villages without a reserve under 30."""

    api_route = "reserves", "reserve"

    queryset = models.ReserveCadre.objects.select_related("person", "unit").prefetch_related("steps").order_by("id")
    serializer_class = s.ReserveCadreSerializer
    create_serializer = s.ReserveCreateSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        for name in ("stage", "post_for"):
            if self.request.query_params.get(name):
                qs = qs.filter(**{name: self.request.query_params[name]})
        return qs

    def perform_service_create(self, data):
        person, unit = self.person_by_id(data.pop("person")), self.unit_by_code(data.pop("unit_code"))
        return services.reserve_nominate(person=person, unit=unit, actor=self.request.user, **data)

    def _reserve(self, pk):
        reserve = restrict(models.ReserveCadre.objects.all(), self.request.user, VIEW).filter(pk=pk).first()
        if reserve is None:
            raise exceptions.NotFound()
        return reserve

    @docs_pipelines.RESERVE_CADRE_ADVANCE
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        day = self.validated(s.DateSerializer)["on"]
        return self.done(services.reserve_advance(reserve=self._reserve(pk), on=day, actor=request.user))

    @docs_pipelines.RESERVE_CADRE_DROP
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        data = self.validated(s.DropSerializer)
        return self.done(
            services.reserve_drop(reserve=self._reserve(pk), on=data["on"], reason=data["reason"], actor=request.user)
        )

    @docs_pipelines.RESERVE_CADRE_UNDER_30
    @action(detail=False, methods=["get"], url_path="under-30")
    def under_30(self, request):
        report = selectors.villages_missing_young_reserve(user=request.user, on=timezone.localdate())
        return Response(
            {
                "villages": report["villages"],
                "missing": report["missing"],
                "townships": [
                    {"code": t.code, "name": t.name, "villages": [{"code": v.code, "name": v.name} for v in vs]}
                    for t, vs in report["groups"]
                ],
            }
        )


@docs_pipelines.TRAINING_SESSION_DOCS
class TrainingSessionViewSet(CadresViewSet):
    """Training sessions with person-times; `coverage/?year=` lists sitting secretaries not trained that year."""

    api_route = "trainings", "training"

    queryset = models.TrainingSession.objects.select_related("organizer").annotate(n_attendances=Count("attendances"))
    serializer_class = s.TrainingSessionSerializer
    create_serializer = s.TrainingCreateSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("-starts_on", "id")

    def perform_service_create(self, data):
        organizer = self.unit_by_code(data.pop("organizer_code"), "organizer_code")
        return services.training_create(organizer=organizer, actor=self.request.user, **data)

    @docs_pipelines.TRAINING_SESSION_ATTENDEES
    @action(detail=True, methods=["post"])
    def attendees(self, request, pk=None):
        session = restrict(models.TrainingSession.objects.all(), request.user, VIEW).filter(pk=pk).first()
        if session is None:
            raise exceptions.NotFound()
        if not can(request.user, CHANGE, session):  # refused before the body is read, so nothing is revealed
            raise exceptions.PermissionDenied()
        ids = self.validated(s.AttendeesSerializer)["people"]
        people = list(restrict(models.Person.objects.filter(pk__in=ids), request.user, VIEW))
        if len(people) != len(set(ids)):
            raise exceptions.ValidationError(
                {"people": [_("Some of these people are not in your jurisdiction.")]}, code=ErrorCode.UNKNOWN_PERSON
            )
        services.training_add_attendees(session=session, people=people, actor=request.user)
        return self.done(self.get_queryset().get(pk=session.pk))

    @docs_pipelines.TRAINING_SESSION_COVERAGE
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        year = parse_year(request.query_params, default=timezone.localdate().year)
        report = selectors.secretaries_not_trained(user=request.user, year=year)
        return Response(
            {
                "year": year,
                "secretaries": report["total"],
                "trained": report["covered"],
                "not_trained": [{"person": p.person.name, "unit_code": p.unit.code} for p in report["missing"]],
                **selectors.training_figures(user=request.user, year=year),
            }
        )
