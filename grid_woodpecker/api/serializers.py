from django.utils.translation import gettext_lazy as _
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
    # The identity fields are core's; their help text is given here, for this form of registration.
    name = serializers.CharField(max_length=50, help_text=_("The woodpecker's real name."))
    id_number = serializers.CharField(
        max_length=18, help_text=_("The woodpecker's resident ID card number (18 characters); stored encrypted.")
    )
    mobile = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The woodpecker's mobile phone number; stored encrypted, shown masked."),
    )
    grid_code = serializers.CharField(
        max_length=32, help_text=_("The code (or id) of the grid the woodpecker belongs to, in your jurisdiction.")
    )
    group = serializers.ChoiceField(
        choices=models.WoodpeckerGroup.choices, help_text=_("The group the woodpecker comes from.")
    )
    is_lead = serializers.BooleanField(
        required=False, default=False, help_text=_("Whether the woodpecker is a lead woodpecker of the grid.")
    )
    lead_duties = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The lead woodpecker's duties (required when is_lead is true)."),
    )


class WoodpeckerUpdateSerializer(serializers.Serializer):
    is_lead = serializers.BooleanField(help_text=_("Whether the woodpecker is a lead woodpecker of the grid."))
    lead_duties = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The lead woodpecker's duties (required when is_lead is true; cleared when false)."),
    )


@extend_schema_serializer(component_name="WoodpeckerReason")  # cadres has a stricter ReasonSerializer
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True, help_text=_("The reason (required)."))

    class Meta:
        ref_name = "WoodpeckerReason"  # the schema component name; cadres has its own ReasonSerializer


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = models.ClueCategory
        fields = ["id", "unit", "code", "name", "deadline_days", "default_department", "is_active"]


class ClueEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField(help_text=_("Who took the step; empty for the system's jobs."))

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
    photos = CluePhotoSerializer(
        many=True, read_only=True, help_text=_("The clue's photos (their files are not in the API).")
    )

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


# For the schema only: duplicates/ answers each candidate clue with why it looks like a duplicate.
@extend_schema_serializer(component_name="DuplicateClue")
class DuplicateClueSerializer(ClueSerializer):
    why = serializers.ChoiceField(
        choices=[("near", _("Filed close by")), ("building", _("In the same building")), ("text", _("Similar words"))],
        read_only=True,
        help_text=_(
            "Why it looks like a duplicate: near (filed close by), building (same building), text (similar words)."
        ),
    )

    class Meta(ClueSerializer.Meta):
        fields = [*ClueSerializer.Meta.fields, "why"]


class PublicClueSerializer(serializers.ModelSerializer):
    """What any resident may see: no reporter, no coordinates, no free-text address."""

    category = serializers.CharField(source="category.name")
    grid = serializers.CharField(source="grid.name")

    class Meta:
        model = models.Clue
        fields = ["public_id", "category", "grid", "status", "description", "resolution", "submitted_at"]


class ClueSubmitSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=models.ClueCategory.objects.filter(is_active=True),
        help_text=_("The id of an active clue category configured for the grid's city."),
    )
    description = serializers.CharField(
        max_length=2000, help_text=_("What the problem is (at least 5 characters once trimmed).")
    )
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Where the problem is, in words.")
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Latitude in degrees (give both coordinates or neither)."),
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Longitude in degrees (give both coordinates or neither)."),
    )
    task = serializers.PrimaryKeyRelatedField(
        queryset=models.InspectionTask.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The id of the inspection task the clue answers, open for the grid today (optional)."),
    )
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("Photos of the problem (multipart/form-data only; at most 4)."),
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A note for the clue's history (optional)."),
    )


class MergeSerializer(NoteSerializer):
    duplicate_of = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text=_("The id of the clue of the same grid it duplicates.")
    )


class DispatchSerializer(NoteSerializer):
    department = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        help_text=_("The id of the department (a municipal agency, a township or a street) serving the clue's area."),
    )
    deadline = DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The department's deadline, in the future; empty: the category's deadline from now."),
    )


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000, help_text=_("What was done (required)."))


# For the schema only: resolve/ also takes photos of the result as multipart/form-data (the view reads them from the
# request's files).
@extend_schema_serializer(component_name="ResolveUpload")
class ResolveUploadSerializer(ResolveSerializer):
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=_("Photos of the result (at most 4)."),
    )


class RateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=models.Rating.choices, help_text=_("satisfied closes the clue; unsatisfied reopens it.")
    )
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why the reporter is not satisfied (required with unsatisfied)."),
    )


class ClueUpdateSerializer(NoteSerializer):
    category = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text=_("The id of the new category, configured for the grid's city.")
    )


# For the schema only: a PATCH body the view checks whole (not partial), so that its required fields are documented
# as required (drf-spectacular documents every PATCH body as partial otherwise). A comment, not a docstring: the
# schema would show a docstring as the component's (English) description.
class WholeBodyMixin:
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value) -> None:
        pass


@extend_schema_serializer(component_name="ClueRecategorize")
class ClueUpdateBodySerializer(WholeBodyMixin, ClueUpdateSerializer):
    pass


@extend_schema_serializer(component_name="WoodpeckerLead")
class WoodpeckerUpdateBodySerializer(WholeBodyMixin, WoodpeckerUpdateSerializer):
    pass


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
    woodpecker = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text=_("The id of the woodpecker whose balance is corrected.")
    )
    # The service bounds one adjustment (MAX_ADJUST_POINTS); the schema says so too.
    points = serializers.IntegerField(
        min_value=-MAX_ADJUST_POINTS,
        max_value=MAX_ADJUST_POINTS,
        help_text=_("Points to add (positive) or take away (negative), not zero; the balance never goes below zero."),
    )
    reason = serializers.CharField(max_length=200, help_text=_("Why the balance is corrected (required)."))
    idempotency_key = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A key of your choice: a retry with the same key answers the first entry and posts nothing."),
    )


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
    pickup_code = serializers.SerializerMethodField(
        help_text=_("The 6-digit pickup code: only to the woodpecker who redeemed, while reserved; null otherwise.")
    )
    station = serializers.IntegerField(
        source="goods.station_id", read_only=True, help_text=_("The id of the station where the goods wait.")
    )

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
    station = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text=_("The id of the station whose counter hands out the goods.")
    )
    pickup_code = serializers.CharField(
        max_length=6, min_length=1, help_text=_("The 6-digit pickup code the woodpecker tells the counter.")
    )


class StockAdjustSerializer(serializers.Serializer):
    delta = serializers.IntegerField(
        min_value=-10_000,
        max_value=10_000,
        help_text=_("How many to add (positive) or take away (negative), not zero; the stock never goes below zero."),
    )
    reason = serializers.CharField(
        max_length=200, help_text=_("Why the stock changes (a delivery, a breakage, a count); required.")
    )


class RedeemSerializer(serializers.Serializer):
    goods = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text=_("The id of active goods at a station near the woodpecker.")
    )
    quantity = serializers.IntegerField(
        min_value=1, max_value=INT_MAX, default=1, help_text=_("How many to redeem (1 by default).")
    )
    idempotency_key = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A key of your choice: a retry with the same key answers the first redemption."),
    )


class AbuseSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.AbuseListEntry
        fields = ["id", "user", "unit", "reason", "until", "created_at"]
        read_only_fields = ["created_at"]
