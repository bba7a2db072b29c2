"""The deletion feed: `/api/v1/tombstones/?model=cadres.partymember&since=2026-12-01T00:00:00%2B08:00`.

Rows come through `restrict()` like every list (core.Tombstone's `scope_follows_model`: a deletion is visible
where the record lay, to the roles that could see it), oldest first by (`deleted_at`, `id`), paged by the same
keyset cursor as a sync (`core.api.pagination.SyncPagination`). A client syncing a list reads this feed with the
same `since` and drops the ids it names.
"""

from collections.abc import Sequence

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.exceptions import ErrorDetail

from accounts.scoping import follows_model_q
from core.api.filters import parse_since
from core.api.pagination import SyncPagination
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


def model_labels() -> list[str]:
    return sorted(model._meta.label_lower for model in tracked_models())


class _Labels(Sequence):
    """The labels, read when the schema is built (the app registry is ready by then, not at import)."""

    def __getitem__(self, index):
        return model_labels()[index]

    def __len__(self):
        return len(model_labels())


LABELS = _Labels()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "model",
                OpenApiTypes.STR,
                description="The deleted records of this model only (its label, e.g. cadres.partymember).",
                enum=LABELS,
            ),
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Deletions at or after this time (ISO 8601 with a time zone).",
            ),
        ]
    )
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
