"""A service account's own webhook subscriptions: list, create (the secret is in the answer once), read, delete.

Only the caller's own rows are ever listed or found (another account's subscription is 404); staff manage every
subscription of their jurisdiction in the portal (/webhooks/)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from .. import services
from ..models import EventType, Subscription


class SubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        min_length=1,
        max_length=len(EventType.choices),
        help_text=_(
            "The events to receive: clue.state_changed, report.approved, rollup.updated, unit.moved (at least one)."
        ),
    )
    url = serializers.CharField(max_length=500, help_text=_("The endpoint URL (https://)."))

    class Meta:
        model = Subscription
        fields = ["id", "url", "event_types", "active", "consecutive_failures", "paused_at", "created_at"]
        read_only_fields = ["id", "active", "consecutive_failures", "paused_at", "created_at"]
        extra_kwargs = {
            "active": {"help_text": _("Whether deliveries are sent (false: paused after failures or by staff).")},
            "consecutive_failures": {"help_text": _("Deliveries that failed for good in a row (0 after a success).")},
            "paused_at": {"help_text": _("When the subscription was paused; null while active.")},
            "created_at": {"help_text": _("When the subscription was made.")},
        }


class CreatedSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("The signing secret, shown only in this answer."))

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


@extend_schema_view(
    list=extend_schema(
        summary=_("List the caller's webhook subscriptions"),
        description=_(
            "The subscriptions of the calling service account (never another account's), without their secrets."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Read one of the caller's webhook subscriptions"),
        description=_("One subscription of the calling service account; another account's is 404. No secret."),
    ),
    destroy=extend_schema(
        summary=_("Delete one of the caller's webhook subscriptions"),
        description=_(
            "Deliveries stop at once; the deliveries' log goes with it (audited). Another account's subscription "
            "is 404."
        ),
    ),
)
class SubscriptionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The caller's webhook subscriptions."""

    api_route = ("subscriptions", "webhook-subscription")
    serializer_class = SubscriptionSerializer
    queryset = Subscription.objects.none()  # the schema's model; the caller's rows come from get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return Subscription.objects.filter(account=self.request.user.pk).order_by("pk")

    @extend_schema(
        summary=_("Subscribe to events"),
        description=_(
            "Only a service account (an external system's) subscribes, for itself: it hears the events of the units "
            "its role may see. The endpoint must be https://. The answer (201) holds the signing secret, shown only "
            'this once: each delivery\'s X-Dangjian-Signature is the HMAC-SHA256 of "<timestamp>.<body>" under it.'
        ),
        request=SubscriptionSerializer,
        responses={201: CreatedSubscriptionSerializer},
        examples=[
            OpenApiExample(
                "clue states",
                value={
                    "url": "https://hotline.example.gov.cn/dangjian/hook",
                    "event_types": ["clue.state_changed", "report.approved"],
                },
                request_only=True,
            )
        ],
    )
    def create(self, request):
        body = SubscriptionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription, secret = services.subscription_create(
            account=request.user,
            url=body.validated_data["url"],
            event_types=body.validated_data["event_types"],
            actor=request.user,
        )
        data = CreatedSubscriptionSerializer(subscription).data
        data["secret"] = secret
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.subscription_delete(subscription=instance, actor=self.request.user)
