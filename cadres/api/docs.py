"""The OpenAPI documentation of the cadres API: people, members and transfers, and what every part shares
(texts through gettext, parameters the views read by hand, examples). The views apply it; kept apart so that
views.py holds the behaviour."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from core.api.schema import error_serializer

from .. import models
from . import serializers as s
from .service_accounts import PersonForSystemSerializer

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
PERSON_FOR_SYSTEM_EXAMPLE = {
    "id": 12,
    "code": "P7K2M9Q4XT",
    "name": "张明",
    "age_band": "40-49岁",
    "education": "senior",
    "employment_type": "farmer",
    "unit": 5,
    "unit_code": "421081002001",
    "created_at": "2024-03-01T09:30:00+08:00",
    "updated_at": "2024-06-18T15:02:11+08:00",
}


def _person_shapes():
    """A person as a portal user reads it, or as a system client's service account does (people:read: the
    non-sensitive fields only, cadres/api/service_accounts.py)."""
    return PolymorphicProxySerializer(
        component_name="PersonOrNonSensitivePerson",
        serializers=[s.PersonSerializer, PersonForSystemSerializer],
        resource_type_field_name=None,
    )


def _person_examples():
    return [
        _response_example(PERSON_EXAMPLE),
        OpenApiExample(
            "system client",
            summary=gettext_lazy("As a system client reads it (people:read)"),
            value=PERSON_FOR_SYSTEM_EXAMPLE,
            response_only=True,
        ),
    ]


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


PERSON_DOCS = extend_schema_view(
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
        responses=_person_shapes(),
        examples=_person_examples(),
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
        responses=_person_shapes(),
        examples=_person_examples(),
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

PERSON_REVEAL = extend_schema(
    request=s.RevealSerializer,
    responses=inline_serializer(
        "RevealedValue",
        {
            "field": serializers.ChoiceField(
                choices=["id_number", "mobile"], help_text=gettext_lazy("The field asked for.")
            ),
            "value": serializers.CharField(help_text=gettext_lazy("Its full value; empty when the person has none.")),
        },
    ),
)

PARTY_MEMBER_DOCS = extend_schema_view(
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

MEMBER_TRANSFER_DOCS = extend_schema_view(
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

MEMBER_TRANSFER_ARRIVE = extend_schema(
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

MEMBER_TRANSFER_RECEIVE = extend_schema(
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

MEMBER_TRANSFER_CANCEL = extend_schema(
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
