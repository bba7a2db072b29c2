from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.api.serializers import IdentitySerializer, ReadOnlyModelSerializer
from core.fields import DateTimeField
from core.params import ID_MAX, INT_MAX

from .. import models
from ..services.points import MAX_ADJUST_POINTS


class WoodpeckerSerializer(ReadOnlyModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    mobile_masked = serializers.CharField(source="person.mobile_masked", read_only=True)
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    balance = serializers.IntegerField(source="account.balance", read_only=True, default=0)

    class Meta:
        model = models.Woodpecker
        fields = [
            "id",
            "name",
            "mobile_masked",
            "grid",
            "grid_code",
            "group",
            "status",
            "is_lead",
            "lead_duties",
            "registered_at",
            "confirmed_at",
            "deactivated_at",
            "deactivation_reason",
            "balance",
        ]


class WoodpeckerCreateSerializer(IdentitySerializer):
    grid_code = serializers.CharField(max_length=32)
    group = serializers.ChoiceField(choices=models.WoodpeckerGroup.choices)
    is_lead = serializers.BooleanField(required=False, default=False)
    lead_duties = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class WoodpeckerUpdateSerializer(serializers.Serializer):
    is_lead = serializers.BooleanField()
    lead_duties = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="WoodpeckerReason")  # cadres has a stricter ReasonSerializer
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)

    class Meta:
        ref_name = "WoodpeckerReason"  # the schema component name; cadres has its own ReasonSerializer


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = models.ClueCategory
        fields = ["id", "unit", "code", "name", "deadline_days", "default_department", "is_active"]


class ClueEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = models.ClueEvent
        fields = ["id", "clue", "kind", "from_status", "to_status", "note", "actor_name", "created_at"]
        extra_kwargs = {"note": {"max_length": 500}}

    def get_actor_name(self, event) -> str:
        return str(event.actor) if event.actor_id else ""


class CluePhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.CluePhoto
        fields = ["id", "stage", "width", "height", "uploaded_at"]


class ClueSerializer(ReadOnlyModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    reporter_name = serializers.CharField(source="reporter.person.name", read_only=True, default="")
    photos = CluePhotoSerializer(many=True, read_only=True)

    class Meta:
        model = models.Clue
        fields = [
            "id",
            "public_id",
            "grid",
            "grid_code",
            "building",
            "address",
            "latitude",
            "longitude",
            "category",
            "category_name",
            "description",
            "source",
            "reporter",
            "reporter_name",
            "task",
            "status",
            "duplicate_of",
            "reject_reason",
            "handler_kind",
            "department",
            "deadline",
            "flag",
            "resolution",
            "rating",
            "rating_reason",
            "found_false",
            "submitted_at",
            "accepted_at",
            "resolved_at",
            "rated_at",
            "closed_at",
            "photos",
        ]


class PublicClueSerializer(serializers.ModelSerializer):
    """What any resident may see: no reporter, no coordinates, no free-text address."""

    category = serializers.CharField(source="category.name")
    grid = serializers.CharField(source="grid.name")

    class Meta:
        model = models.Clue
        fields = ["public_id", "category", "grid", "status", "description", "resolution", "submitted_at"]


class ClueSubmitSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=models.ClueCategory.objects.filter(is_active=True))
    description = serializers.CharField(max_length=2000)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True, default=None
    )
    task = serializers.PrimaryKeyRelatedField(
        queryset=models.InspectionTask.objects.all(), required=False, allow_null=True
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MergeSerializer(NoteSerializer):
    duplicate_of = serializers.IntegerField(min_value=1, max_value=ID_MAX)


class DispatchSerializer(NoteSerializer):
    department = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    deadline = DateTimeField(required=False, allow_null=True, default=None)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000)


class RateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=models.Rating.choices)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ClueUpdateSerializer(NoteSerializer):
    category = serializers.IntegerField(min_value=1, max_value=ID_MAX)


class TaskSerializer(serializers.ModelSerializer):
    takers_count = serializers.IntegerField(source="takers.count", read_only=True)

    class Meta:
        model = models.InspectionTask
        fields = ["id", "grid", "title", "description", "starts_on", "ends_on", "created_at", "takers_count"]
        read_only_fields = ["created_at", "takers_count"]
        extra_kwargs = {"description": {"max_length": 2000}}


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = models.PointsPolicy
        fields = ["id", "unit", "effective_from", "points_per_clue", "points_per_yuan", "expiry_days", "created_at"]
        read_only_fields = ["created_at"]


class AccountSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.PointsAccount
        fields = ["id", "woodpecker", "balance", "updated_at"]


class EntrySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.PointsEntry
        fields = [
            "id",
            "account",
            "kind",
            "points",
            "balance_after",
            "idempotency_key",
            "clue",
            "redemption",
            "policy",
            "reason",
            "expires_on",
            "created_at",
        ]


class AdjustSerializer(serializers.Serializer):
    woodpecker = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    # The service bounds one adjustment (MAX_ADJUST_POINTS); the schema says so too.
    points = serializers.IntegerField(min_value=-MAX_ADJUST_POINTS, max_value=MAX_ADJUST_POINTS)
    reason = serializers.CharField(max_length=200)
    idempotency_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StationSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Station
        fields = ["id", "unit", "name", "kind", "address", "services", "latitude", "longitude", "is_active"]


class GoodsSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Goods
        fields = ["id", "station", "name", "price_yuan", "stock", "is_active"]


class RedemptionSerializer(ReadOnlyModelSerializer):
    # The pickup code goes to the woodpecker who redeemed only, while the goods wait at the counter: the counter's
    # staff must hear it from the woodpecker, never read it from a list.
    pickup_code = serializers.SerializerMethodField()
    station = serializers.IntegerField(source="goods.station_id", read_only=True)

    class Meta:
        model = models.Redemption
        fields = [
            "id",
            "woodpecker",
            "goods",
            "station",
            "quantity",
            "points",
            "status",
            "idempotency_key",
            "pickup_code",
            "reserved_at",
            "settled_at",
            "settled_by",
        ]

    def get_pickup_code(self, obj) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or obj.status != models.RedemptionStatus.RESERVED or obj.woodpecker.user_id != user.pk:
            return None
        return obj.pickup_code


class HandOutSerializer(serializers.Serializer):
    station = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    pickup_code = serializers.CharField(max_length=6, min_length=1)


class StockAdjustSerializer(serializers.Serializer):
    delta = serializers.IntegerField(min_value=-10_000, max_value=10_000)
    reason = serializers.CharField(max_length=200)


class RedeemSerializer(serializers.Serializer):
    goods = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    quantity = serializers.IntegerField(min_value=1, max_value=INT_MAX, default=1)
    idempotency_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AbuseSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.AbuseListEntry
        fields = ["id", "user", "unit", "reason", "until", "created_at"]
        read_only_fields = ["created_at"]
