"""Sheet imports of woodpeckers and goods on the engine (core.sheets). Grids, stations, people and woodpeckers are
looked up once per sheet inside the importer's jurisdiction; rows are written through the services. A woodpecker
row names its person by ID number (a new woodpecker) or by person code (an export read back, as the cadres'
importers do)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, IMPORT, VIEW, restrict, units_queryset
from cadres.importers import PERSON_CODE
from cadres.models import Person
from cadres.validators import normalize_mobile, parse_resident_id
from core import crypto
from core.sheets.importers import Counts, Importer, column, register
from core.sheets.spec import SheetSpec
from organizations.models import UnitKind

from .models import Goods, Station, Woodpecker, WoodpeckerGroup
from .services.stations import goods_create, goods_update
from .services.woodpeckers import woodpecker_create, woodpecker_update


def _message(exc) -> str:
    return "；".join(getattr(exc, "messages", [str(exc)]))


@register
class WoodpeckerImporter(Importer):
    """New woodpeckers by their ID number; registered ones (an export read back) by their person code or ID
    number, updated with "update existing records"."""

    spec = SheetSpec(
        kind="woodpeckers",
        title="啄木鸟队员",
        either=(("id_number", "person_code"),),
        columns=(
            PERSON_CODE,
            column("name", "姓名", required=True),
            column(
                "id_number",
                "身份证号码",
                ("身份证号", "身份证"),
                type="id_number",
                help="新登记队员必填；已有队员可只填人员编码",
            ),
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
        person_codes = {str(r.values.get("person_code") or "").strip().upper() for r in table.rows} - {""}
        found = Person.objects.filter(Q(id_number_hash__in=hashes) | Q(code__in=person_codes))
        people = list(found)
        self.by_hash = {p.id_number_hash: p for p in people}
        self.by_code = {p.code: p for p in people if p.code in person_codes}
        self.visible = set(restrict(found, actor, VIEW).values_list("pk", flat=True))
        woodpeckers = Woodpecker.objects.filter(person__in=found)
        self.woodpeckers = {w.person_id: w for w in woodpeckers.select_related("grid")}
        self.changeable = set(restrict(woodpeckers, actor, CHANGE).values_list("pk", flat=True))

    def in_jurisdiction(self, person) -> bool:
        """A woodpecker the importer may change, or another person it may see."""
        woodpecker = self.woodpeckers.get(person.pk)
        return woodpecker.pk in self.changeable if woodpecker else person.pk in self.visible

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
        if "id_number" in errors:
            return
        person_code = str(values.get("person_code") or "").strip().upper()
        if not values.get("id_number"):
            self.check_by_code(row, person_code, ctx)
            return
        try:
            number = parse_resident_id(str(values["id_number"]))[0]
        except Exception as exc:  # noqa: BLE001
            errors["id_number"] = _message(exc)
            return
        digest = crypto.search_hash(number)
        if digest in ctx.seen:
            errors["id_number"] = _("This ID number appears twice in the sheet.")
            return
        ctx.seen[digest] = row.number
        values["id_clean"] = number
        person = self.by_hash.get(digest)
        if person_code and (person is None or person.code != person_code):
            errors["person_code"] = _("The person code does not belong to the owner of this ID number.")
        elif person is not None:
            self.check_existing(row, person, "id_number", ctx)

    def check_by_code(self, row, person_code, ctx):
        """A row without an ID number names a registered woodpecker by their person code (an export read back)."""
        errors = row.errors
        if not person_code:
            errors["id_number"] = _("Give the ID number (or the person code of a registered person).")
            return
        person = self.by_code.get(person_code)
        if person is None or not self.in_jurisdiction(person):  # never found outside, never attached silently
            errors["person_code"] = _("No person with code %(code)s in your jurisdiction.") % {"code": person_code}
            return
        if person.id_number_hash in ctx.seen:
            errors["person_code"] = _("This person already appears on line %(line)d of the sheet.") % {
                "line": ctx.seen[person.id_number_hash]
            }
            return
        ctx.seen[person.id_number_hash] = row.number
        self.check_existing(row, person, "person_code", ctx)

    def check_existing(self, row, person, key, ctx):
        """A registered person: only a woodpecker in the importer's jurisdiction is updated, and only when asked."""
        values, errors = row.values, row.errors
        woodpecker = self.woodpeckers.get(person.pk)
        if woodpecker is None:
            if key == "id_number":
                errors[key] = _("A person with this ID number is already registered.")
            else:
                errors[key] = _("This person is registered, but not as a woodpecker.")
        elif woodpecker.pk not in self.changeable:
            errors[key] = _("A person with this ID number is registered outside your jurisdiction.")
        elif person.name != str(values.get("name") or "").strip():
            errors["name"] = _("The name differs from the registered owner of this ID number (%(name)s).") % {
                "name": person.name
            }
        elif not ctx.update_existing:
            errors[key] = _("This record exists already: choose “update existing records”.")
        else:
            lead, duties = bool(values.get("is_lead")), (values.get("lead_duties") or "").strip()
            if lead and not duties and (not woodpecker.is_lead or woodpecker.lead_duties):
                errors["lead_duties"] = _("Describe the lead woodpecker's duties.")
            values["woodpecker"] = woodpecker

    def write(self, rows, *, actor, options):
        counts = Counts()
        for row in rows:
            v = row.values
            fields = {
                "grid": v["grid"],
                "group": v["group"],
                "is_lead": bool(v.get("is_lead")),
                "lead_duties": (v.get("lead_duties") or "").strip(),
            }
            woodpecker = v.get("woodpecker")
            if woodpecker is None:
                woodpecker_create(
                    name=str(v["name"]).strip(),
                    id_number=v["id_clean"],
                    mobile=v.get("mobile") or "",
                    actor=actor,
                    **fields,
                )
                counts.created += 1
            elif all(getattr(woodpecker, name) == value for name, value in fields.items()):
                counts.unchanged += 1
            else:
                woodpecker_update(woodpecker=woodpecker, actor=actor, **fields)
                counts.updated += 1
        return counts


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
