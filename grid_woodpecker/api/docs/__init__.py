"""The OpenAPI text of the woodpecker API's operations (grid_woodpecker/api/views.py), by sub-domain: the clue loop
(clues.py) and points, stations and redemptions (points.py). English msgids, Chinese in the app's catalogue. A system
client's token needs the scope clues:read for the reads and clues:write for the rest (core/api/scopes.py); each
description says so."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from core.api.schema import error_serializer

REFUSED = _(
    "Not supported: the record changes only through the operations listed for it. The request finds the record "
    "(404 outside your jurisdiction, 403 if you may see but not change it) and then answers 405 "
    "method_not_allowed; nothing changes."
)


def refused(summary):
    """The schema of a PUT/PATCH/DELETE that ServiceWrittenMixin refuses: no body read, 405 once the row is found."""
    return extend_schema(
        summary=summary,
        description=REFUSED,
        request=None,
        responses={405: OpenApiResponse(error_serializer(), description=_("Always, once the record is found."))},
    )


def query_id(name, description):
    """A filter of a list by the id of a related record (django-filter's own parameter, described in Chinese)."""
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.QUERY, description=description)


def example(value, name="example"):
    return OpenApiExample(name, value=value, request_only=True)
