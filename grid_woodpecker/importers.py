"""Sheet imports of woodpeckers and goods on the engine (core.sheets). Grids, stations and people are looked up
once per sheet inside the importer's jurisdiction; rows are written through the services."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, IMPORT, restrict, units_queryset
from cadres.models import Person
from cadres.validators import normalize_mobile, parse_resident_id
from core import crypto
from core.sheets.importers import Counts, Importer, column, register
from core.sheets.spec import SheetSpec
from organizations.models import UnitKind

from .models import Goods, Station, Woodpecker, WoodpeckerGroup
from .services.stations import goods_create, goods_update
from .services.woodpeckers import woodpecker_create


def _message(exc) -> str:
    return "；".join(getattr(exc, "messages", [str(exc)]))


@register
class WoodpeckerImporter(Importer):
    spec = SheetSpec(
        kind="woodpeckers",
        title="啄木鸟队员",
        columns=(
            column("name", "姓名", required=True),
            column("id_number", "身份证号码", ("身份证号", "身份证"), type="id_number", required=True),
            column("mobile", "手机号码", ("手机", "手机号", "联系电话"), type="phone"),
            column("grid_code", "网格编码", ("网格代码", "网格"), required=True),
            column(
                "group",
                "队员类别",
                ("类别", "群体"),
                type="choice",
                required=True,
                choices=tuple((v, str(label)) for v, label in WoodpeckerGroup.choices),
            ),
            column("is_lead", "是否队长", ("队长",), type="bool"),
            column("lead_duties", "队长职责"),
        ),
    )
    model = Woodpecker
    list_url = "grid_woodpecker:woodpecker_list"
    can_update = False

    def prepare(self, table, *, actor, options):
        codes = {(r.raw.get("grid_code") or "").strip().upper() for r in table.rows}
        grids = units_queryset(actor, Woodpecker, IMPORT).filter(code__in=codes, kind=UnitKind.GRID)
        self.grids = {g.code: g for g in grids}
        hashes = set()
        for row in table.rows:
            try:
                hashes.add(crypto.search_hash(parse_resident_id(str(row.values.get("id_number") or ""))[0]))
            except ValidationError:  # the row's error, reported by check_row
                continue
        self.known = set(Person.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", flat=True))

    def check_row(self, row, ctx):
        values, errors = row.values, row.errors
        code = (row.raw.get("grid_code") or "").strip().upper()
        values["grid"] = self.grids.get(code)
        if code and values["grid"] is None:
            errors.setdefault("grid_code", _("No grid with this code in your jurisdiction."))
        if values.get("mobile"):
            try:
                values["mobile"] = normalize_mobile(str(values["mobile"]))
            except Exception as exc:  # noqa: BLE001 - a ValidationError with the Chinese message
                errors.setdefault("mobile", _message(exc))
        if "id_number" in errors or not values.get("id_number"):
            return
        try:
            number = parse_resident_id(str(values["id_number"]))[0]
        except Exception as exc:  # noqa: BLE001
            errors["id_number"] = _message(exc)
            return
        digest = crypto.search_hash(number)
        if digest in self.known:
            errors["id_number"] = _("A person with this ID number is already registered.")
        elif digest in ctx.seen:
            errors["id_number"] = _("This ID number appears twice in the sheet.")
        ctx.seen[digest] = row.number
        values["id_clean"] = number

    def write(self, rows, *, actor, options):
        for row in rows:
            v = row.values
            woodpecker_create(
                name=str(v["name"]).strip(),
                id_number=v["id_clean"],
                mobile=v.get("mobile") or "",
                grid=v["grid"],
                group=v["group"],
                is_lead=bool(v.get("is_lead")),
                lead_duties=v.get("lead_duties") or "",
                actor=actor,
            )
        return Counts(created=len(rows))


GOODS_FIELDS = ("name", "price_yuan", "stock", "is_active")


@register
class GoodsImporter(Importer):
    spec = SheetSpec(
        kind="goods",
        title="积分兑换物品",
        columns=(
            column("id", "物品编号", ("编号",), type="int"),
            column("station", "站点编号", ("站点",), type="int", required=True),
            column("name", "物品名称", ("名称", "物品"), required=True),
            column("price_yuan", "价格（元）", ("价格", "单价"), type="decimal", required=True),
            column("stock", "库存", ("数量",), type="int", required=True),
            column("is_active", "上架", ("是否上架",), type="bool"),
        ),
    )
    model = Goods
    list_url = "grid_woodpecker:counter"

    def prepare(self, table, *, actor, options):
        ids = {r.values.get("station") for r in table.rows} - {None}
        self.stations = {s.pk: s for s in restrict(Station.objects.filter(pk__in=ids), actor, CHANGE)}
        goods = {r.values.get("id") for r in table.rows} - {None}
        self.goods = {g.pk: g for g in restrict(Goods.objects.filter(pk__in=goods), actor, CHANGE)}

    def check_row(self, row, ctx):
        values, errors = row.values, row.errors
        if values.get("station") is not None and values["station"] not in self.stations:
            errors.setdefault("station", _("No station with this number in your jurisdiction."))
        price = values.get("price_yuan")
        if price is not None and Decimal(price) <= 0:
            errors.setdefault("price_yuan", _("The price must be above zero."))
        if values.get("stock") is not None and int(values["stock"]) < 0:
            errors.setdefault("stock", _("Stock cannot be negative."))
        pk = values.get("id")
        if pk is not None:
            if pk not in self.goods:
                errors.setdefault("id", _("No goods with this number in your jurisdiction."))
            elif not ctx.update_existing:
                errors.setdefault("id", _("This record exists already: choose “update existing records”."))

    def write(self, rows, *, actor, options):
        counts = Counts()
        for row in rows:
            v = row.values
            fields = {"name": str(v["name"]).strip(), "price_yuan": Decimal(v["price_yuan"]), "stock": int(v["stock"])}
            fields["is_active"] = v.get("is_active", True) is not False
            goods = self.goods.get(v.get("id"))
            if goods is None:
                goods_create(
                    station=self.stations[v["station"]],
                    actor=actor,
                    **{k: fields[k] for k in fields if k != "is_active"},
                )
                counts.created += 1
            elif all(getattr(goods, name) == value for name, value in fields.items()):
                counts.unchanged += 1
            else:
                goods_update(goods=goods, actor=actor, **fields)
                counts.updated += 1
        return counts
