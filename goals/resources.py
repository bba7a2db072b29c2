"""Import and export of targets as Excel sheets (columns: indicator, unit_code, year, value, note).

Units are looked up by code in one query for the whole sheet, limited to the importing user's jurisdiction; every
row is checked by `services.target_clean` and written through `services.target_set`."""

from django.core.exceptions import ValidationError
from import_export import fields, resources

from accounts.permissions import restrict
from organizations.models import OrganizationUnit

from . import indicators as registry
from . import services
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
        self._units: dict[str, OrganizationUnit] = {}
        self._keys = {key: key for key in registry.REGISTRY} | {str(i.name): i.key for i in registry.all_indicators()}

    def get_queryset(self):
        qs = Target.objects.select_related("unit").order_by("year", "unit__path", "indicator")
        return restrict(qs, self.actor)  # no actor: nothing (jobs pass accounts.permissions.SYSTEM)

    def before_import(self, dataset, **kwargs):
        codes = set()
        if dataset.headers and "unit_code" in dataset.headers:
            codes = {str(code).strip().upper() for code in dataset["unit_code"] if code}
        units = restrict(OrganizationUnit.objects.filter(code__in=codes), self.actor)
        self._units = {unit.code: unit for unit in units}

    def _parse(self, row):
        key = self._keys.get(str(row.get("indicator") or "").strip(), str(row.get("indicator") or "").strip())
        unit = self._units.get(str(row.get("unit_code") or "").strip().upper())
        return key, unit

    def get_instance(self, instance_loader, row):
        key, unit = self._parse(row)
        if unit is None:
            return None
        year = row.get("year")
        try:
            year = int(year)
        except (TypeError, ValueError):
            return None
        return Target.objects.filter(indicator=key, unit=unit, year=year).first()

    def import_instance(self, instance, row, **kwargs):
        key, unit = self._parse(row)
        year, value = services.target_clean(
            indicator=key, unit=unit, year=row.get("year"), value=row.get("value"), actor=self.actor
        )
        instance.indicator, instance.unit, instance.year, instance.value = key, unit, year, value
        instance.note = str(row.get("note") or "").strip()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        # Uniqueness is the upsert's business (one row per indicator, unit and year), not an error.
        instance.full_clean(exclude=["unit"], validate_unique=False, validate_constraints=False)

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        services.target_set(
            indicator=instance.indicator,
            unit=instance.unit,
            year=instance.year,
            value=instance.value,
            note=instance.note,
            actor=self.actor,
        )

    def dehydrate_unit_code(self, target):
        return target.unit.code

    def dehydrate_indicator_name(self, target):
        return registry.label(target.indicator)
