from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Answer, FieldKind, Report, ReportForm


class ReportFormSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    filled_by = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("The unit kinds that fill it in.")
    )
    current_version = serializers.SerializerMethodField(
        help_text=_("The number of its latest published version; null if none is published.")
    )

    class Meta:
        model = ReportForm
        fields = [
            "id",
            "unit_code",
            "code",
            "name",
            "filled_by",
            "period_type",
            "due_day",
            "open_days",
            "is_active",
            "current_version",
        ]
        read_only_fields = fields

    def get_current_version(self, form) -> int | None:
        versions = [v.number for v in form.versions.all() if v.published_at is not None]
        return max(versions) if versions else None


class AnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="field.code", read_only=True)
    label = serializers.CharField(source="field.label", read_only=True)
    kind = serializers.CharField(source="field.kind", read_only=True)
    prefill = serializers.CharField(source="field.prefill", read_only=True)
    value = serializers.JSONField(read_only=True, allow_null=True)
    computed = serializers.JSONField(read_only=True, allow_null=True)
    columns = serializers.JSONField(
        source="field.columns", read_only=True, help_text=_("A table field's columns: [{code, label, kind}].")
    )
    download_url = serializers.SerializerMethodField(
        help_text=_("A file field's attachment (the value holds its id and name); null otherwise.")
    )

    class Meta:
        model = Answer
        fields = [
            "code",
            "label",
            "kind",
            "prefill",
            "value",
            "computed",
            "origin",
            "comment",
            "columns",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, answer) -> str | None:
        value = answer.value if answer.field.kind == FieldKind.FILE else None
        if not isinstance(value, dict) or not isinstance(value.get("id"), int):
            return None
        return reverse("reporting:attachment", args=[value["id"]])


class ReportSerializer(serializers.ModelSerializer):
    form_code = serializers.CharField(source="form.code", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    answers = AnswerSerializer(many=True, read_only=True, help_text=_("One answer per field of the form version."))

    class Meta:
        model = Report
        fields = [
            "id",
            "form",
            "form_code",
            "version",
            "unit_code",
            "period_start",
            "period_end",
            "status",
            "prefilled_count",
            "confirmed_count",
            "typed_count",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "answers",
        ]
        read_only_fields = fields


class DraftSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        required=False,
        default=dict,
        help_text=_("Answers by field code; null clears one."),
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=300),
        required=False,
        default=dict,
        help_text=_("Explanations by field code (at most 300 characters each)."),
    )


class ReportReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, allow_blank=True, help_text=_("The reason, shown to the unit's secretary; required.")
    )
