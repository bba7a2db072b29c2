"""The township's income sheet on the engine (core.sheets): amounts in yuan or 万元 (declared, never guessed),
villages by code or name inside the importer's jurisdiction, warnings for figures far from last year's and for
villages expected but missing; rows written through `services.income_report_record_approved`."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.permissions import IMPORT, units_queryset
from core.sheets.importers import Counts, Importer, column, register
from core.sheets.spec import SheetSpec
from organizations.models import UnitKind
from organizations.selectors import units_for_sheet

from . import income_batches
from .exporters import IncomeExporter
from .models import DevelopmentModel, IncomeReport, ReportStatus

AMOUNTS = ("total_income", "operating_income", "assets", "debt")
OUTLIER_LOW, OUTLIER_HIGH = Decimal("0.01"), Decimal(100)


@register
class IncomeImporter(Importer):
    spec = SheetSpec(
        kind="income",
        title="村集体经济收入",
        columns=(
            column("village_code", "村编码", ("村代码", "行政村编码", "村名称", "村名", "村"), required=True),
            column("year", "年度", ("年份",), type="int", required=True),
            column("total_income", "集体经济总收入", ("总收入",), type="amount", required=True),
            column("operating_income", "经营性收入", type="amount", required=True),
            column("income_sources", "收入来源"),
            column(
                "development_model",
                "发展模式",
                type="choice",
                required=True,
                choices=tuple((v, str(label)) for v, label in DevelopmentModel.choices),
            ),
            column("assets", "年末资产", ("资产",), type="amount"),
            column("debt", "年末负债", ("负债",), type="amount"),
        ),
        has_amounts=True,
    )
    model = IncomeReport
    list_url = "collective_economy:index"
    bulk = True  # POST/GET /api/v1/bulk/income/ (core/sheets/bulk.py)
    bulk_params = ("year",)

    def bulk_export(self, actor, *, root, query):
        """The approved incomes of `?year=` (default: the latest approved year) of the villages under `root`: the
        sheet export's rows (`exporters.IncomeExporter`), for whoever may fetch that export."""
        exporter = IncomeExporter(self.spec)
        if not exporter.allowed(actor):
            raise PermissionDenied(_("Your role may not export these records."))
        reports = exporter.queryset(actor, query)
        if root is not None:
            reports = reports.filter(village__path__startswith=root.path)
        return (exporter.row(report) for report in reports.iterator(chunk_size=exporter.chunk_size))

    def prepare(self, table, *, actor, options):
        texts = [r.raw.get("village_code") for r in table.rows]
        units = units_for_sheet(actor, IncomeReport, IMPORT, texts)
        self.units = units
        years = {r.values.get("year") for r in table.rows} - {None}
        villages = {u.pk for u in units.values() if u.kind == UnitKind.VILLAGE}
        approved = IncomeReport.objects.filter(status=ReportStatus.APPROVED, village_id__in=villages)
        self.current = {(r.village_id, r.year): r for r in approved.filter(year__in=years)}
        waiting = IncomeReport.objects.filter(
            status__in=(ReportStatus.SUBMITTED, ReportStatus.RETURNED), village_id__in=villages, year__in=years
        )
        self.pending = set(waiting.values_list("village_id", "year"))
        self.previous = {(r.village_id, r.year): r for r in approved.filter(year__in={y - 1 for y in years})}
        self.years = years
        self.actor = actor

    def check_row(self, row, ctx):
        values, errors = row.values, row.errors
        text = (row.raw.get("village_code") or "").strip()
        unit = self.units.get(text.upper()) or self.units.get(text)
        if text and unit is None:
            errors.setdefault(
                "village_code", _("No village with the code %(code)s in your jurisdiction.") % {"code": text}
            )
        elif unit is not None and unit.kind != UnitKind.VILLAGE:
            errors.setdefault(
                "village_code",
                _("%(code)s is a %(kind)s, not an administrative village: only villages report.")
                % {"code": text, "kind": unit.get_kind_display()},
            )
            unit = None
        values["village"] = unit
        for name in AMOUNTS:
            if values.get(name) is not None and values[name] < 0:
                errors.setdefault(name, _("The amount cannot be negative."))
        total, operating = values.get("total_income"), values.get("operating_income")
        if total is not None and operating is not None and operating > total:
            errors.setdefault("operating_income", _("Operating income cannot exceed the total collective income."))
        if unit is None or values.get("year") is None:
            return
        key = (unit.pk, values["year"])
        if key in ctx.seen:
            errors.setdefault("village_code", _("This village appears twice for the same year in the sheet."))
        ctx.seen[key] = row.number
        if key in self.pending and key not in self.current:
            errors.setdefault("year", _("A report for this year is waiting for review; review it first."))
        current = self.current.get(key)
        if current is not None and not ctx.update_existing and not self._same(current, values):
            errors.setdefault("village_code", _("This record exists already: choose “update existing records”."))

    @staticmethod
    def _figures(values) -> dict:
        figures = {name: Decimal(values.get(name) or 0).quantize(Decimal("0.01")) for name in AMOUNTS}
        figures["income_sources"] = str(values.get("income_sources") or "").strip()
        figures["development_model"] = values.get("development_model") or ""
        return figures

    def _same(self, report, values) -> bool:
        return all(getattr(report, k) == v for k, v in self._figures(values).items())

    def warnings(self, table, ctx):
        found = []
        for row in table.rows:
            unit, total = row.values.get("village"), row.values.get("total_income")
            last = self.previous.get((unit.pk, row.values.get("year") - 1)) if unit and row.values.get("year") else None
            if row.errors or last is None or total is None or not last.total_income:
                continue
            ratio = Decimal(total) / last.total_income
            if ratio < OUTLIER_LOW or ratio > OUTLIER_HIGH:
                found.append(
                    _("Row %(row)d: %(village)s's total income %(now)s yuan is far from last year's %(last)s yuan.")
                    % {
                        "row": row.number,
                        "village": unit.name,
                        "now": f"{total:,.2f}",
                        "last": f"{last.total_income:,.2f}",
                    }
                )
        return found + self._missing(table)

    def _missing(self, table) -> list[str]:
        """Villages of the townships the sheet covers that have no row (only when the sheet is for one year)."""
        villages = [r.values["village"] for r in table.rows if r.values.get("village") is not None]
        if len(self.years) != 1 or not villages:
            return []
        parents = {v.parent_id for v in villages}
        expected = units_queryset(self.actor, IncomeReport, IMPORT).filter(kind=UnitKind.VILLAGE, parent_id__in=parents)
        names = sorted(u.name for u in expected.exclude(pk__in={v.pk for v in villages}).only("name"))
        if not names:
            return []
        return [_("Villages without a row in this sheet: %(names)s.") % {"names": "、".join(names)}]

    @staticmethod
    def _count(actions) -> Counts:
        counts = Counts()
        for action in actions:
            if action == "created":
                counts.created += 1
            elif action == "unchanged":
                counts.unchanged += 1
            else:
                counts.updated += 1
        return counts

    def plan(self, rows, *, actor, options) -> Counts:
        """What `write` would do with the checked valid rows, from what `prepare` found (a dry run's counts): a
        village and year without an approved record is created, one whose figures are the same is unchanged, one that
        differs is corrected (updated)."""
        actions = []
        for row in rows:
            current = self.current.get((row.values["village"].pk, int(row.values["year"])))
            if current is None:
                actions.append("created")
            else:
                actions.append("unchanged" if self._same(current, row.values) else "corrected")
        return self._count(actions)

    def write(self, rows, *, actor, options):
        items = [
            {"village": row.values["village"], "year": int(row.values["year"]), **self._figures(row.values)}
            for row in rows
        ]
        actions = income_batches.income_reports_record_many(items=items, actor=actor, reason=_("Township sheet import"))
        return self._count(actions)
