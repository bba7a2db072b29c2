"""The OpenAPI schema class: read-only fields say what the model allows, and every operation documents its errors.

DRF drops `allow_null` / `allow_blank` from read-only model fields, so drf-spectacular documented a nullable
foreign key (a step not yet decided) as a non-null string and a blank choice (no employment type) as one of the
choices; real responses then violated the schema. For read-only fields of a model serializer, this class looks up
the model field behind the source and documents null when any link of the source may be null, and "" when the
final field may be blank.

Every operation also documents the error body (`Error`, core/api/errors.py) for 400, 401, 403, 404 and 429, and
writes for 409; its `code` and each code in `codes` is one of `ErrorCodeEnum`, every registered code
(core/errors.py). An operation that declares one of these statuses itself keeps its own.
"""

from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from core import errors
from core.api.concurrency import ConcurrencyMixin

ERROR_RESPONSES = {
    "400": _("Invalid input: messages and codes by field."),
    "401": _("Not signed in, or the API token is wrong or expired."),
    "403": _("Not allowed for you (or a sign-in step is pending)."),
    "404": _("Not found, or outside your jurisdiction."),
    "429": _("Too many requests; see Retry-After."),
}
WRITE_ERROR_RESPONSES = {"409": _("Not allowed in the record's present state.")}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PRECONDITION_RESPONSE = {"412": _("If-Match names none of the record's present ETags: it changed since it was read.")}
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=_("The record's version; send it back in If-Match to update only that version."),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_("The ETag of the version read (or *): a record changed since answers 412 precondition_failed."),
)


@cache
def error_serializer():
    """The error body's serializer, built once the apps (and so every app's error codes) are loaded."""
    all_codes = errors.choices()

    class ErrorSerializer(serializers.Serializer):
        detail = serializers.CharField(help_text=_("What went wrong, in Chinese."))
        code = serializers.ChoiceField(choices=all_codes, help_text=_("The code of the whole answer."))
        errors = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), help_text=_("Messages by field.")
        )
        codes = serializers.DictField(
            child=serializers.ListField(child=serializers.ChoiceField(choices=all_codes)),
            required=False,
            help_text=_("The code of each message in `errors`, in the same order (absent when `errors` is empty)."),
        )

    ErrorSerializer.__name__ = "Error"
    return ErrorSerializer


def _model_fields_along(field):
    parent = getattr(field, "parent", None)
    if isinstance(parent, serializers.ListSerializer):
        parent = parent.parent
    model = getattr(getattr(parent, "Meta", None), "model", None)
    attrs = getattr(field, "source_attrs", None)
    if model is None or not attrs or field.source == "*":
        return []
    found = []
    for attr in attrs:
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return found
        found.append(model_field)
        model = getattr(model_field, "related_model", None)
        if model is None:
            break
    return found


def _fallback_title(field, along):
    """A Chinese title for a field that has neither help text nor a label of its own: the record id, or the model
    field behind its source ("单位 · 代码" for `unit.code`). Fields with no model behind them carry their own
    help_text (tests/core/test_openapi_docs.py lists any that don't)."""
    if field.source == "pk" or (field.field_name == "id" and len(along) == 1 and along[0].primary_key):
        return gettext("Record id")
    if not along:
        return None
    names = [str(f.verbose_name) for f in along if hasattr(f, "verbose_name")]
    if not names:
        return None
    return " · ".join(names) if len(names) > 1 else names[0]


class AutoSchema(SpectacularAutoSchema):
    def _resolve_path_parameters(self, variables):
        """drf-spectacular describes an id in the path in English ("A unique integer value identifying this …");
        here it says the same in the active language."""
        parameters = super()._resolve_path_parameters(variables)
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        for parameter in parameters:
            if parameter["name"] in ("id", "pk") and model is not None:
                parameter["description"] = gettext("The id of the %(model)s.") % {"model": model._meta.verbose_name}
        return parameters

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if isinstance(field, serializers.Field) and "title" not in meta and "description" not in meta:
            title = _fallback_title(field, _model_fields_along(field))
            if title:
                meta["title"] = title
        return meta

    def _conditional(self) -> bool:
        """A detail route of a viewset with ETags (core/api/concurrency.py)."""
        action = getattr(self.view, "action", None)
        return isinstance(self.view, ConcurrencyMixin) and action in ("retrieve", "update", "partial_update", "destroy")

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._conditional():
            method = self.method.upper()
            if method in ("GET", "PUT", "PATCH"):
                parameters.append(ETAG)
            if method in ("PUT", "PATCH", "DELETE"):
                parameters.append(IF_MATCH)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        documented = dict(ERROR_RESPONSES)
        if self.method.upper() in WRITE_METHODS:
            documented.update(WRITE_ERROR_RESPONSES)
        if self._conditional() and self.method.upper() in ("PUT", "PATCH", "DELETE"):
            documented.update(PRECONDITION_RESPONSE)
        for status, description in documented.items():
            if status not in responses:
                response = OpenApiResponse(error_serializer(), description=description)
                responses[status] = self._get_response_for_code(response, status, direction=direction)
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and direction == "response":
            along = _model_fields_along(field)
            # A to-many relation (`steps`, reverse) is a list, never null, whatever its `null` attribute says.
            nullable = [f for f in along if getattr(f, "null", False) and not (f.one_to_many or f.many_to_many)]
            if nullable and not field.allow_null:
                field.allow_null = True
            if along and getattr(along[-1], "blank", False) and isinstance(field, serializers.ChoiceField):
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)
