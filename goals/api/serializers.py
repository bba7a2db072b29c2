from rest_framework import serializers

from .. import indicators as registry
from ..models import RollupValue, Target


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    measure = serializers.CharField()
    aggregation = serializers.CharField()
    source = serializers.CharField()
    has_source = serializers.BooleanField()
    description = serializers.CharField()
    levels = serializers.ListField(
        child=serializers.CharField(), help_text="The unit kinds whose dashboards list the indicator (empty: all)."
    )
    target_kinds = serializers.ListField(
        child=serializers.CharField(), help_text="The unit kinds a target of it fits (empty: where it shows)."
    )
    base = serializers.CharField(help_text="What a target handed down is shared by (`villages`, `members`, …).")


class TargetSerializer(serializers.ModelSerializer):
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    indicator_name = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "unit",
            "unit_code",
            "year",
            "value",
            "note",
            "origin",
            "rule",
            "updated_at",
        ]
        read_only_fields = ["unit", "origin", "rule", "updated_at"]

    def get_indicator_name(self, obj) -> str:
        return registry.label(obj.indicator)


class TargetWriteSerializer(serializers.Serializer):
    """The body for setting a target: the scope unit is named by its code."""

    indicator = serializers.CharField(max_length=64)
    unit_code = serializers.CharField(max_length=32)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TargetHandDownSerializer(serializers.Serializer):
    """The body for handing a target down to the children of its scope."""

    rule = serializers.ChoiceField(
        choices=["share", "same", "manual"],
        help_text="`share`: a count shared by the children's base figure; `same`: a percentage given to each; "
        "`manual`: `values` per child.",
    )
    base = serializers.CharField(
        max_length=40, required=False, help_text="For `share`: the base figure (the indicator's by default)."
    )
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0),
        required=False,
        help_text="For `manual`: {child unit code: value}.",
    )


class TargetUpdateSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RollupValueSerializer(serializers.ModelSerializer):
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    indicator_name = serializers.SerializerMethodField()

    class Meta:
        model = RollupValue
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "unit",
            "unit_code",
            "year",
            "numerator",
            "denominator",
            "value",
            "computed_at",
        ]

    def get_indicator_name(self, obj) -> str:
        return registry.label(obj.indicator)


class DashboardIndicatorSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    measure = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    has_source = serializers.BooleanField(read_only=True)
    value = serializers.CharField(read_only=True, allow_null=True)
    numerator = serializers.CharField(read_only=True, allow_null=True)
    denominator = serializers.CharField(read_only=True, allow_null=True)
    target = serializers.CharField(read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True)
    units_reported = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Of the indicator's source (`completeness`)."
    )
    units_expected = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Of the indicator's source (`completeness`)."
    )


class SourceCompletenessSerializer(serializers.Serializer):
    source = serializers.CharField(read_only=True)
    source_name = serializers.CharField(read_only=True)
    units_expected = serializers.IntegerField(read_only=True)
    units_reported = serializers.IntegerField(read_only=True)
    units_missing = serializers.IntegerField(
        read_only=True, help_text="How many; `dashboard/{id}/missing/?source=…` names them."
    )


class DashboardSerializer(serializers.Serializer):
    """The body of `GET dashboard/{id}/` (documentation only: the view builds it)."""

    unit = serializers.IntegerField(read_only=True)
    unit_code = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    computed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    completeness = SourceCompletenessSerializer(many=True, read_only=True)
    indicators = DashboardIndicatorSerializer(many=True, read_only=True)


class MissingUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, source="pk")
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
