"""Filters every list of the API has (settings.REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]), declared in one place.

- `updated_since` (`UpdatedSinceFilter`): rows whose `updated_at` is at or after an ISO 8601 date-time with a time
  zone; the list is then ordered by (`updated_at`, `id`) and paged by `core.api.pagination.SyncPagination` (a keyset
  on that pair), so a client walks 100,000 changed rows at the cost of one index range a page. A value without a
  time zone, or not a date-time, is a 400 with the code `invalid_datetime` on the field.
- `ordering` (`DeclaredOrderingFilter`): DRF's OrderingFilter on the fields a viewset declares in `ordering_fields`
  (by default `id` and `updated_at`); a field not declared is a 400 with the code `invalid_ordering`, never ignored.
  With `updated_since` the sync order wins and `ordering` is refused the same way (the pages' keyset needs it).
"""

from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from core.errors import ErrorCode

UPDATED_SINCE = "updated_since"
SYNC_FIELD = "updated_at"
DEFAULT_ORDERING_FIELDS = ("id", SYNC_FIELD)


def has_sync_field(model) -> bool:
    return model is not None and any(field.name == SYNC_FIELD for field in model._meta.concrete_fields)


def _model_of(view, queryset=None):
    model = getattr(queryset, "model", None)
    if model is not None:
        return model
    return getattr(getattr(view, "queryset", None), "model", None)


def _is_list(view) -> bool:
    # get_object() filters the queryset too: a detail route or a detail action is never narrowed by these filters.
    return getattr(view, "action", None) == "list" or (
        getattr(view, "action", None) is None and not getattr(view, "kwargs", None)
    )


def _invalid(field: str, message: str, code: str):
    return exceptions.ValidationError({field: [ErrorDetail(message, code=code)]}, code=code)


def updated_since(request):
    """The request's `updated_since` as an aware datetime, None when absent; a 400 when malformed."""
    return parse_since(request.query_params, UPDATED_SINCE)


def parse_since(params, name: str):
    """`params[name]` as an aware datetime, None when absent; a 400 (`invalid_datetime`) when malformed."""
    raw = params.get(name)
    if raw is None:
        return None
    try:
        value = parse_datetime(raw.strip().replace(" ", "+"))  # a "+08:00" left unencoded in a URL arrives as " "
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        message = _("A date-time with a time zone (ISO 8601) is expected.")
        raise _invalid(name, message, ErrorCode.INVALID_DATETIME)
    return value


def is_sync(request, view, queryset=None) -> bool:
    """Whether this list is read as a sync: `updated_since` given on a list of a model with `updated_at`."""
    return (
        request is not None
        and UPDATED_SINCE in request.query_params
        and _is_list(view)
        and has_sync_field(_model_of(view, queryset))
    )


class UpdatedSinceFilter(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not _is_list(view) or not has_sync_field(queryset.model):
            return queryset
        since = updated_since(request)
        if since is None:
            return queryset
        return queryset.filter(**{f"{SYNC_FIELD}__gte": since}).order_by(SYNC_FIELD, "pk")

    def get_schema_operation_parameters(self, view):
        if not has_sync_field(_model_of(view)):
            return []
        return [
            {
                "name": UPDATED_SINCE,
                "required": False,
                "in": "query",
                "description": _(
                    "Only rows changed at or after this time (ISO 8601 with a time zone, e.g. "
                    "2026-12-01T00:00:00+08:00), ordered by (updated_at, id) and paged by a cursor (`next`). "
                    "Deleted rows are listed by /api/v1/tombstones/."
                ),
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


class DeclaredOrderingFilter(OrderingFilter):
    """`?ordering=a,-b` on the viewset's declared `ordering_fields`; anything else is a 400."""

    def get_valid_fields(self, queryset, view, context=None):
        declared = getattr(view, "ordering_fields", None)
        if declared is None:
            model = _model_of(view, queryset)
            names = {f.name for f in model._meta.concrete_fields} if model is not None else set()
            declared = [name for name in DEFAULT_ORDERING_FIELDS if name in names]
        return [(name, name) for name in declared]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None or not _is_list(view):
            return self.get_default_ordering(view)
        valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        terms = [term.strip() for term in raw.split(",") if term.strip()]
        wrong = [term for term in terms if term.lstrip("-") not in valid]
        if wrong or not terms or is_sync(request, view, queryset):
            message = _("The list cannot be sorted by this field.")
            raise _invalid(self.ordering_param, message, ErrorCode.INVALID_ORDERING)
        return [*terms, "pk"]  # the key last: pages are stable whatever the ties

    def filter_queryset(self, request, queryset, view):
        if not isinstance(queryset, models.QuerySet):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        model = _model_of(view)
        if model is None:
            return []
        fields = [name for name, _label in self.get_valid_fields(model.objects.none(), view)]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": _(
                    "Sort by these comma-separated fields, `-` for descending: %(fields)s. Any other field is "
                    "refused (400, invalid_ordering)."
                )
                % {"fields": ", ".join(f"`{name}`" for name in fields)},
                "schema": {"type": "string"},
            }
        ]
