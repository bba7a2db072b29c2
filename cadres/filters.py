"""The filters of the portal lists (django-filter), drawn above each list by `core/object_list.html`."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import DevelopmentStage, MemberStatus, PostKind, ReservePost, ReserveStage, TransferStatus

ALL = _("All")
MEMBER_FLAGS = [
    ("is_floating", _("floating member")),
    ("is_in_service", _("in-service member")),
    ("without_post", _("member without post")),
    ("is_household", _("member household")),
]


class PersonSearch(django_filters.FilterSet):
    """`q`: a full ID number (keyed hash, only among the people the user may see in full) or part of a name."""

    person_prefix = "person"
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        return selectors.search_person(queryset, user=self.request.user, query=value, prefix=self.person_prefix)


class PersonFilter(PersonSearch):
    person_prefix = ""


class MemberFilter(PersonSearch):
    status = django_filters.ChoiceFilter(label=_("membership status"), choices=MemberStatus.choices, empty_label=ALL)
    flag = django_filters.ChoiceFilter(label=_("kind"), choices=MEMBER_FLAGS, method="flagged", empty_label=ALL)

    def flagged(self, queryset, name, value):
        return queryset.filter(**{value: True})


class TransferFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=TransferStatus.choices, empty_label=ALL)


class NameSearch(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(person__name__icontains=value) | Q(unit__name__icontains=value)) if value else queryset


class DevelopmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="person__name", lookup_expr="icontains", label=_("Search"))
    stage = django_filters.ChoiceFilter(label=_("stage"), choices=DevelopmentStage.choices, empty_label=ALL)
    pending = django_filters.ChoiceFilter(
        label=_("awaiting approval"), choices=[("1", _("yes"))], method="awaiting", empty_label=ALL
    )

    def awaiting(self, queryset, name, value):
        return queryset.filter(steps__status="proposed")


class PostFilter(NameSearch):
    post = django_filters.ChoiceFilter(label=_("post"), choices=PostKind.choices, empty_label=ALL)
    ended = django_filters.ChoiceFilter(
        label=_("history"), choices=[("1", _("include posts held before"))], method="held", empty_label=ALL
    )

    def held(self, queryset, name, value):
        return queryset  # the list shows current posts unless `ended=1` (CadrePostList.get_queryset)


class ReserveFilter(NameSearch):
    stage = django_filters.ChoiceFilter(label=_("stage"), choices=ReserveStage.choices, empty_label=ALL)
    post_for = django_filters.ChoiceFilter(label=_("reserve for"), choices=ReservePost.choices, empty_label=ALL)


class YearFilter(django_filters.FilterSet):
    """The year of a yearly list; the view reads it (default: this year) and the form offers the last five."""

    year = django_filters.ChoiceFilter(label=_("year"), method="same", empty_label=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]
        self.form.fields["year"].choices = [(str(y), str(y)) for y in years]

    def same(self, queryset, name, value):
        return queryset
