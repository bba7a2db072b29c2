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
    party_organization = PartyOrganizationSerializer(
        source="party_org", read_only=True, help_text=_("The unit's party organization (null if it has none).")
    )
    depth = serializers.IntegerField(read_only=True, help_text=_("Depth in the tree: 0 for a top-level unit."))

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
        read_only_fields = ["parent", "created_at", "updated_at"]


class OrganizationUnitCreateSerializer(serializers.Serializer):
    """The body for creating a unit: the parent is named by its code."""

    name = serializers.CharField(max_length=100, help_text=_("The unit's name."))
    code = serializers.CharField(
        max_length=32,
        validators=[unit_code_validator],
        help_text=_("Its stable code: a division code, or 6 to 32 digits, capital letters and hyphens; unique."),
    )
    kind = serializers.ChoiceField(choices=UnitKind.choices, help_text=_("The kind of unit; it must fit the parent's."))
    parent_code = serializers.CharField(max_length=32, help_text=_("Code of the parent unit, in your jurisdiction."))
    party_org_name = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text=_("Name of its party organization; by default one made from the unit's name."),
    )
    sort_order = serializers.IntegerField(
        min_value=0, max_value=INT_MAX, required=False, default=0, help_text=_("Order among its siblings.")
    )


class OrganizationUnitUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, help_text=_("The unit's name."))
    code = serializers.CharField(
        max_length=32,
        validators=[unit_code_validator],
        required=False,
        help_text=_("Its stable code: a division code, or 6 to 32 digits, capital letters and hyphens; unique."),
    )
    kind = serializers.ChoiceField(
        choices=UnitKind.choices,
        required=False,
        help_text=_("The kind of unit; not changeable while it has child units."),
    )
    sort_order = serializers.IntegerField(
        min_value=0, max_value=INT_MAX, required=False, help_text=_("Order among its siblings.")
    )
    is_active = serializers.BooleanField(
        required=False, help_text=_("Whether the unit counts (expected to report, in ratios' denominators).")
    )


class UnitMoveSerializer(serializers.Serializer):
    parent_code = serializers.CharField(max_length=32, help_text=_("Code of the new parent unit."))


class LocateQuerySerializer(serializers.Serializer):
    """The point to look up: latitude and longitude in degrees (the phone's location)."""

    lat = serializers.DecimalField(
        max_digits=12,
        decimal_places=8,
        min_value=-90,
        max_value=90,
        help_text=_("Latitude in degrees (GCJ-02, as phone map apps give it)."),
    )
    lng = serializers.DecimalField(
        max_digits=12,
        decimal_places=8,
        min_value=-180,
        max_value=180,
        help_text=_("Longitude in degrees (GCJ-02, as phone map apps give it)."),
    )


class LocatedUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The unit's id."))
    name = serializers.CharField(max_length=100, help_text=_("The unit's name."))
    code = serializers.CharField(max_length=32, help_text=_("The unit's code."))
    kind = serializers.ChoiceField(choices=UnitKind.choices, help_text=_("The kind of unit."))


class LocateSerializer(serializers.Serializer):
    """The active grid whose boundary holds the point, with its village or community and its township."""

    grid = LocatedUnitSerializer(help_text=_("The active grid whose boundary holds the point."))
    community = LocatedUnitSerializer(help_text=_("The grid's village or community."))
    township = LocatedUnitSerializer(help_text=_("The township or street above it."))
