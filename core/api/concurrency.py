"""Optimistic concurrency for every detail route of the API (ScopedViewSetMixin includes it).

A detail GET answers with an `ETag`: a hash of the record's model, id and `updated_at` (any saved change moves
`updated_at`, so the tag changes with the record). A PUT, PATCH or DELETE carrying `If-Match` is refused with 412
and the code `precondition_failed` when none of the tags it lists is the record's present one (`*` matches any);
without `If-Match` a write behaves as it always did. The check runs when the write finds its record
(`get_object`), after the scope checks, so a record outside the caller's jurisdiction is still a 404 and one they
may not change a 403. Successful writes answer with the record's new ETag.

A conditional write runs in one transaction, and its check reads the record's `updated_at` under a row lock
(`SELECT … FOR UPDATE`) held until the write commits: a change committed by someone else between the check and the
write would otherwise be overwritten although the tag matched when checked.
"""

import hashlib

from django.db import transaction
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


def etag_of(obj, stamp=None) -> str | None:
    """The record's entity tag (a quoted string), or None for a model without `updated_at`; `stamp` instead of the
    object's own `updated_at` (one read under a lock)."""
    stamp = stamp if stamp is not None else getattr(obj, SYNC_FIELD, None)
    if stamp is None:
        return None
    key = f"{obj._meta.label_lower}:{obj.pk}:{stamp.isoformat()}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _conditional(request) -> bool:
    return request.method in CONDITIONAL_METHODS and "If-Match" in request.headers


def _tags(header: str) -> set[str]:
    # Weak and strong forms compare alike: a proxy that weakens the tag must not make every write fail.
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class ConcurrencyMixin:
    """`ETag` on detail answers, `If-Match` checked on writes (412)."""

    _etag_object = None

    def dispatch(self, request, *args, **kwargs):
        if _conditional(request):
            with transaction.atomic():  # the check's row lock lasts until the write commits
                return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def check_if_match(self, obj) -> None:
        if not _conditional(self.request):  # type: ignore[attr-defined]
            return
        tags = _tags(self.request.headers["If-Match"])  # type: ignore[attr-defined]
        if "*" in tags or etag_of(obj) is None:
            return
        locked = type(obj)._base_manager.select_for_update().filter(pk=obj.pk)
        stamp = locked.values_list(SYNC_FIELD, flat=True).first()
        if stamp is None or etag_of(obj, stamp) not in tags:
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
