"""The export of approved yearly village income (core.sheets.export), written from the income import's spec: a
township's corrected sheet goes back in unchanged. Amounts are numbers in yuan under headers that say so
("集体经济总收入（元）"); the village's name and township stand beside its code for reading."""

from django.utils import timezone

from core.params import parse_year
from core.sheets.export import Exporter, register
from core.sheets.spec import Column

from .models import IncomeReport, ReportStatus


def export_year(params) -> int:
    """The year asked for (400 when it is not one), else the latest approved year."""
    year = parse_year(params)
    if year is not None:
        return year
    latest = IncomeReport.objects.filter(status=ReportStatus.APPROVED).order_by("-year").values_list("year", flat=True)
    return latest.first() or timezone.localdate().year - 1


@register
class IncomeExporter(Exporter):
    kind = "income"
    model = IncomeReport

    @property
    def columns(self):
        code, *rest = self.spec.columns
        return (code, Column("village_name", "村名称"), Column("township", "乡镇"), *rest)

    def base_queryset(self, params):
        qs = IncomeReport.objects.filter(status=ReportStatus.APPROVED, year=export_year(params))
        return qs.select_related("village", "village__parent").order_by("year", "village__path")

    def filename(self, params) -> str:
        return f"{self.spec.title}-{export_year(params)}"

    def row(self, obj) -> dict:
        village = obj.village
        return {
            "village_code": village.code,
            "village_name": village.name,
            "township": village.parent.name if village.parent_id else "",
            "year": obj.year,
            "total_income": obj.total_income,
            "operating_income": obj.operating_income,
            "income_sources": obj.income_sources,
            "development_model": obj.development_model,
            "assets": obj.assets,
            "debt": obj.debt,
        }
