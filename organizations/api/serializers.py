from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.params import INT_MAX

from ..models import OrganizationUnit, PartyOrganization, UnitKind, unit_code_validator


class PartyOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartyOrganization
        fields = ["id", "name", "org_type", "founded_on", "status", "rectification_started_on", "rectified_on"]


class OrganizationUnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.SlugRelatedField(source="parent", slug_field="code", read_only=True)
    party_organization = PartyOrganizationSerializer(source="party_org", read_only=True)

    class Meta:
        model = OrganizationUnit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "parent",
            "parent_code",
            "depth",
            "sort_order",
            "is_active",
            "party_organization",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["parent", "depth", "created_at", "updated_at"]


class OrganizationUnitCreateSerializer(serializers.Serializer):
    """The body for creating a unit: the parent is named by its code."""

    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=32, validators=[unit_code_validator])
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    parent_code = serializers.CharField(max_length=32)
    party_org_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    sort_order = serializers.IntegerField(min_value=0, max_value=INT_MAX, required=False, default=0)


class OrganizationUnitUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    code = serializers.CharField(max_length=32, validators=[unit_code_validator], required=False)
    kind = serializers.ChoiceField(choices=UnitKind.choices, required=False)
    sort_order = serializers.IntegerField(min_value=0, max_value=INT_MAX, required=False)
    is_active = serializers.BooleanField(required=False)


class UnitMoveSerializer(serializers.Serializer):
    parent_code = serializers.CharField(max_length=32, help_text=_("Code of the new parent unit."))


class LocateQuerySerializer(serializers.Serializer):
    """The point to look up: latitude and longitude in degrees (the phone's location)."""

    lat = serializers.DecimalField(max_digits=12, decimal_places=8, min_value=-90, max_value=90)
    lng = serializers.DecimalField(max_digits=12, decimal_places=8, min_value=-180, max_value=180)


class LocatedUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=32)
    kind = serializers.CharField(max_length=20)


class LocateSerializer(serializers.Serializer):
    """The active grid whose boundary holds the point, with its village or community and its township."""

    grid = LocatedUnitSerializer()
    community = LocatedUnitSerializer()
    township = LocatedUnitSerializer()
