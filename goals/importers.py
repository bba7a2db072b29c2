"""Targets from a sheet on the engine (core.sheets): units by code or name inside the importer's jurisdiction,
every row checked by `services.target_clean` and written through `services.target_set` (create or update)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.permissions import IMPORT
from core.sheets.importers import Counts, Importer, column, register
from core.sheets.spec import SheetSpec
from organizations.selectors import units_for_sheet

from . import indicators as registry
from . import services
from .models import Target

FIELD_TO_COLUMN = {"indicator": "indicator", "unit": "unit_code", "year": "year", "value": "value"}


@register
class TargetImporter(Importer):
    spec = SheetSpec(
        kind="targets",
        title="目标值",
        columns=(
            column("indicator", "指标", ("指标代码", "指标名称"), required=True),
            column("unit_code", "单位编码", ("单位代码", "单位"), required=True),
            column("year", "年度", ("年份",), type="int", required=True),
            column("value", "目标值", ("目标",), type="decimal", required=True),
            column("note", "备注"),
        ),
    )
    model = Target
    list_url = "goals:target_list"

    def prepare(self, table, *, actor, options):
        self.units = units_for_sheet(actor, Target, IMPORT, (r.raw.get("unit_code") for r in table.rows))
        self.keys = {i.key: i.key for i in registry.all_indicators()} | {
            str(i.name): i.key for i in registry.all_indicators()
        }
        years = {r.values.get("year") for r in table.rows} - {None}
        units = {u.pk for u in self.units.values()}
        existing = Target.objects.filter(unit_id__in=units, year__in=years)
        self.existing = {(t.indicator, t.unit_id, t.year): t for t in existing}

    def check_row(self, row, ctx):
        values = row.values
        text = str(values.get("indicator") or "").strip()
        values["indicator"] = self.keys.get(text, text)
        code = (row.raw.get("unit_code") or "").strip()
        values["unit"] = self.units.get(code.upper()) or self.units.get(code)
        if row.errors:
            return
        try:
            values["year"], values["value"] = services.target_clean(
                indicator=values["indicator"], unit=values["unit"], year=values.get("year"),
                value=values.get("value"), actor=ctx.actor,
            )  # fmt: skip
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                row.errors.setdefault(FIELD_TO_COLUMN.get(field, "indicator"), "；".join(messages))
            return
        current = self.existing.get((values["indicator"], values["unit"].pk, values["year"]))
        values["current"] = current
        note = str(values.get("note") or "").strip()
        if current is not None and (current.value, current.note) != (values["value"], note) and not ctx.update_existing:
            row.errors["value"] = _("This record exists already: choose “update existing records”.")

    def write(self, rows, *, actor, options):
        counts = Counts()
        for row in rows:
            v = row.values
            note = str(v.get("note") or "").strip()
            current = v.get("current")
            if current is not None and (current.value, current.note) == (Decimal(v["value"]), note):
                counts.unchanged += 1
                continue
            services.target_set(
                indicator=v["indicator"], unit=v["unit"], year=v["year"], value=v["value"], note=note, actor=actor
            )
            if current is None:
                counts.created += 1
            else:
                counts.updated += 1
        return counts
