"""Organization units from a sheet on the engine (core.sheets): code, name, kind, parent code. Parents are found in
the importer's jurisdiction or among the sheet's earlier rows; rows are written in order through the services
(kind rules, paths, party organization, audit); with "update existing" a known code updates its unit."""

from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, IMPORT, restrict, units_queryset
from core.sheets.importers import Counts, Importer, column, register
from core.sheets.spec import SheetSpec

from . import services
from .models import OrganizationUnit, UnitKind

UPDATED = ("name", "kind", "sort_order", "is_active")


@register
class UnitImporter(Importer):
    spec = SheetSpec(
        kind="units",
        title="组织单位",
        columns=(
            column("code", "编码", ("单位编码", "区划代码", "统计用区划代码"), required=True),
            column("name", "名称", ("单位名称",), required=True),
            column(
                "kind", "类型", ("单位类型",), type="choice", required=True,
                choices=tuple((v, str(label)) for v, label in UnitKind.choices),
            ),
            column("parent_code", "上级编码", ("上级单位编码", "上级代码")),
            column("sort_order", "排序", type="int"),
            column("is_active", "启用", ("是否启用",), type="bool"),
        ),
    )  # fmt: skip
    model = OrganizationUnit
    list_url = "organizations:browser"

    def prepare(self, table, *, actor, options):
        codes = {(r.raw.get("code") or "").strip().upper() for r in table.rows}
        codes |= {(r.raw.get("parent_code") or "").strip().upper() for r in table.rows}
        scoped = units_queryset(actor, OrganizationUnit, IMPORT).filter(code__in=codes - {""})
        self.parents = {u.code: u for u in scoped}
        self.existing = {u.code: u for u in OrganizationUnit.objects.filter(code__in=codes - {""})}
        self.changeable = set(
            restrict(OrganizationUnit.objects.filter(code__in=codes), actor, CHANGE).values_list("code", flat=True)
        )

    def check_row(self, row, ctx):
        values, errors = row.values, row.errors
        code = str(values.get("code") or "").strip().upper()
        parent_code = str(values.get("parent_code") or "").strip().upper()
        values["code"], values["parent_code"] = code, parent_code
        if parent_code and parent_code not in self.parents and parent_code not in ctx.seen:
            errors.setdefault("parent_code", _("No unit with this code in your jurisdiction."))
        if not code:
            return
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
        counts = Counts()
        created: dict[str, OrganizationUnit] = {}
        for row in rows:
            v = row.values
            parent = created.get(v["parent_code"]) or self.parents.get(v["parent_code"]) if v["parent_code"] else None
            current = v.get("current")
            if current is None:
                created[v["code"]] = services.unit_create(
                    name=v["name"], code=v["code"], kind=v["kind"], parent=parent,
                    sort_order=v.get("sort_order") or 0, actor=actor,
                )  # fmt: skip
                counts.created += 1
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
