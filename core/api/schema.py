"""The OpenAPI schema class: read-only fields say what the model allows.

DRF drops `allow_null` / `allow_blank` from read-only model fields, so drf-spectacular documented a nullable
foreign key (a step not yet decided) as a non-null string and a blank choice (no employment type) as one of the
choices; real responses then violated the schema. For read-only fields of a model serializer, this class looks up
the model field behind the source and documents null when any link of the source may be null, and "" when the
final field may be blank.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


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


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and direction == "response":
            along = _model_fields_along(field)
            if any(getattr(f, "null", False) for f in along) and not field.allow_null:
                field.allow_null = True
            if along and getattr(along[-1], "blank", False) and isinstance(field, serializers.ChoiceField):
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)
