from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import indicators as registry
from .. import selectors
from ..models import RollupValue, Target


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The indicator's key, e.g. `members_developed`."))
    name = serializers.CharField(help_text=_("The indicator's name."))
    measure = serializers.CharField(
        help_text=_("Its unit of measure: `people`, `person_times`, `count`, `percent` or `yuan`.")
    )
    aggregation = serializers.CharField(
        help_text=_("How it adds up the tree: `sum`, or `ratio` (numerator over denominator).")
    )
    source = serializers.CharField(help_text=_("The data source it comes from (`cadres`, `reporting`, …)."))
    has_source = serializers.BooleanField(help_text=_("Whether its data source exists yet (false: no figures)."))
    description = serializers.CharField(help_text=_("What it counts and how."))
    levels = serializers.ListField(
        child=serializers.CharField(), help_text=_("The unit kinds whose dashboards list the indicator (empty: all).")
    )
    target_kinds = serializers.ListField(
        child=serializers.CharField(), help_text=_("The unit kinds a target of it fits (empty: where it shows).")
    )
    base = serializers.CharField(help_text=_("What a target handed down is shared by (`villages`, `members`, …)."))


class TargetSerializer(serializers.ModelSerializer):
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    indicator_name = serializers.SerializerMethodField(help_text=_("The indicator's name."))

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

    indicator = serializers.CharField(max_length=64, help_text=_("The indicator's key (`indicators/`)."))
    unit_code = serializers.CharField(
        max_length=32, help_text=_("Code of the scope unit: a county-level unit, township, street or zone, or above.")
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("The year of the target."))
    value = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        help_text=_("The target in the indicator's unit of measure; not negative, a percentage at most 100."),
    )
    note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("A note on the target.")
    )


class TargetHandDownSerializer(serializers.Serializer):
    """The body for handing a target down to the children of its scope."""

    rule = serializers.ChoiceField(
        choices=["share", "same", "manual"],
        help_text=_(
            "`share`: a count shared by the children's base figure; `same`: a percentage given to each; "
            "`manual`: `values` per child."
        ),
    )
    base = serializers.CharField(
        max_length=40, required=False, help_text=_("For `share`: the base figure (the indicator's by default).")
    )
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0),
        required=False,
        help_text=_("For `manual`: {child unit code: value}."),
    )


class TargetUpdateSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=_("The target in the indicator's unit of measure; not negative, a percentage at most 100."),
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=_("A note on the target."))


class RollupValueSerializer(serializers.ModelSerializer):
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)
    indicator_name = serializers.SerializerMethodField(help_text=_("The indicator's name."))

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
    key = serializers.CharField(read_only=True, help_text=_("The indicator's key."))
    name = serializers.CharField(read_only=True, help_text=_("The indicator's name."))
    measure = serializers.CharField(read_only=True, help_text=_("Its unit of measure (as in `indicators/`)."))
    source = serializers.CharField(read_only=True, help_text=_("Its data source."))
    has_source = serializers.BooleanField(read_only=True, help_text=_("Whether its data source exists yet."))
    value = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("The value (a decimal as a string); null without figures.")
    )
    numerator = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The stored numerator (a decimal as a string); null without figures."),
    )
    denominator = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("The denominator of a ratio; null for a sum or without figures.")
    )
    target = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The target set for this unit or handed down to it; null when none."),
    )
    status = serializers.ChoiceField(
        choices=[
            selectors.MET,
            selectors.ON_TRACK,
            selectors.BEHIND,
            selectors.NO_TARGET,
            selectors.NO_DATA,
            selectors.EMPTY,
        ],
        read_only=True,
        help_text=_(
            "`met`, `on_track`, `behind`, `no_target`, `no_data` (no data source yet) or `empty` (a rate with "
            "nothing to divide)."
        ),
    )
    units_reported = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Units that reported the indicator's source (`completeness`).")
    )
    units_expected = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Units expected to report the indicator's source (`completeness`)."),
    )


class SourceCompletenessSerializer(serializers.Serializer):
    source = serializers.CharField(read_only=True, help_text=_("The data source."))
    source_name = serializers.CharField(read_only=True, help_text=_("The data source's name."))
    units_expected = serializers.IntegerField(read_only=True, help_text=_("Units under this one expected to report."))
    units_reported = serializers.IntegerField(read_only=True, help_text=_("Of those, the units that reported."))
    units_missing = serializers.IntegerField(
        read_only=True, help_text=_("How many have not; `dashboard/{id}/missing/?source=…` names them.")
    )


class DashboardSerializer(serializers.Serializer):
    """The body of `GET dashboard/{id}/` (documentation only: the view builds it)."""

    unit = serializers.IntegerField(read_only=True, help_text=_("The unit's id."))
    unit_code = serializers.CharField(read_only=True, help_text=_("The unit's code."))
    unit_name = serializers.CharField(read_only=True, help_text=_("The unit's name."))
    year = serializers.IntegerField(read_only=True, help_text=_("The year shown."))
    computed_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_("When the figures shown were last computed or checked; null if never."),
    )
    completeness = SourceCompletenessSerializer(
        many=True, read_only=True, help_text=_("The completeness of each data source, once.")
    )
    indicators = DashboardIndicatorSerializer(
        many=True, read_only=True, help_text=_("Every indicator shown at the unit's level, in order.")
    )


class MissingUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, source="pk")
    code = serializers.CharField(read_only=True, help_text=_("The unit's code."))
    name = serializers.CharField(read_only=True, help_text=_("The unit's name."))
    kind = serializers.CharField(read_only=True, help_text=_("The kind of unit."))
