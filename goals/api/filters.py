import django_filters

from ..models import RollupValue, Target


class _UnitYearFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(field_name="unit_id")
    unit_code = django_filters.CharFilter(field_name="unit__code")
    year = django_filters.NumberFilter()
    indicator = django_filters.CharFilter()

    class Meta:
        fields = ["unit", "unit_code", "year", "indicator"]


class TargetFilter(_UnitYearFilter):
    class Meta(_UnitYearFilter.Meta):
        model = Target


class RollupValueFilter(_UnitYearFilter):
    class Meta(_UnitYearFilter.Meta):
        model = RollupValue
