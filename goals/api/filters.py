import django_filters
from django.utils.translation import gettext_lazy as _

from ..models import RollupValue, Target


class _UnitYearFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Id of the unit"))
    unit_code = django_filters.CharFilter(field_name="unit__code", label=_("Code of the unit"))
    year = django_filters.NumberFilter(label=_("Year"))
    indicator = django_filters.CharFilter(label=_("Key of the indicator"))

    class Meta:
        fields = ["unit", "unit_code", "year", "indicator"]


class TargetFilter(_UnitYearFilter):
    class Meta(_UnitYearFilter.Meta):
        model = Target


class RollupValueFilter(_UnitYearFilter):
    class Meta(_UnitYearFilter.Meta):
        model = RollupValue
