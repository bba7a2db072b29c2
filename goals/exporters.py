"""The export of targets (core.sheets.export), written from the target import's spec; the indicator's name stands
beside its code for reading."""

from core.sheets.export import Exporter, register
from core.sheets.spec import Column

from . import indicators as registry
from .models import Target


@register
class TargetExporter(Exporter):
    kind = "targets"
    model = Target

    @property
    def columns(self):
        indicator, *rest = self.spec.columns
        return (indicator, Column("indicator_name", "指标名称"), *rest)

    def base_queryset(self, params):
        return Target.objects.select_related("unit").order_by("year", "unit__path", "indicator")

    def row(self, obj) -> dict:
        return {
            "indicator": obj.indicator,
            "indicator_name": registry.label(obj.indicator),
            "unit_code": obj.unit.code,
            "year": obj.year,
            "value": obj.value,
            "note": obj.note,
        }
