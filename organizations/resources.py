"""Export of organization units, limited to the exporter's jurisdiction (their import: importers.py, core.sheets)."""

from import_export import fields, resources

from accounts.permissions import CHANGE, restrict

from .models import OrganizationUnit


class OrganizationUnitResource(resources.ModelResource):
    parent_code = fields.Field(attribute="parent_code", column_name="parent_code")

    class Meta:
        model = OrganizationUnit
        import_id_fields = ["code"]
        fields = ["code", "name", "kind", "parent_code", "sort_order", "is_active"]
        export_order = ["code", "name", "kind", "parent_code", "sort_order", "is_active"]
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    def get_queryset(self):
        qs = OrganizationUnit.objects.select_related("parent")
        return restrict(qs, self.actor, CHANGE)

    def dehydrate_parent_code(self, unit):
        return unit.parent.code if unit.parent_id else ""
