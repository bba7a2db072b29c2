"""Import and export of yearly village income (a township sends its sheet).

Villages are looked up by code in one query for the whole sheet, limited to the importer's jurisdiction; each row is
checked (negative amounts, unknown village codes, communities instead of villages, duplicates) and written through
`services.income_report_record_approved`. The import runs dry first; any bad row means nothing is written.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.results import RowResult

from accounts.permissions import APPROVE, restrict, units_queryset
from organizations.models import OrganizationUnit, UnitKind

from . import services
from .errors import ErrorCode
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
        self._villages: dict[str, OrganizationUnit] = {}
        self._known_other: dict[str, str] = {}
        self._seen: set = set()

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

    # Import

    def before_import(self, dataset, **kwargs):
        header = COLUMNS["village_code"]
        missing = [COLUMNS[name] for name in REQUIRED if COLUMNS[name] not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("The sheet lacks the columns: %(columns)s.") % {"columns": "、".join(missing)},
                code=ErrorCode.MISSING_COLUMNS,
            )
        codes = {str(code).strip().upper() for code in dataset[header] if code not in (None, "")}
        # One query for the whole sheet: units with these codes that the importer may change.
        units = units_queryset(self.actor, IncomeReport, APPROVE).filter(code__in=codes)
        self._villages, self._known_other = {}, {}
        for unit in units:
            if unit.kind == UnitKind.VILLAGE:
                self._villages[unit.code] = unit
            else:
                self._known_other[unit.code] = unit.get_kind_display()
        self._seen = set()

    def get_or_init_instance(self, instance_loader, row):
        return IncomeReport(), True

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        code = str(row.get(COLUMNS["village_code"]) or "").strip().upper()
        if not code:
            errors["village"] = _("Give the village code.")
        elif code in self._known_other:
            errors["village"] = _("%(code)s is a %(kind)s, not an administrative village: only villages report.") % {
                "code": code,
                "kind": self._known_other[code],
            }
        elif code not in self._villages:
            errors["village"] = _("No village with the code %(code)s in your jurisdiction.") % {"code": code}
        else:
            instance.village = self._villages[code]
        raw_year = row.get(COLUMNS["year"])
        try:
            instance.year = int(str(raw_year).strip().split(".")[0])
        except (TypeError, ValueError):
            errors["year"] = _("The year must be a number such as 2024.")
        else:
            if self.year and instance.year != self.year:
                errors["year"] = _("This sheet is for %(year)s.") % {"year": self.year}
        for name in AMOUNTS:
            raw = row.get(COLUMNS[name])
            if raw in (None, "") and name in ("assets", "debt"):
                setattr(instance, name, Decimal("0.00"))
                continue
            try:
                value = Decimal(str(raw).replace(",", "").strip())
                if not value.is_finite():
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors[name] = _("Not an amount in yuan: “%(value)s”.") % {"value": raw if raw is not None else ""}
                continue
            if value < 0:
                errors[name] = _("The amount cannot be negative.")
                continue
            setattr(instance, name, value.quantize(Decimal("0.01")))
        if not errors.get("total_income") and not errors.get("operating_income"):
            if instance.operating_income is not None and instance.operating_income > instance.total_income:
                errors["operating_income"] = _("Operating income cannot exceed the total collective income.")
        model = _model_value(str(row.get(COLUMNS["development_model"]) or ""))
        if model is None:
            errors["development_model"] = _("Unknown development model; use one of: %(models)s.") % {
                "models": "、".join(str(label) for _value, label in DevelopmentModel.choices)
            }
        else:
            instance.development_model = model
        instance.income_sources = str(row.get(COLUMNS["income_sources"]) or "").strip()
        key = (code, getattr(instance, "year", None))
        if "village" not in errors and key in self._seen:
            errors["village"] = _("This village appears twice for the same year in the sheet.")
        self._seen.add(key)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The village is already checked against the sheet's one lookup; the service checks the rest.
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            try:
                instance.full_clean(exclude=[*errors, "village"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        services.income_report_record_approved(
            village=instance.village,
            year=instance.year,
            actor=self.actor,
            reason=_("Township sheet import"),
            **{name: getattr(instance, name) for name in services.REPORT_FIELDS},
        )


def row_errors(result) -> list[dict]:
    """Every problem of an import result as {"row", "field", "message"}, rows numbered as in the sheet (the header
    is row 1), fields named by their column header."""
    out = []
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            label = str(FIELD_LABELS.get(name, "")) if name != "__all__" else ""
            for message in messages:
                out.append({"row": invalid.number + 1, "field": label, "message": str(message)})
    for number, row in result.row_errors():
        for error in row:
            message = str(error.error)
            if isinstance(error.error, ValidationError):
                message = " ".join(error.error.messages)
            out.append({"row": number + 1, "field": "", "message": message})
    for error in result.base_errors:
        error_obj = error.error
        message = " ".join(error_obj.messages) if isinstance(error_obj, ValidationError) else str(error_obj)
        out.append({"row": None, "field": "", "message": message})
    return sorted(out, key=lambda e: e["row"] or 0)


def import_income(*, dataset, actor, dry_run: bool, year: int | None = None):
    """Run the import (dry or for real) in one transaction; returns (result, errors). Any error: nothing written."""
    resource = IncomeReportResource(actor=actor, year=year)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    errors = row_errors(result)
    counts = {kind: result.totals.get(kind, 0) for kind in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_INVALID)}
    return result, errors, counts
