"""Import and export of woodpeckers and goods. Grids and stations are looked up in one query for the whole sheet,
limited to the importing user's jurisdiction; every row is checked first and written through the services."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from accounts.permissions import CHANGE, IMPORT, restrict, units_queryset
from cadres.models import Person
from cadres.validators import normalize_mobile, parse_resident_id
from core import crypto
from organizations.models import OrganizationUnit, UnitKind

from .models import Goods, Station, Woodpecker, WoodpeckerGroup
from .services.stations import goods_create, goods_update
from .services.woodpeckers import woodpecker_create


def _cell(row, name) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


class WoodpeckerResource(resources.ModelResource):
    name = fields.Field(column_name="name")
    id_number = fields.Field(column_name="id_number")
    mobile = fields.Field(column_name="mobile")
    grid_code = fields.Field(column_name="grid_code")
    group = fields.Field(attribute="group", column_name="group")
    is_lead = fields.Field(attribute="is_lead", column_name="is_lead", widget=widgets.BooleanWidget())
    lead_duties = fields.Field(attribute="lead_duties", column_name="lead_duties")
    status = fields.Field(attribute="status", column_name="status", readonly=True)

    class Meta:
        model = Woodpecker
        fields = ["name", "id_number", "mobile", "grid_code", "group", "is_lead", "lead_duties", "status"]
        export_order = fields
        clean_model_instances = True

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self._grids: dict[str, OrganizationUnit] = {}
        self._known_hashes: set[str] = set()
        self._seen: set[str] = set()

    def get_queryset(self):
        return restrict(Woodpecker.objects.select_related("person", "grid"), self.actor)  # no actor: nothing

    def before_import(self, dataset, **kwargs):
        codes = {str(c).strip() for c in dataset["grid_code"] if c} if "grid_code" in (dataset.headers or []) else set()
        units = units_queryset(self.actor, Woodpecker, IMPORT).filter(code__in=codes, kind=UnitKind.GRID)
        self._grids = {u.code: u for u in units}
        numbers = (
            [str(n).strip().upper() for n in dataset["id_number"] if n]
            if "id_number" in (dataset.headers or [])
            else []
        )
        hashes = [crypto.search_hash(n) for n in numbers]
        self._known_hashes = set(
            Person.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", flat=True)
        )

    def get_instance(self, instance_loader, row):
        return None  # an import registers new woodpeckers; existing ones are changed in the portal

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance._row = row

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        row, errors = instance._row, dict(import_validation_errors or {})
        if not _cell(row, "name"):
            errors["name"] = _("The name is required.")
        try:
            number, _birth, _gender = parse_resident_id(_cell(row, "id_number"))
            digest = crypto.search_hash(number)
            if digest in self._known_hashes:
                errors["id_number"] = _("A person with this ID number is already registered.")
            elif digest in self._seen:
                errors["id_number"] = _("This ID number appears twice in the sheet.")
            self._seen.add(digest)
        except ValidationError as exc:
            errors["id_number"] = " ".join(exc.messages)
        if _cell(row, "mobile"):
            try:
                normalize_mobile(_cell(row, "mobile"))
            except ValidationError as exc:
                errors["mobile"] = " ".join(exc.messages)
        if _cell(row, "grid_code") not in self._grids:
            errors["grid_code"] = _("No grid with this code in your jurisdiction.")
        if instance.group not in WoodpeckerGroup.values:
            errors["group"] = _("Unknown group; use one of: %(values)s.") % {
                "values": ", ".join(WoodpeckerGroup.values)
            }
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        created = woodpecker_create(
            name=_cell(row, "name"),
            id_number=_cell(row, "id_number"),
            mobile=_cell(row, "mobile"),
            grid=self._grids[_cell(row, "grid_code")],
            group=instance.group,
            is_lead=bool(instance.is_lead),
            lead_duties=instance.lead_duties or "",
            actor=self.actor,
        )
        instance.pk = created.pk

    def dehydrate_name(self, obj):
        return obj.person.name

    def dehydrate_id_number(self, obj):
        return obj.person.id_number_masked

    def dehydrate_mobile(self, obj):
        return obj.person.mobile_masked

    def dehydrate_grid_code(self, obj):
        return obj.grid.code


class GoodsResource(resources.ModelResource):
    station = fields.Field(attribute="station_id", column_name="station", widget=widgets.IntegerWidget())
    station_name = fields.Field(column_name="station_name", readonly=True)

    class Meta:
        model = Goods
        fields = ["id", "station", "station_name", "name", "price_yuan", "stock", "is_active"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self._stations: dict[int, Station] = {}

    def get_queryset(self):
        return restrict(Goods.objects.select_related("station"), self.actor, CHANGE)  # no actor: nothing

    def before_import(self, dataset, **kwargs):
        ids = (
            {int(s) for s in dataset["station"] if str(s or "").strip().isdigit()}
            if "station" in (dataset.headers or [])
            else set()
        )
        stations = restrict(Station.objects.filter(pk__in=ids), self.actor, CHANGE)
        self._stations = {s.pk: s for s in stations}

    def dehydrate_station_name(self, obj):
        return obj.station.name

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValueError as exc:
            errors["station"] = str(exc)
        if instance.station_id not in self._stations:
            errors["station"] = _("No station with this number in your jurisdiction.")
        try:
            price = Decimal(str(row.get("price_yuan") or "0"))
        except InvalidOperation:
            price = Decimal(0)
        if price <= 0:
            errors["price_yuan"] = _("The price must be above zero.")
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.stock is None or instance.stock < 0:
            errors["stock"] = _("Stock cannot be negative.")
        if errors:
            raise ValidationError(errors)
        super().validate_instance(instance, import_validation_errors, validate_unique)

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        if is_create:
            created = goods_create(
                station=self._stations[instance.station_id],
                name=instance.name,
                price_yuan=instance.price_yuan,
                stock=instance.stock,
                actor=self.actor,
            )
            instance.pk = created.pk
        else:
            goods_update(
                goods=Goods.objects.get(pk=instance.pk),
                actor=self.actor,
                name=instance.name,
                price_yuan=instance.price_yuan,
                stock=instance.stock,
                is_active=instance.is_active,
            )
