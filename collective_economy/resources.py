"""Export of yearly village income, limited to the exporter's jurisdiction (the township's sheet is imported by
importers.py on the sheet engine, core.sheets)."""

from django.utils.translation import gettext_lazy
from import_export import fields, resources

from accounts.permissions import restrict

from .models import DevelopmentModel, IncomeReport, ReportStatus

# Sheet column → model attribute. Headers are the Chinese a township's sheet uses.
COLUMNS = {
    "village_code": "村编码",
    "village_name": "村名称",
    "township": "乡镇",
    "year": "年度",
    "total_income": "集体经济总收入",
    "operating_income": "经营性收入",
    "income_sources": "收入来源",
    "development_model": "发展模式",
    "assets": "年末资产",
    "debt": "年末负债",
}
AMOUNTS = ("total_income", "operating_income", "assets", "debt")
REQUIRED = ("village_code", "year", "total_income", "operating_income", "development_model")
FIELD_LABELS = {
    "village": COLUMNS["village_code"],
    "village_code": COLUMNS["village_code"],
    **{name: COLUMNS[name] for name in COLUMNS},
    "status": gettext_lazy("status"),
}


def _model_value(text: str) -> str | None:
    text = (text or "").strip()
    for value, label in DevelopmentModel.choices:
        if text in (value, str(label)):
            return value
    return None


class IncomeReportResource(resources.ModelResource):
    village_code = fields.Field(attribute="village_code", column_name=COLUMNS["village_code"], readonly=True)
    village_name = fields.Field(attribute="village__name", column_name=COLUMNS["village_name"], readonly=True)
    township = fields.Field(attribute="village__parent__name", column_name=COLUMNS["township"], readonly=True)
    year = fields.Field(attribute="year", column_name=COLUMNS["year"])
    total_income = fields.Field(attribute="total_income", column_name=COLUMNS["total_income"])
    operating_income = fields.Field(attribute="operating_income", column_name=COLUMNS["operating_income"])
    income_sources = fields.Field(attribute="income_sources", column_name=COLUMNS["income_sources"])
    development_model = fields.Field(attribute="development_model", column_name=COLUMNS["development_model"])
    assets = fields.Field(attribute="assets", column_name=COLUMNS["assets"])
    debt = fields.Field(attribute="debt", column_name=COLUMNS["debt"])

    class Meta:
        model = IncomeReport
        fields = list(COLUMNS)
        export_order = list(COLUMNS)
        clean_model_instances = True
        skip_diff = True

    def __init__(self, actor=None, year: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.year = year

    # Export

    def get_queryset(self):
        qs = IncomeReport.objects.filter(status=ReportStatus.APPROVED).select_related("village", "village__parent")
        if self.year:
            qs = qs.filter(year=self.year)
        qs = qs.order_by("year", "village__path")
        return restrict(qs, self.actor)  # no actor: nothing (jobs pass accounts.permissions.SYSTEM)

    def dehydrate_village_code(self, report):
        return report.village.code

    def dehydrate_development_model(self, report):
        return str(report.get_development_model_display())
