"""Optimistic concurrency for every detail route of the API (ScopedViewSetMixin includes it).

A detail GET answers with an `ETag`: a hash of the record's model, id and `updated_at` (any saved change moves
`updated_at`, so the tag changes with the record). A PUT, PATCH or DELETE carrying `If-Match` is refused with 412
and the code `precondition_failed` when none of the tags it lists is the record's present one (`*` matches any);
without `If-Match` a write behaves as it always did. The check runs when the write finds its record
(`get_object`), after the scope checks, so a record outside the caller's jurisdiction is still a 404 and one they
may not change a 403. Successful writes answer with the record's new ETag.
"""

import hashlib

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from core.api.filters import SYNC_FIELD
from core.errors import ErrorCode

CONDITIONAL_METHODS = ("PUT", "PATCH", "DELETE")
DETAIL_ACTIONS = ("retrieve", "update", "partial_update")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record has changed since you read it (If-Match).")
    default_code = ErrorCode.PRECONDITION_FAILED


def etag_of(obj) -> str | None:
    """The record's entity tag (a quoted string), or None for a model without `updated_at`."""
    stamp = getattr(obj, SYNC_FIELD, None)
    if stamp is None:
        return None
    key = f"{obj._meta.label_lower}:{obj.pk}:{stamp.isoformat()}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> set[str]:
    # Weak and strong forms compare alike: a proxy that weakens the tag must not make every write fail.
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class ConcurrencyMixin:
    """`ETag` on detail answers, `If-Match` checked on writes (412)."""

    _etag_object = None

    def check_if_match(self, obj) -> None:
        header = self.request.headers.get("If-Match")  # type: ignore[attr-defined]
        if header is None or self.request.method not in CONDITIONAL_METHODS:  # type: ignore[attr-defined]
            return
        tags = _tags(header)
        current = etag_of(obj)
        if "*" in tags or current is None:
            return
        if current not in tags:
            raise PreconditionFailed()

    def remember_etag_object(self, obj):
        self._etag_object = obj
        self.check_if_match(obj)
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        obj = self._etag_object
        action = getattr(self, "action", None)
        if obj is None or etag_of(obj) is None or action not in DETAIL_ACTIONS or response.status_code != 200:
            return response
        if request.method != "GET":
            try:
                obj.refresh_from_db(fields=[SYNC_FIELD])  # the service saved its own copy of the row
            except obj.DoesNotExist:
                return response
        response["ETag"] = etag_of(obj)
        return response
