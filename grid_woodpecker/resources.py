"""Export of woodpeckers and goods, limited to the exporter's jurisdiction (their imports: importers.py)."""

from import_export import fields, resources, widgets

from accounts.permissions import CHANGE, restrict

from .models import Goods, Woodpecker


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

    def get_queryset(self):
        return restrict(Woodpecker.objects.select_related("person", "grid"), self.actor)  # no actor: nothing

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

    def get_queryset(self):
        return restrict(Goods.objects.select_related("station"), self.actor, CHANGE)  # no actor: nothing

    def dehydrate_station_name(self, obj):
        return obj.station.name
