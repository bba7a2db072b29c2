"""The deletion feed: `/api/v1/tombstones/?model=cadres.partymember&since=2026-12-01T00:00:00%2B08:00`.

Rows come through `restrict()` like every list (core.Tombstone's `scope_follows_model`: a deletion is visible
where the record lay, to the roles that could see it), oldest first by (`deleted_at`, `id`), paged by the same
keyset cursor as a sync (`core.api.pagination.SyncPagination`). A client syncing a list reads this feed with the
same `since` and drops the ids it names.
"""

from collections.abc import Sequence

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, serializers
from rest_framework.exceptions import ErrorDetail

from accounts.scoping import follows_model_q
from core.api.filters import parse_since
from core.api.pagination import SyncPagination
from core.api.schema import error_serializer
from core.api.scopes import ANY, APP_SCOPES
from core.api.viewsets import ScopedReadOnlyModelViewSet, ServiceWrittenMixin
from core.errors import ErrorCode
from core.models import Tombstone
from core.tombstones import tracked_models


class TombstoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tombstone
        fields = ["id", "model", "object_id", "code", "reason", "deleted_at"]
        read_only_fields = fields


class TombstonePagination(SyncPagination):
    sync_field = "deleted_at"

    # The schema of the page and its parameters (SyncPagination documents neither).
    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": _("The next page's link (with `cursor`), null on the last page."),
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "description": _("Always null: the feed is read forwards only."),
                },
                "results": {**schema, "description": _("The deletions of this page, oldest first.")},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": _("The page after this cursor: copy it from `next`, never build it."),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("Rows per page: 50 by default, at most 500."),
                "schema": {"type": "integer"},
            },
        ]


def model_labels() -> list[str]:
    return sorted(model._meta.label_lower for model in tracked_models())


class _Labels(Sequence):
    """The labels, read when the schema is built (the app registry is ready by then, not at import)."""

    def __getitem__(self, index):
        return model_labels()[index]

    def __len__(self):
        return len(model_labels())


LABELS = _Labels()


def _refused(summary):
    """A write the feed refuses (405) once the row is found (404 outside the jurisdiction)."""
    return extend_schema(
        summary=summary,
        description=gettext_lazy(
            "Always refused with 405 after finding the row (404 outside your jurisdiction): the feed is written only "
            "when records are deleted."
        ),
        request=None,
        responses={
            405: OpenApiResponse(error_serializer(), description=gettext_lazy("Refused: the feed is read only."))
        },
    )


TOMBSTONE_EXAMPLE = {
    "id": 5120,
    "model": "cadres.partymember",
    "object_id": "1843",
    "code": "",
    "reason": "deleted",
    "deleted_at": "2026-12-01T09:30:00+08:00",
}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Deleted records"),
        description=gettext_lazy(
            "Records deleted in your jurisdiction, oldest first (by deletion time, then id), paged by a cursor: "
            "follow `next` until it is null. A client syncing a list reads this feed with the same `since` and drops "
            "the ids it names. A deletion is visible where the record lay, to the roles that could see it; a system "
            "client (any scope) hears only of the models its scopes let it read. `reason` says why a record is gone "
            "from your lists: `deleted`, or `moved` (its unit moved out of your jurisdiction, or it was transferred "
            "elsewhere); whoever can see its new place is not told, as it is in their lists as changed."
        ),
        parameters=[
            OpenApiParameter(
                "model",
                OpenApiTypes.STR,
                description=gettext_lazy(
                    "The deleted records of this model only (its label, e.g. cadres.partymember); another label "
                    "answers 400 `invalid_choice`."
                ),
                enum=LABELS,
            ),
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description=gettext_lazy("Deletions at or after this time (ISO 8601 with a time zone)."),
            ),
        ],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One deleted record"),
        description=gettext_lazy(
            "One row of the deletion feed, in your jurisdiction and, for a system client, of a model its scopes let "
            "it read."
        ),
        examples=[
            OpenApiExample(
                "A deleted party member",
                summary=gettext_lazy("A deleted party member"),
                value=TOMBSTONE_EXAMPLE,
                response_only=True,
            )
        ],
    ),
    update=_refused(gettext_lazy("Change a deleted record (refused)")),
    partial_update=_refused(gettext_lazy("Change a deleted record (refused)")),
    destroy=_refused(gettext_lazy("Delete a deleted record (refused)")),
)
class TombstoneViewSet(ServiceWrittenMixin, ScopedReadOnlyModelViewSet):
    """Records deleted in your jurisdiction, oldest first: drop them from your copy."""

    api_route = "tombstones", "tombstone"

    queryset = Tombstone.objects.order_by("deleted_at", "id")
    serializer_class = TombstoneSerializer
    pagination_class = TombstonePagination
    filter_backends: list = []
    # Any system client may read the feed; it hears only of the models its token's scopes let it read
    # (`_readable_labels`), and of those only where its service account could see them (restrict()).
    required_scopes = (ANY, None)

    # Written by core.tombstones only: a write finds the row (404 outside the scope) and is refused (405).
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def _readable_labels(self) -> list[str] | None:
        """The model labels a system client's token may read (None for a session or a DRF token: the roles decide)."""
        granted = getattr(getattr(self.request, "auth", None), "granted_scopes", None)
        if granted is None:
            return None
        labels = []
        for label in model_labels():
            read = APP_SCOPES.get(label.split(".", 1)[0], (None, None))[0]
            if read == ANY or (read is not None and read in granted):
                labels.append(label)
        return labels

    def filter_queryset(self, queryset):
        readable = self._readable_labels()
        if readable is not None:
            queryset = queryset.filter(model__in=readable)
        # A record that moved with its subtree is still in the lists of whoever sees its new place: not gone for them.
        user = self.request.user
        still_seen = Q(reason=Tombstone.MOVED)
        if not user.is_superuser:
            still_seen &= follows_model_q(Tombstone, user, path_column="moved_to_path")
        queryset = queryset.exclude(still_seen)
        if self.action != "list":
            return queryset
        params = self.request.query_params
        if "model" in params:
            label = params["model"].strip().lower()
            if label not in model_labels():
                message = ErrorDetail(_("The value is not one of the choices."), code=ErrorCode.INVALID_CHOICE)
                raise exceptions.ValidationError({"model": [message]}, code=ErrorCode.INVALID_CHOICE)
            queryset = queryset.filter(model=label)
        since = parse_since(params, "since")
        if since is not None:
            queryset = queryset.filter(deleted_at__gte=since)
        return queryset
