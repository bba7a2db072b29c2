"""The caller's own notifications: list (newest first, `?unread=1`) and mark read."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "url", "created", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text=_("The notifications to mark read; none given: every unread one."),
    )


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many were marked read now."))
    unread = serializers.IntegerField(help_text=_("How many of yours stay unread."))


@extend_schema_view(
    get=extend_schema(
        summary=_("My notifications"),
        description=_(
            "The caller's own notifications, newest first; `?unread=1` for the unread ones only. Not for system "
            "clients."
        ),
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.STR, description=_("Any non-empty value: the unread notifications only.")
            )
        ],
    )
)
class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first; `?unread=1` for the unread ones only."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # the schema's model; the caller's rows come from get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        rows = selectors.notifications_of(user=self.request.user)
        if self.request.query_params.get("unread"):
            rows = rows.filter(read_at__isnull=True)
        return rows


class MarkReadView(APIView):
    """Mark the caller's notifications read (the given ids, or all); answers how many and how many stay unread."""

    @extend_schema(
        summary=_("Mark notifications read"),
        description=_(
            "Marks the caller's own notifications read: the given `ids` (others' ids and those already read are "
            "skipped), or every unread one when `ids` is absent. Answers how many were marked and how many stay "
            "unread. Not for system clients."
        ),
        request=MarkReadSerializer,
        responses=MarkReadResultSerializer,
        examples=[
            OpenApiExample(
                "Two notifications", summary=_("Two notifications"), value={"ids": [101, 102]}, request_only=True
            ),
            OpenApiExample("Every unread one", summary=_("Every unread one"), value={}, request_only=True),
        ],
    )
    def post(self, request):
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data.get("ids")
        marked = services.mark_read(user=request.user, ids=ids)
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})
