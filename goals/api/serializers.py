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


class TargetSerializer(serializers.ModelSerializer):
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    indicator_name = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["id", "indicator", "indicator_name", "unit", "unit_code", "year", "value", "note", "updated_at"]
        read_only_fields = ["unit", "updated_at"]

    def get_indicator_name(self, obj) -> str:
        return registry.label(obj.indicator)


class TargetWriteSerializer(serializers.Serializer):
    """The body for setting a target: the scope unit is named by its code."""

    indicator = serializers.CharField(max_length=64)
    unit_code = serializers.CharField(max_length=32)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


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
    key = serializers.CharField()
    name = serializers.CharField()
    measure = serializers.CharField()
    source = serializers.CharField()
    has_source = serializers.BooleanField()
    value = serializers.CharField(allow_null=True)
    numerator = serializers.CharField(allow_null=True)
    denominator = serializers.CharField(allow_null=True)
    target = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    units_reported = serializers.IntegerField(allow_null=True, help_text="Of the indicator's source (`completeness`).")
    units_expected = serializers.IntegerField(allow_null=True, help_text="Of the indicator's source (`completeness`).")


class SourceCompletenessSerializer(serializers.Serializer):
    source = serializers.CharField()
    source_name = serializers.CharField()
    units_expected = serializers.IntegerField()
    units_reported = serializers.IntegerField()
    units_missing = serializers.IntegerField(help_text="How many; `dashboard/{id}/missing/?source=…` names them.")


class DashboardSerializer(serializers.Serializer):
    """The body of `GET dashboard/{id}/` (documentation only: the view builds it)."""

    unit = serializers.IntegerField()
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    year = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    completeness = SourceCompletenessSerializer(many=True)
    indicators = DashboardIndicatorSerializer(many=True)


class MissingUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
