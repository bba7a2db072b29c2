"""Export of targets as Excel sheets (columns: indicator, unit_code, year, value, note), limited to the exporter's
jurisdiction; their import is goals/importers.py on the sheet engine (core.sheets)."""

from import_export import fields, resources

from accounts.permissions import restrict

from . import indicators as registry
from .models import Target


class TargetResource(resources.ModelResource):
    indicator = fields.Field(attribute="indicator", column_name="indicator")
    unit_code = fields.Field(column_name="unit_code")
    indicator_name = fields.Field(column_name="indicator_name")

    class Meta:
        model = Target
        fields = ["indicator", "indicator_name", "unit_code", "year", "value", "note"]
        export_order = ["indicator", "indicator_name", "unit_code", "year", "value", "note"]
        import_id_fields = []
        clean_model_instances = True
        skip_diff = True

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def get_queryset(self):
        qs = Target.objects.select_related("unit").order_by("year", "unit__path", "indicator")
        return restrict(qs, self.actor)  # no actor: nothing (jobs pass accounts.permissions.SYSTEM)

    def dehydrate_unit_code(self, target):
        return target.unit.code

    def dehydrate_indicator_name(self, target):
        return registry.label(target.indicator)
