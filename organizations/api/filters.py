import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import OrganizationUnit, UnitKind


class OrganizationUnitFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=UnitKind.choices, label=_("Kind of unit (repeatable)"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Id of the parent unit"))
    parent_code = django_filters.CharFilter(field_name="parent__code", label=_("Code of the parent unit"))
    within = django_filters.CharFilter(method="filter_within", label=_("Code of a unit: its whole subtree"))
    q = django_filters.CharFilter(method="filter_q", label=_("Name contains or code starts with"))
    depth = django_filters.NumberFilter(label=_("Depth in the tree (0: a top-level unit)"))
    is_active = django_filters.BooleanFilter(label=_("Active units only (true) or inactive ones only (false)"))

    class Meta:
        model = OrganizationUnit
        fields = ["kind", "parent", "parent_code", "within", "depth", "is_active"]

    def filter_within(self, queryset, name, value):
        # Look the root up in the whole scoped queryset, not the one other filters have already narrowed.
        root = self.queryset.filter(code=value).first()
        if root is None:
            return queryset.none()
        return queryset.filter(path__startswith=root.path)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value))
