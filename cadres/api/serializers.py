"""API bodies. Personal data appears masked only; the full value comes from the logged reveal endpoint."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import IdentitySerializer, ReadOnlyModelSerializer
from core.fields import DateField
from core.params import ID_MAX

from .. import models
from ..personal import age_band, sees_personal_data
from .service_accounts import SENSITIVE_FIELDS, hides_personal_data

UNIT_CODE = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)


def coded_char_field(choices):
    """A CharField whose value the model checks against `choices` (blank allowed): the schema lists the codes."""

    @extend_schema_field(serializers.ChoiceField(choices=choices, allow_blank=True))
    class CodedCharField(serializers.CharField):
        pass

    return CodedCharField


EducationField = coded_char_field(models.EducationLevel.choices)
EmploymentTypeField = coded_char_field(models.EmploymentType.choices)
PERSON_HELP = _("The person's id (as in /api/v1/cadres/people/), in the caller's jurisdiction.")
UNIT_CODE_HELP = _("The code of the unit, where the caller may write records of this kind.")


# Birth date and gender only for the roles that hold REVEAL on the person (null for the others); the age band for
# everybody. The masked ID number shows its first and last character only (cadres.personal). (A comment, not a
# docstring: drf-spectacular would copy a docstring, in English, into the schema of every serializer using it.)
class PersonalDataMixin(serializers.Serializer):
    gender = serializers.ChoiceField(
        choices=models.Person._meta.get_field("gender").choices, read_only=True, allow_null=True
    )
    birth_date = serializers.DateField(read_only=True, allow_null=True)
    age_band = serializers.SerializerMethodField(
        help_text=_("The ten-year age band, such as 40-49岁; empty when the birth date is unknown.")
    )

    def get_age_band(self, obj) -> str:
        return age_band(obj.birth_date)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not sees_personal_data(getattr(request, "user", None), instance):
            data["gender"] = data["birth_date"] = None
        if hides_personal_data(request):  # an external system: not even the masked values (service_accounts.py)
            for key in SENSITIVE_FIELDS & set(data):
                del data[key]
        return data


class PersonSerializer(PersonalDataMixin, ReadOnlyModelSerializer):
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)

    class Meta:
        model = models.Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "age_band",
            "id_number_masked",
            "mobile_masked",
            "education",
            "employment_type",
            "unit",
            "unit_code",
            "created_at",
            "updated_at",
        ]


class PersonCreateSerializer(IdentitySerializer):
    # IdentitySerializer's fields, with their help texts.
    name = serializers.CharField(max_length=50, help_text=_("The person's name."))
    id_number = serializers.CharField(
        max_length=18, help_text=_("The 18-character resident ID number; birth date and gender come from it.")
    )
    mobile = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text=_("An 11-digit mobile number.")
    )
    education = EducationField(
        max_length=16, required=False, allow_blank=True, default="", help_text=_("The education level's code.")
    )
    employment_type = EmploymentTypeField(
        max_length=16, required=False, allow_blank=True, default="", help_text=_("The employment type's code.")
    )
    unit_code = serializers.CharField(max_length=32, help_text=UNIT_CODE_HELP)


class PersonUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, help_text=_("The person's name."))
    mobile = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text=_("An 11-digit mobile number; empty removes it.")
    )
    education = EducationField(
        max_length=16, required=False, allow_blank=True, help_text=_("The education level's code.")
    )
    employment_type = EmploymentTypeField(
        max_length=16, required=False, allow_blank=True, help_text=_("The employment type's code.")
    )


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=["id_number", "mobile"], help_text=_("Which value: id_number (the ID number) or mobile (the phone).")
    )


class PersonBriefSerializer(PersonalDataMixin, ReadOnlyModelSerializer):
    class Meta:
        model = models.Person
        fields = ["id", "name", "gender", "birth_date", "age_band", "id_number_masked", "mobile_masked", "education"]


class PartyMemberSerializer(ReadOnlyModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    floating_managing_unit_code = serializers.SlugRelatedField(
        source="floating_managing_unit", slug_field="code", read_only=True
    )
    report_community_code = serializers.SlugRelatedField(source="report_community", slug_field="code", read_only=True)

    class Meta:
        model = models.PartyMember
        fields = [
            "id",
            "person",
            "unit",
            "unit_code",
            "status",
            "joined_on",
            "full_on",
            "is_floating",
            "floating_location",
            "floating_managing_unit_code",
            "is_in_service",
            "report_community_code",
            "without_post",
            "is_household",
            "household_building",
            "created_at",
            "updated_at",
        ]


class PartyMemberCreateSerializer(PersonCreateSerializer):
    status = serializers.ChoiceField(
        choices=models.PartyMember._meta.get_field("status").choices,
        help_text=_("full: a full member; probationary: a probationary member."),
    )
    joined_on = DateField(help_text=_("The day the member joined the Party (the political birthday)."))


class PartyMemberUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=models.PartyMember._meta.get_field("status").choices,
        required=False,
        help_text=_("full: a full member; probationary: a probationary member."),
    )
    full_on = DateField(
        required=False, allow_null=True, help_text=_("The day the member became full; null when not yet.")
    )
    is_floating = serializers.BooleanField(required=False, help_text=_("A floating member (away from home)."))
    floating_location = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("Where the floating member is now.")
    )
    floating_managing_unit_code = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=_("The code of the organization managing the floating member (any unit); empty clears it."),
    )
    is_in_service = serializers.BooleanField(
        required=False, help_text=_("An in-service member reporting to a residential community.")
    )
    without_post = serializers.BooleanField(required=False, help_text=_("A member without a post."))
    is_household = serializers.BooleanField(required=False, help_text=_("A member household (党员中心户)."))


class MemberTransferSerializer(ReadOnlyModelSerializer):
    member_name = serializers.CharField(source="member.person.name", read_only=True)
    member_id_number_masked = serializers.CharField(source="member.person.id_number_masked", read_only=True)
    from_unit_code = serializers.SlugRelatedField(source="from_unit", slug_field="code", read_only=True)
    to_unit_code = serializers.SlugRelatedField(source="to_unit", slug_field="code", read_only=True)

    class Meta:
        model = models.MemberTransfer
        fields = [
            "id",
            "member",
            "member_name",
            "member_id_number_masked",
            "from_unit_code",
            "to_unit_code",
            "status",
            "reason",
            "out_on",
            "in_on",
            "received_on",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if hides_personal_data(self.context.get("request")):  # an external system: no ID number, even masked
            data.pop("member_id_number_masked", None)
        return data


class TransferCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text=_("The member's id (as in /api/v1/cadres/members/).")
    )
    to_unit_code = serializers.CharField(
        max_length=32, help_text=_("The code of the receiving unit; any unit, another county's too.")
    )
    out_on = DateField(help_text=_("The day of the transfer out."))
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Why the member moves.")
    )


class DateSerializer(serializers.Serializer):
    on = DateField(help_text=_("The day of the step."))


class DevelopmentStepSerializer(ReadOnlyModelSerializer):
    proposed_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = models.DevelopmentStep
        fields = [
            "id",
            "kind",
            "to_stage",
            "effective_on",
            "extended_until",
            "status",
            "note",
            "proposed_by",
            "decided_by",
            "level",
            "decided_at",
            "return_reason",
            "created_at",
        ]


class DevelopmentRecordSerializer(ReadOnlyModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    steps = DevelopmentStepSerializer(
        many=True, read_only=True, help_text=_("The steps proposed, approved or sent back, oldest first.")
    )

    class Meta:
        model = models.DevelopmentRecord
        fields = [
            "id",
            "person",
            "unit",
            "unit_code",
            "stage",
            "applied_on",
            "activist_on",
            "target_on",
            "admitted_on",
            "full_on",
            "probation_extended_until",
            "disqualified_on",
            "disqualified_reason",
            "steps",
        ]


class DevelopmentCreateSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=PERSON_HELP)
    unit_code = serializers.CharField(max_length=32, help_text=UNIT_CODE_HELP)
    applied_on = DateField(help_text=_("The day the application to join was handed in."))


class ProposeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=models.DevelopmentStep._meta.get_field("kind").choices,
        default="advance",
        help_text=_("advance: the next stage; extend: extend the probation; disqualify: cancel the qualification."),
    )
    effective_on = DateField(help_text=_("The day the step takes effect; not in the future."))
    extended_until = DateField(
        required=False, allow_null=True, help_text=_("For extend: the day the extended probation ends.")
    )
    note = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A note; for disqualify, the reason."),
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text=_("Why the step is sent back."))


class CadrePostSerializer(ReadOnlyModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)

    class Meta:
        model = models.CadrePost
        fields = [
            "id",
            "person",
            "unit",
            "unit_code",
            "committee",
            "post",
            "is_one_shoulder",
            "is_dispatched",
            "term_start_year",
            "term_end_year",
            "started_on",
            "ended_on",
            "end_reason",
        ]


class CadrePostCreateSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=PERSON_HELP)
    unit_code = serializers.CharField(max_length=32, help_text=UNIT_CODE_HELP)
    committee = serializers.ChoiceField(
        choices=models.CadrePost._meta.get_field("committee").choices,
        default="party",
        help_text=_("The committee: party, villagers (villagers' or residents' committee) or work_team."),
    )
    post = serializers.ChoiceField(
        choices=models.CadrePost._meta.get_field("post").choices, help_text=_("The post held.")
    )
    is_one_shoulder = serializers.BooleanField(
        default=False, help_text=_("The secretary also chairs the villagers' committee (secretary only).")
    )
    is_dispatched = serializers.BooleanField(default=False, help_text=_("A secretary dispatched from outside."))
    term_start_year = serializers.IntegerField(
        min_value=1990,
        max_value=2100,
        help_text=_("The year the term starts (the election year); terms last five years."),
    )
    started_on = DateField(help_text=_("The day the post was taken up."))


class PostEndSerializer(serializers.Serializer):
    ended_on = DateField(help_text=_("The day the post ends; not before it started."))
    reason = serializers.CharField(max_length=200, help_text=_("Why the post ends."))


class ElevatedManagementSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="post.person.name", read_only=True)

    class Meta:
        model = models.ElevatedManagement
        fields = ["id", "post", "person_name", "direction", "reason", "started_on", "review_on", "closed_on"]
        read_only_fields = ["id", "person_name", "closed_on"]


class JointVettingSerializer(ReadOnlyModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)

    class Meta:
        model = models.JointVetting
        fields = ["id", "person", "unit_code", "post", "vetted_on", "departments", "result", "filed_on", "note"]


class DegreeStudySerializer(ReadOnlyModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)

    class Meta:
        model = models.DegreeStudy
        fields = ["id", "person", "unit_code", "school", "target_level", "enrolled_on", "graduated_on"]


class CapabilityAssessmentSerializer(ReadOnlyModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)

    class Meta:
        model = models.CapabilityAssessment
        fields = ["id", "person", "unit_code", "year", "score", "comment"]


# Bodies that name an existing person (by id) at a unit (by code), plus the record's own fields. (A comment, not a
# docstring: drf-spectacular would copy a docstring into every subclass's schema component.)
class PersonAtUnitSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=PERSON_HELP)
    unit_code = serializers.CharField(max_length=32, help_text=UNIT_CODE_HELP)


class VettingCreateSerializer(PersonAtUnitSerializer):
    vetted_on = DateField(help_text=_("The day of the joint vetting."))
    result = serializers.ChoiceField(
        choices=models.JointVetting._meta.get_field("result").choices, help_text=_("passed or failed.")
    )
    departments = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("The departments that vetted.")
    )
    filed_on = DateField(
        required=False, allow_null=True, help_text=_("The day of the filing with the county; passed candidates only.")
    )


class StudyCreateSerializer(PersonAtUnitSerializer):
    school = serializers.CharField(max_length=100, help_text=_("The school."))
    target_level = serializers.ChoiceField(
        choices=models.DegreeStudy._meta.get_field("target_level").choices,
        help_text=_("The education level aimed at."),
    )
    enrolled_on = DateField(help_text=_("The day of enrolment."))


class AssessmentCreateSerializer(PersonAtUnitSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("The year assessed."))
    score = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, help_text=_("The score, 0–100, one decimal.")
    )
    comment = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("A comment on the score.")
    )


class ElevationCreateSerializer(serializers.Serializer):
    post = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        help_text=_("The id of a sitting secretary's post (as in /api/v1/cadres/posts/)."),
    )
    direction = serializers.ChoiceField(
        choices=models.ElevatedManagement._meta.get_field("direction").choices,
        help_text=_("positive (promote the strong) or negative (rectify the weak)."),
    )
    reason = serializers.CharField(max_length=200, help_text=_("Why."))
    started_on = DateField(help_text=_("The day elevated management starts."))
    review_on = DateField(help_text=_("The day of the review; after the start."))


class ReserveStepSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.ReserveStep
        fields = ["from_stage", "to_stage", "on", "reason"]


class ReserveCadreSerializer(ReadOnlyModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    steps = ReserveStepSerializer(many=True, read_only=True, help_text=_("The steps of the pipeline."))

    class Meta:
        model = models.ReserveCadre
        fields = [
            "id",
            "person",
            "unit",
            "unit_code",
            "post_for",
            "nomination",
            "stage",
            "nominated_on",
            "stage_on",
            "dropped_reason",
            "steps",
        ]


class ReserveCreateSerializer(PersonAtUnitSerializer):
    post_for = serializers.ChoiceField(
        choices=models.ReserveCadre._meta.get_field("post_for").choices,
        help_text=_("The post reserved for: secretary or other."),
    )
    nomination = serializers.ChoiceField(
        choices=models.ReserveCadre._meta.get_field("nomination").choices,
        help_text=_("How nominated: self, recommended or open (open recruitment)."),
    )
    nominated_on = DateField(help_text=_("The day of the nomination."))


class DropSerializer(DateSerializer):
    reason = serializers.CharField(max_length=200, help_text=_("Why the reserve cadre leaves the pipeline."))


class TrainingSessionSerializer(ReadOnlyModelSerializer):
    organizer_code = serializers.SlugRelatedField(source="organizer", slug_field="code", read_only=True)
    person_times = serializers.SerializerMethodField(help_text=_("Person-times: the attendees recorded."))

    class Meta:
        model = models.TrainingSession
        fields = ["id", "topic", "organizer", "organizer_code", "level", "starts_on", "ends_on", "person_times"]

    def get_person_times(self, obj) -> int:
        annotated = getattr(obj, "n_attendances", None)  # 0 is an answer too: count only when not annotated
        return annotated if annotated is not None else obj.attendances.count()


class TrainingCreateSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=150, help_text=_("The session's topic."))
    organizer_code = serializers.CharField(max_length=32, help_text=_("The code of the organizing unit."))
    level = serializers.ChoiceField(
        choices=models.TrainingSession._meta.get_field("level").choices,
        help_text=_("The level: city, township or village."),
    )
    starts_on = DateField(help_text=_("The first day."))
    ends_on = DateField(help_text=_("The last day; not before the first."))


class AttendeesSerializer(serializers.Serializer):
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        allow_empty=False,
        help_text=_("The attendees' ids (as in /api/v1/cadres/people/); at least one."),
    )
