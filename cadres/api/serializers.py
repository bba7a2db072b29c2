"""API bodies. Personal data appears masked only; the full value comes from the logged reveal endpoint."""

from rest_framework import serializers

from core.api.serializers import IdentitySerializer, ReadOnlyModelSerializer
from core.fields import DateField
from core.params import ID_MAX

from .. import models
from ..personal import age_band, sees_personal_data
from .service_accounts import SENSITIVE_FIELDS, hides_personal_data

UNIT_CODE = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)


class PersonalDataMixin(serializers.Serializer):
    """Birth date and gender only for the roles that hold REVEAL on the person (null for the others); the age band
    for everybody. The masked ID number shows its first and last character only (cadres.personal)."""

    gender = serializers.ChoiceField(
        choices=models.Person._meta.get_field("gender").choices, read_only=True, allow_null=True
    )
    birth_date = serializers.DateField(read_only=True, allow_null=True)
    age_band = serializers.SerializerMethodField()

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
    education = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    employment_type = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    unit_code = serializers.CharField(max_length=32)


class PersonUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
    education = serializers.CharField(max_length=16, required=False, allow_blank=True)
    employment_type = serializers.CharField(max_length=16, required=False, allow_blank=True)


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "mobile"])


class PersonBriefSerializer(PersonalDataMixin, serializers.ModelSerializer):
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
    status = serializers.ChoiceField(choices=models.PartyMember._meta.get_field("status").choices)
    joined_on = DateField()


class PartyMemberUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=models.PartyMember._meta.get_field("status").choices, required=False)
    full_on = DateField(required=False, allow_null=True)
    is_floating = serializers.BooleanField(required=False)
    floating_location = serializers.CharField(max_length=100, required=False, allow_blank=True)
    floating_managing_unit_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    is_in_service = serializers.BooleanField(required=False)
    without_post = serializers.BooleanField(required=False)
    is_household = serializers.BooleanField(required=False)


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
    member = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    to_unit_code = serializers.CharField(max_length=32)
    out_on = DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DateSerializer(serializers.Serializer):
    on = DateField()


class DevelopmentStepSerializer(serializers.ModelSerializer):
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
    steps = DevelopmentStepSerializer(many=True, read_only=True)

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
    person = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    unit_code = serializers.CharField(max_length=32)
    applied_on = DateField()


class ProposeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=models.DevelopmentStep._meta.get_field("kind").choices, default="advance")
    effective_on = DateField()
    extended_until = DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


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
    person = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    unit_code = serializers.CharField(max_length=32)
    committee = serializers.ChoiceField(choices=models.CadrePost._meta.get_field("committee").choices, default="party")
    post = serializers.ChoiceField(choices=models.CadrePost._meta.get_field("post").choices)
    is_one_shoulder = serializers.BooleanField(default=False)
    is_dispatched = serializers.BooleanField(default=False)
    term_start_year = serializers.IntegerField(min_value=1990, max_value=2100)
    started_on = DateField()


class PostEndSerializer(serializers.Serializer):
    ended_on = DateField()
    reason = serializers.CharField(max_length=200)


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


class PersonAtUnitSerializer(serializers.Serializer):
    """Bodies that name an existing person (by id) at a unit (by code), plus the record's own fields."""

    person = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    unit_code = serializers.CharField(max_length=32)


class VettingCreateSerializer(PersonAtUnitSerializer):
    vetted_on = DateField()
    result = serializers.ChoiceField(choices=models.JointVetting._meta.get_field("result").choices)
    departments = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    filed_on = DateField(required=False, allow_null=True)


class StudyCreateSerializer(PersonAtUnitSerializer):
    school = serializers.CharField(max_length=100)
    target_level = serializers.ChoiceField(choices=models.DegreeStudy._meta.get_field("target_level").choices)
    enrolled_on = DateField()


class AssessmentCreateSerializer(PersonAtUnitSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    score = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, max_value=100)
    comment = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ElevationCreateSerializer(serializers.Serializer):
    post = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    direction = serializers.ChoiceField(choices=models.ElevatedManagement._meta.get_field("direction").choices)
    reason = serializers.CharField(max_length=200)
    started_on = DateField()
    review_on = DateField()


class ReserveStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.ReserveStep
        fields = ["from_stage", "to_stage", "on", "reason"]


class ReserveCadreSerializer(ReadOnlyModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    steps = ReserveStepSerializer(many=True, read_only=True)

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
    post_for = serializers.ChoiceField(choices=models.ReserveCadre._meta.get_field("post_for").choices)
    nomination = serializers.ChoiceField(choices=models.ReserveCadre._meta.get_field("nomination").choices)
    nominated_on = DateField()


class DropSerializer(DateSerializer):
    reason = serializers.CharField(max_length=200)


class TrainingSessionSerializer(ReadOnlyModelSerializer):
    organizer_code = serializers.SlugRelatedField(source="organizer", slug_field="code", read_only=True)
    person_times = serializers.SerializerMethodField()

    class Meta:
        model = models.TrainingSession
        fields = ["id", "topic", "organizer", "organizer_code", "level", "starts_on", "ends_on", "person_times"]

    def get_person_times(self, obj) -> int:
        annotated = getattr(obj, "n_attendances", None)  # 0 is an answer too: count only when not annotated
        return annotated if annotated is not None else obj.attendances.count()


class TrainingCreateSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=150)
    organizer_code = serializers.CharField(max_length=32)
    level = serializers.ChoiceField(choices=models.TrainingSession._meta.get_field("level").choices)
    starts_on = DateField()
    ends_on = DateField()


class AttendeesSerializer(serializers.Serializer):
    people = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX), allow_empty=False)
