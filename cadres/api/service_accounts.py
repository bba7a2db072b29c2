"""What an external system's account (a system client with `people:read`, or an older API token of the role) reads
of a person: the non-sensitive fields only, from the same `restrict()` path as everyone (its unit's subtree; outside
it 404). Never an ID number or phone, not even masked, nor anything kept encrypted or hashed, nor the birth date or
gender (REVEAL roles only): the age band says enough for a statistic. docs/security.md ("Personal data").

Kept apart from the portal's serializers on purpose: the fields are an allowlist, and a field added to the person
later reaches a system only when it is added here."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.auth import is_service_account
from core.api.serializers import ReadOnlyModelSerializer

from .. import models
from ..personal import age_band

# What a person's serializer may never give a service account, nested or not (the tests assert the keys are absent;
# fields ending in `_encrypted` or `_hash` are never in any serializer).
SENSITIVE_FIELDS = frozenset({"id_number", "id_number_masked", "mobile", "mobile_masked", "birth_date", "gender"})


def hides_personal_data(request) -> bool:
    """Whether the answer to `request` is for an external system's account (the sensitive keys are left out)."""
    return is_service_account(getattr(request, "user", None))


class PersonForSystemSerializer(ReadOnlyModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("The person's id in this system."))
    code = serializers.CharField(
        read_only=True, help_text=_("The person's stable code (random, says nothing about the person).")
    )
    name = serializers.CharField(read_only=True, help_text=_("The person's name."))
    age_band = serializers.SerializerMethodField(
        help_text=_("The person's age band today (e.g. 30-39 years); never the birth date.")
    )
    education = serializers.ChoiceField(
        choices=models.EducationLevel.choices,
        read_only=True,
        help_text=_("The person's education level (empty when unknown)."),
    )
    employment_type = serializers.ChoiceField(
        choices=models.EmploymentType.choices,
        read_only=True,
        help_text=_("The person's employment type (empty when unknown)."),
    )
    unit = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Id of the unit the person is attached to."))
    unit_code = serializers.SlugRelatedField(
        source="unit", slug_field="code", read_only=True, help_text=_("Code of the unit the person is attached to.")
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When the person was registered."))
    updated_at = serializers.DateTimeField(
        read_only=True, help_text=_("When the person's record last changed (what updated_since compares).")
    )

    class Meta:
        model = models.Person
        fields = [
            "id",
            "code",
            "name",
            "age_band",
            "education",
            "employment_type",
            "unit",
            "unit_code",
            "created_at",
            "updated_at",
        ]

    def get_age_band(self, obj) -> str:
        return age_band(obj.birth_date)
