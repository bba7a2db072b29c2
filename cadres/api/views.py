"""API of party members and cadre pipelines. Every queryset goes through the scoping path (ScopedModelViewSet);
writes call the services, so the API refuses exactly what the portal refuses, with the same Chinese reasons."""

from django.db.models import Count
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import CHANGE, VIEW, can, restrict
from core.api.schema import error_serializer
from core.api.viewsets import ScopedModelViewSet, ServiceWrittenMixin
from core.errors import Conflict
from core.params import parse_int, parse_year
from organizations.models import OrganizationUnit
from organizations.selectors import unit_by_code

from .. import models, selectors, services
from ..errors import ErrorCode
from . import serializers as s
from .service_accounts import PersonForSystemSerializer, hides_personal_data

# The OpenAPI texts (English msgids, Chinese in cadres/locale): the sentences several operations share.
CLIENT_READS = gettext_lazy(
    "A system client needs the scope people:read; its service account's role and unit still decide which rows it sees."
)
NO_CLIENT = gettext_lazy("System clients may not call it (403 insufficient_scope).")


def _described(text, *shared):
    # One operation's description followed by the shared sentences it ends with.
    return format_lazy("{}" * (1 + len(shared)), text, *shared)


def _read(text):
    return _described(text, CLIENT_READS)


def _write(text):
    return _described(text, NO_CLIENT)


# PATCH and DELETE of the records only their services write (ServiceWrittenMixin): always 405 once the record
# is found.
SERVICE_WRITTEN = {
    "partial_update": dict(
        summary=gettext_lazy("No generic change"),
        description=_write(
            gettext_lazy(
                "Records of this kind change only through their own operations: once the record is found this answers "
                "405 method_not_allowed. Outside the caller's jurisdiction 404, seen but not changeable 403, "
                "If-Match naming another version 412."
            )
        ),
        request=None,
        responses={405: OpenApiResponse(error_serializer(), description=gettext_lazy("Always, once found."))},
    ),
    "destroy": dict(
        summary=gettext_lazy("No deletion"),
        description=_write(
            gettext_lazy(
                "Records of this kind are not deleted through the API: once the record is found this answers 405 "
                "method_not_allowed. Outside the caller's jurisdiction 404, seen but not changeable 403, If-Match "
                "naming another version 412."
            )
        ),
        responses={405: OpenApiResponse(error_serializer(), description=gettext_lazy("Always, once found."))},
    ),
}


def _service_written(action, **more):
    return extend_schema(**SERVICE_WRITTEN[action], **more)


# The people's detail routes take a person code as well as an id (PersonViewSet.code_field).
PERSON_ID_OR_CODE = OpenApiParameter(
    "id",
    {"type": "string", "pattern": "^(?:code:)?[0-9A-Za-z][0-9A-Za-z-]{0,31}$"},
    OpenApiParameter.PATH,
    description=gettext_lazy("The person's id, or their person code (an all-digit code written code:<code>)."),
)

YEAR_PARAMETER = OpenApiParameter(
    "year",
    int,
    description=gettext_lazy("The year (1900–2100); the current year by default. Another value: 400 invalid_year."),
)
UNIT_CODE_PARAMETER = OpenApiParameter(
    "unit_code",
    str,
    description=gettext_lazy("Only the records of the unit with this code and of the units below it."),
)


def _choice_parameter(name, choices, description):
    return OpenApiParameter(name, str, enum=[value for value, _label in choices], description=description)


UNIT_LIST = inline_serializer(
    "UnitCodeName",
    {
        "code": serializers.CharField(help_text=gettext_lazy("The village's code.")),
        "name": serializers.CharField(help_text=gettext_lazy("The village's name.")),
    },
    many=True,
    help_text=gettext_lazy("The township's villages without a reserve under 30."),
)

# Examples, with the Shishou demo's names and codes (笔架山街道 421081002, its 东岳山社区 421081002001).
PERSON_EXAMPLE = {
    "id": 12,
    "name": "张明",
    "gender": None,
    "birth_date": None,
    "age_band": "40-49岁",
    "id_number_masked": "4****************2",
    "mobile_masked": "138****5678",
    "education": "senior",
    "employment_type": "farmer",
    "unit": 5,
    "unit_code": "421081002001",
    "created_at": "2024-03-01T09:30:00+08:00",
    "updated_at": "2024-06-18T15:02:11+08:00",
}
PERSON_BRIEF_EXAMPLE = {key: PERSON_EXAMPLE[key] for key in list(PERSON_EXAMPLE)[:8]}
MEMBER_EXAMPLE = {
    "id": 7,
    "person": PERSON_BRIEF_EXAMPLE,
    "unit": 5,
    "unit_code": "421081002001",
    "status": "full",
    "joined_on": "2005-07-01",
    "full_on": "2006-07-01",
    "is_floating": False,
    "floating_location": "",
    "floating_managing_unit_code": None,
    "is_in_service": False,
    "report_community_code": None,
    "without_post": True,
    "is_household": False,
    "household_building": None,
    "created_at": "2024-03-01T09:30:00+08:00",
    "updated_at": "2024-06-18T15:02:11+08:00",
}


def _response_example(value):
    return OpenApiExample("example", value=value, response_only=True)


def _request_example(value):
    return OpenApiExample("example", value=value, request_only=True)


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


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List people"),
        description=_read(
            gettext_lazy(
                "The people of the caller's jurisdiction, by id. ID numbers and phones are masked; birth date and "
                "gender are given only to the roles that may see a person's full data (null for the others), the age "
                "band to everybody. `q` searches a part of the name, or finds a full resident ID number exactly (among "
                "the people whose full data the caller may see)."
            )
        ),
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=gettext_lazy(
                    "Part of a name, or a full resident ID number (found exactly, among the people whose full data "
                    "the caller may see)."
                ),
            )
        ],
        examples=[_response_example(PERSON_EXAMPLE)],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A person"),
        description=_read(
            gettext_lazy(
                "One person of the caller's jurisdiction, by id or by person code (an all-digit code written "
                "`code:<code>`); the fields of the list. Outside the jurisdiction: 404."
            )
        ),
        parameters=[PERSON_ID_OR_CODE],
        examples=[_response_example(PERSON_EXAMPLE)],
    ),
    create=extend_schema(
        summary=gettext_lazy("Register a person"),
        description=_write(
            gettext_lazy(
                "Registers a new person at the unit `unit_code`, where the caller may register people (else 400 "
                "unknown_unit). Birth date and gender come from the resident ID number, which must be well-formed "
                "(id_number_format, id_number_birth_date, id_number_check_digit) and not registered yet "
                "(id_number_taken); a phone must be an 11-digit mainland number (mobile_format). Audited."
            )
        ),
        request=s.PersonCreateSerializer,
        responses={201: s.PersonSerializer},
        examples=[
            _request_example(
                {
                    "name": "张明",
                    "id_number": "421081198506120012",
                    "mobile": "13812345678",
                    "education": "senior",
                    "employment_type": "farmer",
                    "unit_code": "421081002001",
                }
            )
        ],
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Correct a person"),
        description=_write(
            gettext_lazy(
                "Corrects the name, phone, education or employment type; only the fields sent change. The ID number "
                "(and so birth date and gender) cannot change. An empty `mobile` removes the phone; a malformed one is "
                "400 mobile_format. A caller who may see but not change the person gets 403 before the body is read. "
                "Audited (the phone masked only)."
            )
        ),
        request=s.PersonUpdateSerializer,
        responses={200: s.PersonSerializer},
        parameters=[PERSON_ID_OR_CODE],
        examples=[_request_example({"mobile": "13912345678", "education": "college"})],
    ),
    destroy=_service_written("destroy", parameters=[PERSON_ID_OR_CODE]),
    reveal=extend_schema(
        parameters=[PERSON_ID_OR_CODE],
        summary=gettext_lazy("Reveal an ID number or phone"),
        description=_write(
            gettext_lazy(
                "The person's full resident ID number (`field`=id_number) or phone (`field`=mobile), for the roles "
                "whose work needs it (organization department, township staff, the secretary of the person's unit); "
                "others get 403. Every call is logged: who, when, which field. `value` is empty when the person has "
                "none."
            )
        ),
        examples=[_request_example({"field": "id_number"})],
    ),
)
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

    @extend_schema(
        request=s.RevealSerializer,
        responses=inline_serializer(
            "RevealedValue",
            {
                "field": serializers.ChoiceField(
                    choices=["id_number", "mobile"], help_text=gettext_lazy("The field asked for.")
                ),
                "value": serializers.CharField(
                    help_text=gettext_lazy("Its full value; empty when the person has none.")
                ),
            },
        ),
    )
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


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List party members"),
        description=_read(
            gettext_lazy(
                "The party members of the caller's jurisdiction (a floating member also where they are managed), by "
                "id, each with the person's brief (ID number and phone masked). Filters: `status`, `unit_code` (the "
                "unit and those below it), `floating=1`, `month` (the month of joining: political birthdays)."
            )
        ),
        parameters=[
            _choice_parameter(
                "status",
                models.MemberStatus.choices,
                gettext_lazy("Only members of this status: full or probationary."),
            ),
            UNIT_CODE_PARAMETER,
            OpenApiParameter(
                "floating",
                str,
                enum=["1", "true"],
                description=gettext_lazy("1 or true: only floating members."),
            ),
            OpenApiParameter(
                "month",
                {"type": "integer", "minimum": 1, "maximum": 12},
                description=gettext_lazy(
                    "Only members who joined in this month (1–12); another value: 400 invalid_number or out_of_range."
                ),
            ),
        ],
        examples=[_response_example(MEMBER_EXAMPLE)],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A party member"),
        description=_read(
            gettext_lazy("One party member of the caller's jurisdiction, with the person's brief. Outside it: 404.")
        ),
        examples=[_response_example(MEMBER_EXAMPLE)],
    ),
    create=extend_schema(
        summary=gettext_lazy("Register a party member"),
        description=_write(
            gettext_lazy(
                "Registers a new person and records them as a party member of the organization `unit_code` in one "
                "step (400 unknown_unit outside the caller's jurisdiction). The ID number and phone are checked as "
                "when registering a person (id_number_format, id_number_birth_date, id_number_check_digit, "
                "id_number_taken, mobile_format). Audited; the unit's figures are recomputed."
            )
        ),
        request=s.PartyMemberCreateSerializer,
        responses={201: s.PartyMemberSerializer},
        examples=[
            _request_example(
                {
                    "name": "李红",
                    "id_number": "421081200109200043",
                    "mobile": "13712345678",
                    "education": "bachelor",
                    "employment_type": "employee",
                    "unit_code": "421081002001",
                    "status": "probationary",
                    "joined_on": "2024-07-01",
                }
            )
        ],
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Change a party member"),
        description=_write(
            gettext_lazy(
                "Changes the member's status, full-membership date and facts (floating, in-service, without post, "
                "member household); only the fields sent change. The organization does not change here: that is a "
                "transfer. A floating member needs `floating_location` (400 required); `floating_managing_unit_code` "
                "may name any unit of the county (400 unknown_unit otherwise; empty clears it); becoming full before "
                "joining is 400 date_order. Audited; the unit's figures are recomputed."
            )
        ),
        request=s.PartyMemberUpdateSerializer,
        responses={200: s.PartyMemberSerializer},
        examples=[
            _request_example(
                {"is_floating": True, "floating_location": "广东省深圳市", "floating_managing_unit_code": "421081002"}
            )
        ],
    ),
    destroy=_service_written("destroy"),
)
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


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List member transfers"),
        description=_read(
            gettext_lazy(
                "Transfers of party members' organization relationships that the caller's jurisdiction sends or "
                "receives, newest first. The status goes out (sent) → in (the member has reported) → received, or "
                "out → cancelled."
            )
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A member transfer"),
        description=_read(gettext_lazy("One transfer the caller's jurisdiction sends or receives. Outside it: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Transfer a member out"),
        description=_write(
            gettext_lazy(
                "The sending organization transfers the member `member` out to the unit `to_unit_code`, which may "
                "lie anywhere, another county too. 400 unknown_member outside the caller's jurisdiction, "
                "unknown_unit for a code no unit has, same_unit for the member's own unit; 409 transfer_in_progress "
                "when a transfer of the member is under way. Audited."
            )
        ),
        request=s.TransferCreateSerializer,
        responses={201: s.MemberTransferSerializer},
        examples=[
            _request_example(
                {"member": 7, "to_unit_code": "421081101201", "out_on": "2024-09-02", "reason": "回原籍居住"}
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
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

    @extend_schema(
        request=s.DateSerializer,
        responses=s.MemberTransferSerializer,
        summary=gettext_lazy("Record a member's arrival"),
        description=_write(
            gettext_lazy(
                "The receiving side records the day `on` the member reported with the letter of introduction: out → "
                "in. Only the receiving organization may (403 otherwise); 409 transfer_not_sent unless the transfer is "
                "out; 400 date_order for a day before the transfer out. Audited."
            )
        ),
        examples=[_request_example({"on": "2024-09-05"})],
    )
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        day = self.validated(s.DateSerializer)["on"]
        return self.done(services.transfer_arrive(transfer=self._transfer(pk), on=day, actor=request.user))

    @extend_schema(
        request=s.DateSerializer,
        responses=s.MemberTransferSerializer,
        summary=gettext_lazy("Receive a member"),
        description=_write(
            gettext_lazy(
                "The receiving side accepts the member on the day `on`: in → received. From then on the member "
                "belongs to the receiving unit and is no longer marked floating; both units' figures are recomputed. "
                "Only the receiving organization may (403 otherwise); 409 transfer_not_arrived unless the member's "
                "arrival is recorded; 400 date_order for a day before the arrival. Audited."
            )
        ),
        examples=[_request_example({"on": "2024-09-10"})],
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        day = self.validated(s.DateSerializer)["on"]
        return self.done(services.transfer_receive(transfer=self._transfer(pk), on=day, actor=request.user))

    @extend_schema(
        request=None,
        responses=s.MemberTransferSerializer,
        summary=gettext_lazy("Cancel a transfer"),
        description=_write(
            gettext_lazy(
                "The sending side withdraws a transfer whose member has not reported yet: out → cancelled. No body. "
                "Only the sending organization may (403 otherwise); 409 transfer_arrived once the transfer is no "
                "longer out. Audited."
            )
        ),
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.done(services.transfer_cancel(transfer=self._transfer(pk), actor=request.user))


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List development records"),
        description=_read(
            gettext_lazy(
                "The member development records of the caller's jurisdiction (application, activist, target, "
                "probationary member, full member), by id, each with its steps: proposed by the branch, approved or "
                "sent back by the township or the county. `stage` filters."
            )
        ),
        parameters=[
            _choice_parameter("stage", models.DevelopmentStage.choices, gettext_lazy("Only the records at this stage."))
        ],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A development record"),
        description=_read(gettext_lazy("One development record with its steps. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Open a development record"),
        description=_write(
            gettext_lazy(
                "Opens the development record of a registered person (`person`) who applied to join at the branch "
                "`unit_code`; the record starts at the stage applicant. 400 unknown_person or unknown_unit outside "
                "the caller's jurisdiction, future_date for an application date in the future; 409 already_a_member, "
                "development_exists. Audited."
            )
        ),
        request=s.DevelopmentCreateSerializer,
        responses={201: s.DevelopmentRecordSerializer},
        examples=[_request_example({"person": 12, "unit_code": "421081002001", "applied_on": "2024-03-15"})],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
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

    @extend_schema(
        request=s.ProposeSerializer,
        responses=s.DevelopmentRecordSerializer,
        summary=gettext_lazy("Propose a development step"),
        description=_write(
            gettext_lazy(
                "The branch proposes the record's next step; it takes effect when the township or the county approves "
                "it. `kind`: advance to the next stage, extend a probation (`extended_until`, at most one year more: "
                "400 extension_range), disqualify a probationary member (the reason in `note`: 400 reason_required). "
                "400 future_date, date_order, waiting_time when the dates break the rules; 409 step_pending when a "
                "step awaits approval, development_closed for a closed record, step_not_allowed when the stage "
                "allows no such step. Audited."
            )
        ),
        examples=[_request_example({"kind": "advance", "effective_on": "2024-09-20", "note": "支部委员会研究同意"})],
    )
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        record = self._record(pk)
        services.development_propose(record=record, actor=request.user, **self.validated(s.ProposeSerializer))
        return self.done(self.get_queryset().model.objects.get(pk=record.pk))

    @extend_schema(
        request=None,
        responses=s.DevelopmentRecordSerializer,
        summary=gettext_lazy("Approve a development step"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff approve the step awaiting approval (403 for others): the "
                "rules are checked again, then the record moves on, dated, with the approver and the level kept. "
                "Admission registers the person as a probationary member, full membership makes the member full. No "
                "body. 409 no_pending_step when no step awaits approval. The proposer is notified; audited; the unit's "
                "figures are recomputed."
            )
        ),
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        record = self.get_object()  # 404 outside the view scope, 403 where the record is seen but not changed
        services.development_approve(step=self._pending(record), actor=request.user)
        return self.done(models.DevelopmentRecord.objects.get(pk=record.pk))

    @extend_schema(
        request=s.ReasonSerializer,
        responses=s.DevelopmentRecordSerializer,
        summary=gettext_lazy("Send a development step back"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff send the step awaiting approval back to the branch with a "
                "reason (403 for others); the step stays in the record's history. 409 no_pending_step when no step "
                "awaits approval. The proposer is notified; audited."
            )
        ),
        examples=[_request_example({"reason": "培养考察材料不全，请补充后再报"})],
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        record = self.get_object()  # as approve: refused before the record's state is told
        reason = self.validated(s.ReasonSerializer)["reason"]
        services.development_return(step=self._pending(record), reason=reason, actor=request.user)
        return self.done(models.DevelopmentRecord.objects.get(pk=record.pk))


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List cadre posts"),
        description=_read(
            gettext_lazy(
                "Posts held in the committees of the villages, communities and other units of the caller's "
                "jurisdiction, by id, past ones included: `current=1` keeps the sitting cadres, `post` filters by post."
            )
        ),
        parameters=[
            _choice_parameter("post", models.PostKind.choices, gettext_lazy("Only the posts of this kind.")),
            OpenApiParameter(
                "current",
                str,
                enum=["1", "true"],
                description=gettext_lazy("1 or true: only the posts not ended (the sitting cadres)."),
            ),
        ],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A cadre post"),
        description=_read(gettext_lazy("One post with its holder's brief. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Appoint to a post"),
        description=_write(
            gettext_lazy(
                "Appoints a registered person (`person`) to a post in a committee of the unit `unit_code`, for a term "
                "of five years from `term_start_year`. 400 unknown_person or unknown_unit outside the caller's "
                "jurisdiction, one_shoulder_secretary_only when someone other than the secretary is marked as also "
                "chairing; 409 secretary_seated when the unit has a sitting secretary. Audited; the unit's figures are "
                "recomputed."
            )
        ),
        request=s.CadrePostCreateSerializer,
        responses={201: s.CadrePostSerializer},
        examples=[
            _request_example(
                {
                    "person": 12,
                    "unit_code": "421081002001",
                    "committee": "party",
                    "post": "secretary",
                    "is_one_shoulder": True,
                    "is_dispatched": False,
                    "term_start_year": 2021,
                    "started_on": "2021-10-15",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
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

    @extend_schema(
        request=s.PostEndSerializer,
        responses=s.CadrePostSerializer,
        summary=gettext_lazy("End a post"),
        description=_write(
            gettext_lazy(
                "Ends a post (dynamic adjustment) on `ended_on` with a reason (400 reason_required); the ended post "
                "stays as history. 400 date_order for an end before the start; 409 post_ended for a post already "
                "ended. Audited; the unit's figures are recomputed."
            )
        ),
        examples=[_request_example({"ended_on": "2024-08-31", "reason": "工作调动"})],
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        post = restrict(models.CadrePost.objects.all(), request.user, VIEW).filter(pk=pk).first()
        if post is None:
            raise exceptions.NotFound()
        data = self.validated(s.PostEndSerializer)
        return self.done(
            services.post_end(post=post, ended_on=data["ended_on"], reason=data["reason"], actor=request.user)
        )


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List elevated management records"),
        description=_read(
            gettext_lazy(
                "Sitting secretaries under elevated management (positive or negative) in the caller's jurisdiction, "
                "by id."
            )
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("An elevated management record"),
        description=_read(gettext_lazy("One elevated management record. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Put a secretary under elevated management"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff put the holder of the secretary's post `post` under "
                "elevated management, positive or negative, with a reason and a review date after the start (400 "
                "date_order). 400 unknown_post outside the caller's jurisdiction, not_a_sitting_secretary for another "
                "post or an ended one; 409 already_elevated. Audited."
            )
        ),
        request=s.ElevationCreateSerializer,
        responses={201: s.ElevatedManagementSerializer},
        examples=[
            _request_example(
                {
                    "post": 3,
                    "direction": "negative",
                    "reason": "软弱涣散村党组织整顿",
                    "started_on": "2024-04-01",
                    "review_on": "2024-10-01",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
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


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List joint vettings"),
        description=_read(gettext_lazy("Joint vettings of candidates in the caller's jurisdiction, by id.")),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A joint vetting"),
        description=_read(gettext_lazy("One joint vetting. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Record a joint vetting"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff record the joint vetting of a candidate (`person`) for "
                "the secretary's post at `unit_code`: the date, the departments and the result; a passed candidate may "
                "be filed with the county (`filed_on`), a failed one not (409 vetting_not_passed). 400 unknown_person "
                "or unknown_unit outside the caller's jurisdiction. Audited."
            )
        ),
        request=s.VettingCreateSerializer,
        responses={201: s.JointVettingSerializer},
        examples=[
            _request_example(
                {
                    "person": 12,
                    "unit_code": "421081002001",
                    "vetted_on": "2024-05-20",
                    "result": "passed",
                    "departments": "纪委监委、公安局、法院、检察院",
                    "filed_on": "2024-05-28",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
class JointVettingViewSet(CadresViewSet):
    api_route = "vettings", "vetting"
    queryset = models.JointVetting.objects.select_related("person", "unit").order_by("id")
    serializer_class = s.JointVettingSerializer
    create_serializer = s.VettingCreateSerializer
    create_service = staticmethod(services.vetting_create)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List degree studies"),
        description=_read(gettext_lazy("Cadres enrolled in degree courses in the caller's jurisdiction, by id.")),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A degree study"),
        description=_read(gettext_lazy("One degree study. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Record a degree study"),
        description=_write(
            gettext_lazy(
                "Records a cadre (`person`) of the unit `unit_code` enrolled in a degree course: the school, the "
                "level aimed at, the enrolment date. 400 unknown_person or unknown_unit outside the caller's "
                "jurisdiction. Audited; the unit's figures are recomputed."
            )
        ),
        request=s.StudyCreateSerializer,
        responses={201: s.DegreeStudySerializer},
        examples=[
            _request_example(
                {
                    "person": 12,
                    "unit_code": "421081002001",
                    "school": "湖北广播电视大学",
                    "target_level": "college",
                    "enrolled_on": "2023-09-01",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
class DegreeStudyViewSet(CadresViewSet):
    api_route = "studies", "study"
    queryset = models.DegreeStudy.objects.select_related("person", "unit").order_by("id")
    serializer_class = s.DegreeStudySerializer
    create_serializer = s.StudyCreateSerializer
    create_service = staticmethod(services.study_create)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List capability assessments"),
        description=_read(
            gettext_lazy("Yearly capability scores of the secretaries in the caller's jurisdiction, by id.")
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A capability assessment"),
        description=_read(gettext_lazy("One capability assessment. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Record a capability score"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff record a secretary's (`person`) capability score (0–100, "
                "one decimal) for a year at the unit `unit_code`. A score already recorded for the same person, unit "
                "and year is replaced, and the answer is 201 all the same. 400 unknown_person or unknown_unit outside "
                "the caller's jurisdiction. Audited."
            )
        ),
        request=s.AssessmentCreateSerializer,
        responses={201: s.CapabilityAssessmentSerializer},
        examples=[
            _request_example(
                {"person": 12, "unit_code": "421081002001", "year": 2024, "score": "86.5", "comment": "群众认可度高"}
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
class CapabilityAssessmentViewSet(CadresViewSet):
    """Yearly capability scores of secretaries; `ranking/?year=2024` lists them ranked."""

    api_route = "assessments", "assessment"

    queryset = models.CapabilityAssessment.objects.select_related("person", "unit").order_by("id")
    serializer_class = s.CapabilityAssessmentSerializer
    create_serializer = s.AssessmentCreateSerializer
    create_service = staticmethod(services.assessment_record)

    @extend_schema(
        parameters=[YEAR_PARAMETER],
        responses=inline_serializer(
            "AssessmentRank",
            {
                "rank": serializers.IntegerField(
                    help_text=gettext_lazy("The rank: 1 is the best; equal scores share it.")
                ),
                "person": serializers.CharField(help_text=gettext_lazy("The secretary's name.")),
                "unit_code": serializers.CharField(help_text=gettext_lazy("The code of the secretary's unit.")),
                "score": serializers.DecimalField(
                    max_digits=6,
                    decimal_places=2,
                    coerce_to_string=True,
                    help_text=gettext_lazy("The score (0–100)."),
                ),
            },
            many=True,
        ),
        summary=gettext_lazy("Rank capability scores"),
        description=_read(
            gettext_lazy(
                "The secretaries' capability scores of a year in the caller's jurisdiction, best first (equal scores "
                "share a rank); a plain list, not paged."
            )
        ),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def ranking(self, request):
        year = parse_year(request.query_params, default=timezone.localdate().year)
        rows = selectors.assessment_ranking(user=request.user, year=year)
        return Response(
            [{"rank": a.rank, "person": a.person.name, "unit_code": a.unit.code, "score": str(a.score)} for a in rows]
        )


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List reserve cadres"),
        description=_read(
            gettext_lazy(
                "The reserve cadres of the caller's jurisdiction, by id, each with the steps of its pipeline "
                "(nominated → reviewed → inspected → in reserve → trained → appointed, or dropped). `stage` and "
                "`post_for` filter."
            )
        ),
        parameters=[
            _choice_parameter("stage", models.ReserveStage.choices, gettext_lazy("Only the reserves at this stage.")),
            _choice_parameter("post_for", models.ReservePost.choices, gettext_lazy("Only the reserves for this post.")),
        ],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A reserve cadre"),
        description=_read(gettext_lazy("One reserve cadre with its steps. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Nominate a reserve cadre"),
        description=_write(
            gettext_lazy(
                "Nominates a registered person (`person`) as reserve cadre of the unit `unit_code` for a post; the "
                "pipeline starts at nominated. 400 unknown_person or unknown_unit outside the caller's jurisdiction; "
                "409 reserve_exists when the person is already in the pipeline for this post there. Audited; the "
                "unit's figures are recomputed."
            )
        ),
        request=s.ReserveCreateSerializer,
        responses={201: s.ReserveCadreSerializer},
        examples=[
            _request_example(
                {
                    "person": 12,
                    "unit_code": "421081101201",
                    "post_for": "secretary",
                    "nomination": "recommended",
                    "nominated_on": "2024-03-01",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
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

    @extend_schema(
        request=s.DateSerializer,
        responses=s.ReserveCadreSerializer,
        summary=gettext_lazy("Advance a reserve cadre"),
        description=_write(
            gettext_lazy(
                "Moves the reserve cadre to the next stage on the day `on`, recorded as a step. Review, inspection and "
                "appointment are decided by township or organization-department staff (403 for others). 400 "
                "date_order for a day before the last step, future_date for a day in the future; 409 reserve_closed "
                "once appointed or dropped. Audited; the unit's figures are recomputed."
            )
        ),
        examples=[_request_example({"on": "2024-05-10"})],
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        day = self.validated(s.DateSerializer)["on"]
        return self.done(services.reserve_advance(reserve=self._reserve(pk), on=day, actor=request.user))

    @extend_schema(
        request=s.DropSerializer,
        responses=s.ReserveCadreSerializer,
        summary=gettext_lazy("Drop a reserve cadre"),
        description=_write(
            gettext_lazy(
                "Drops the reserve cadre from the pipeline on the day `on` with a reason (400 reason_required); the "
                "history is kept. 409 reserve_closed once appointed or dropped. Audited; the unit's figures are "
                "recomputed."
            )
        ),
        examples=[_request_example({"on": "2024-07-01", "reason": "外出务工，本人申请退出"})],
    )
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        data = self.validated(s.DropSerializer)
        return self.done(
            services.reserve_drop(reserve=self._reserve(pk), on=data["on"], reason=data["reason"], actor=request.user)
        )

    @extend_schema(
        responses=inline_serializer(
            "VillagesWithoutYoungReserve",
            {
                "villages": serializers.IntegerField(
                    help_text=gettext_lazy("Active villages in the caller's jurisdiction.")
                ),
                "missing": serializers.IntegerField(help_text=gettext_lazy("Those without a reserve under 30.")),
                "townships": inline_serializer(
                    "TownshipVillages",
                    {
                        "code": serializers.CharField(help_text=gettext_lazy("The township's code.")),
                        "name": serializers.CharField(help_text=gettext_lazy("The township's name.")),
                        "villages": UNIT_LIST,
                    },
                    many=True,
                    help_text=gettext_lazy("The villages without one, by township."),
                ),
            },
        ),
        summary=gettext_lazy("Villages without a young reserve"),
        description=_read(
            gettext_lazy(
                "The under-30 rule: the active villages of the caller's jurisdiction with no reserve cadre under 30 "
                "in reserve or trained today, grouped by township, with the counts."
            )
        ),
    )
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


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List training sessions"),
        description=_read(
            gettext_lazy(
                "Training sessions organized by the units of the caller's jurisdiction, latest start first, each with "
                "its person-times."
            )
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A training session"),
        description=_read(gettext_lazy("One training session. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Schedule a training session"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff schedule a session organized by the unit "
                "`organizer_code` (400 unknown_unit outside the caller's jurisdiction); it may not end before it "
                "starts (400 date_order). Audited."
            )
        ),
        request=s.TrainingCreateSerializer,
        responses={201: s.TrainingSessionSerializer},
        examples=[
            _request_example(
                {
                    "topic": "村（社区）党组织书记轮训班",
                    "organizer_code": "421081002",
                    "level": "township",
                    "starts_on": "2024-06-11",
                    "ends_on": "2024-06-13",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)
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

    @extend_schema(
        request=s.AttendeesSerializer,
        responses=s.TrainingSessionSerializer,
        summary=gettext_lazy("Record attendees"),
        description=_write(
            gettext_lazy(
                "Records the people `people` as attendees of the session, one person-time each; those already "
                "recorded are skipped. A caller who may see but not change the session gets 403 before the body is "
                "read; 400 unknown_person when some of the people are outside the caller's jurisdiction (nobody is "
                "recorded then). Audited; the figures of the units concerned are recomputed."
            )
        ),
        examples=[_request_example({"people": [12, 15, 18]})],
    )
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

    @extend_schema(
        parameters=[YEAR_PARAMETER],
        responses=inline_serializer(
            "SecretaryTrainingCoverage",
            {
                "year": serializers.IntegerField(help_text=gettext_lazy("The year reported.")),
                "secretaries": serializers.IntegerField(
                    help_text=gettext_lazy("Sitting village and community secretaries in the caller's jurisdiction.")
                ),
                "trained": serializers.IntegerField(help_text=gettext_lazy("Those trained in the year.")),
                "not_trained": inline_serializer(
                    "SecretaryNotTrained",
                    {
                        "person": serializers.CharField(help_text=gettext_lazy("The secretary's name.")),
                        "unit_code": serializers.CharField(help_text=gettext_lazy("The code of the secretary's unit.")),
                    },
                    many=True,
                    help_text=gettext_lazy("The secretaries not trained in the year."),
                ),
                "sessions": serializers.IntegerField(
                    help_text=gettext_lazy("Sessions of the year with attendees in the caller's jurisdiction.")
                ),
                "person_times": serializers.IntegerField(
                    help_text=gettext_lazy("Person-times of the year in the caller's jurisdiction.")
                ),
                "people": serializers.IntegerField(
                    help_text=gettext_lazy("Different people trained in the year in the caller's jurisdiction.")
                ),
            },
        ),
        summary=gettext_lazy("Secretaries' training coverage"),
        description=_read(
            gettext_lazy(
                "For a year: the sitting village and community secretaries of the caller's jurisdiction not trained "
                "that year, with the year's sessions, person-times and people trained."
            )
        ),
    )
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
