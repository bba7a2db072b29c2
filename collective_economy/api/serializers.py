from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import ReadOnlyModelSerializer, VillageNamedSerializer

from .. import models

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class IncomeReportSerializer(VillageNamedSerializer):
    class Meta:
        model = models.IncomeReport
        fields = [
            *VillageNamedSerializer.FIELDS,
            "version",
            "status",
            "total_income",
            "operating_income",
            "income_sources",
            "development_model",
            "assets",
            "debt",
            "correction_reason",
            "return_reason",
            "previous",
            "submitted_at",
            "reviewed_at",
        ]


# The figures' descriptions in the OpenAPI schema (the same for a submission, a change and a correction).
TOTAL_HELP = _("The village's total collective income of the year, in yuan (two decimals).")
OPERATING_HELP = _("Operating income of the year, in yuan; not more than the total income.")
SOURCES_HELP = _("Where the income comes from, in words (up to 2000 characters).")
MODEL_HELP = _("The development model (one of the four models).")
ASSETS_HELP = _("Assets at the end of the year, in yuan.")
DEBT_HELP = _("Debt at the end of the year, in yuan.")


class IncomeFiguresSerializer(serializers.Serializer):
    total_income = serializers.DecimalField(**MONEY, help_text=TOTAL_HELP)
    operating_income = serializers.DecimalField(**MONEY, help_text=OPERATING_HELP)
    income_sources = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text=SOURCES_HELP
    )
    development_model = serializers.ChoiceField(choices=models.DevelopmentModel.choices, help_text=MODEL_HELP)
    # Required: a string default here reached the service unconverted and failed there (a 500) when left out.
    assets = serializers.DecimalField(**MONEY, help_text=ASSETS_HELP)
    debt = serializers.DecimalField(**MONEY, help_text=DEBT_HELP)


class IncomeReportSubmitSerializer(IncomeFiguresSerializer):
    village_code = serializers.CharField(
        max_length=32, help_text=_("The code of the administrative village the report is for, in your jurisdiction.")
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("The year the report is about."))


class IncomeReportUpdateSerializer(serializers.Serializer):
    total_income = serializers.DecimalField(**MONEY, required=False, help_text=TOTAL_HELP)
    operating_income = serializers.DecimalField(**MONEY, required=False, help_text=OPERATING_HELP)
    income_sources = serializers.CharField(max_length=2000, required=False, allow_blank=True, help_text=SOURCES_HELP)
    development_model = serializers.ChoiceField(
        choices=models.DevelopmentModel.choices, required=False, help_text=MODEL_HELP
    )
    assets = serializers.DecimalField(**MONEY, required=False, help_text=ASSETS_HELP)
    debt = serializers.DecimalField(**MONEY, required=False, help_text=DEBT_HELP)


class IncomeCorrectionSerializer(IncomeReportUpdateSerializer):
    correction_reason = serializers.CharField(
        max_length=500, help_text=_("Why the approved figures are corrected (required).")
    )


class SendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, help_text=_("Why the report is sent back; the secretary sees it (required).")
    )


class ProjectSerializer(serializers.ModelSerializer):
    village_code = serializers.SlugRelatedField(source="village", slug_field="code", read_only=True)

    class Meta:
        model = models.Project
        fields = [
            "id",
            "village",
            "village_code",
            "name",
            "development_model",
            "investment",
            "partners",
            "status",
            "start_year",
            "description",
        ]
        read_only_fields = ["village"]
        extra_kwargs = {"description": {"max_length": 2000}}


class ProjectCreateSerializer(ProjectSerializer):
    village_code = serializers.CharField(
        max_length=32, write_only=True, help_text=_("The code of the administrative village the project belongs to.")
    )


class ThresholdTargetSerializer(serializers.ModelSerializer):
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)

    class Meta:
        model = models.ThresholdTarget
        fields = ["id", "unit", "unit_code", "year", "threshold", "target_share"]
        read_only_fields = ["unit"]


class ThresholdTargetCreateSerializer(serializers.Serializer):
    unit_code = serializers.CharField(
        max_length=32, help_text=_("The code of the city or township the target is for, in your jurisdiction.")
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("The year of the target."))
    threshold = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, help_text=_("The income threshold, in yuan (e.g. 200000).")
    )
    target_share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        help_text=_("The target share of villages over the threshold, in percent (e.g. 70)."),
    )


class DoublingPlanSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.DoublingPlan
        fields = ["id", "unit", "base_year", "target_year", "multiple"]


class RewardRuleSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.RewardRule
        fields = ["id", "kind", "basis", "threshold", "amount", "rate", "min_growth", "cap", "sort_order"]


class RewardSchemeSerializer(ReadOnlyModelSerializer):
    rules = RewardRuleSerializer(many=True, read_only=True, help_text=_("The scheme's rules, in their order."))

    class Meta:
        model = models.RewardScheme
        fields = ["id", "unit", "name", "effective_year", "village_cap", "rules"]


class VillageRewardSerializer(VillageNamedSerializer):
    class Meta:
        model = models.VillageReward
        fields = [
            *VillageNamedSerializer.FIELDS,
            "scheme",
            "amount",
            "explanation",
            "computed_at",
        ]


class ComputeRewardsSerializer(serializers.Serializer):
    scope_code = serializers.CharField(
        max_length=32, help_text=_("The code of the unit, in your jurisdiction, whose villages' rewards are computed.")
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text=_("The year whose rewards are computed."))


class ProjectCompetitionSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.ProjectCompetition
        fields = ["id", "unit", "year", "name"]


class ProjectScoreSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.ProjectScore
        fields = ["id", "competition", "project", "reviewer", "score", "comment", "scored_at"]
