"""Exports of woodpeckers and goods (core.sheets.export), written from their importers' specs. Woodpeckers carry
their person's code, never the ID number or phone (docs/security.md, personal data in exports)."""

from accounts.permissions import CHANGE, IMPORT
from cadres.exporters import PERSON_CODE, PRIVATE
from core.sheets.export import Exporter, register
from core.sheets.spec import Column

from .models import Goods, Woodpecker, WoodpeckerStatus


@register
class WoodpeckerExporter(Exporter):
    kind = "woodpeckers"
    model = Woodpecker
    gate = IMPORT  # the list's export is offered to those who keep it (as its import)
    extra = (
        PERSON_CODE,
        Column("status", "状态", type="choice", choices=tuple((v, str(lb)) for v, lb in WoodpeckerStatus.choices)),
    )
    omit = PRIVATE

    def base_queryset(self, params):
        return Woodpecker.objects.select_related("person", "grid").order_by("grid__path", "person__name", "pk")

    def row(self, obj) -> dict:
        return {
            "person_code": obj.person.code,
            "status": obj.status,
            "name": obj.person.name,
            "grid_code": obj.grid.code,
            "group": obj.group,
            "is_lead": obj.is_lead,
            "lead_duties": obj.lead_duties,
        }


@register
class GoodsExporter(Exporter):
    kind = "goods"
    model = Goods
    action = CHANGE  # a station's counter keeps its goods
    gate = IMPORT
    extra = (Column("station_name", "站点名称"),)

    @property
    def columns(self):
        # The station's name beside its number, after it.
        columns = [c for c in self.spec.columns]
        index = next(i for i, c in enumerate(columns) if c.key == "station") + 1
        return (*columns[:index], *self.extra, *columns[index:])

    def base_queryset(self, params):
        return Goods.objects.select_related("station").order_by("station_id", "pk")

    def row(self, obj) -> dict:
        return {
            "id": obj.pk,
            "station": obj.station_id,
            "station_name": obj.station.name,
            "name": obj.name,
            "price_yuan": obj.price_yuan,
            "stock": obj.stock,
            "is_active": obj.is_active,
        }
