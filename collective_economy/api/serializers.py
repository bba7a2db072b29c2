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


class IncomeFiguresSerializer(serializers.Serializer):
    total_income = serializers.DecimalField(**MONEY)
    operating_income = serializers.DecimalField(**MONEY)
    income_sources = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    development_model = serializers.ChoiceField(choices=models.DevelopmentModel.choices)
    # Required: a string default here reached the service unconverted and failed there (a 500) when left out.
    assets = serializers.DecimalField(**MONEY)
    debt = serializers.DecimalField(**MONEY)


class IncomeReportSubmitSerializer(IncomeFiguresSerializer):
    village_code = serializers.CharField(max_length=32)
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class IncomeReportUpdateSerializer(serializers.Serializer):
    total_income = serializers.DecimalField(**MONEY, required=False)
    operating_income = serializers.DecimalField(**MONEY, required=False)
    income_sources = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    development_model = serializers.ChoiceField(choices=models.DevelopmentModel.choices, required=False)
    assets = serializers.DecimalField(**MONEY, required=False)
    debt = serializers.DecimalField(**MONEY, required=False)


class IncomeCorrectionSerializer(IncomeReportUpdateSerializer):
    correction_reason = serializers.CharField(max_length=500)


class SendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


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
    village_code = serializers.CharField(max_length=32, write_only=True)


class ThresholdTargetSerializer(serializers.ModelSerializer):
    unit_code = serializers.SlugRelatedField(source="unit", slug_field="code", read_only=True)

    class Meta:
        model = models.ThresholdTarget
        fields = ["id", "unit", "unit_code", "year", "threshold", "target_share"]
        read_only_fields = ["unit"]


class ThresholdTargetCreateSerializer(serializers.Serializer):
    unit_code = serializers.CharField(max_length=32)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    threshold = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    target_share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class DoublingPlanSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.DoublingPlan
        fields = ["id", "unit", "base_year", "target_year", "multiple"]


class RewardRuleSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.RewardRule
        fields = ["id", "kind", "basis", "threshold", "amount", "rate", "min_growth", "cap", "sort_order"]


class RewardSchemeSerializer(ReadOnlyModelSerializer):
    rules = RewardRuleSerializer(many=True, read_only=True)

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
    scope_code = serializers.CharField(max_length=32)
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class ProjectCompetitionSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.ProjectCompetition
        fields = ["id", "unit", "year", "name"]


class ProjectScoreSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.ProjectScore
        fields = ["id", "competition", "project", "reviewer", "score", "comment", "scored_at"]
