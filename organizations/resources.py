"""Import and export of organization units. Rows are written through the services (kind rules, paths, audit);
parents are looked up by code in one query for the whole sheet, limited to the importing user's jurisdiction."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from accounts.permissions import CHANGE, restrict, units_queryset

from . import services
from .errors import ErrorCode
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
        self._parents = {}

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
        # All or nothing: a sheet with one bad row writes no row (django-import-export keeps valid rows by default).
        return super().import_data(
            dataset, *args, rollback_on_validation_errors=rollback_on_validation_errors, **kwargs
        )

    def before_import(self, dataset, **kwargs):
        codes = {str(code).strip().upper() for code in dataset["parent_code"] if code} if dataset.headers else set()
        # Parents where the importer may create units (no actor: none; jobs pass accounts.permissions.SYSTEM).
        scoped = units_queryset(self.actor, OrganizationUnit, CHANGE)
        self._parents = {unit.code: unit for unit in scoped.filter(code__in=codes)}

    def get_queryset(self):
        qs = OrganizationUnit.objects.select_related("parent")
        return restrict(qs, self.actor, CHANGE)

    def dehydrate_parent_code(self, unit):
        return unit.parent.code if unit.parent_id else ""

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        code = str(row.get("parent_code") or "").strip().upper()
        parent = self._parents.get(code)
        if code and parent is None:
            # A parent created by an earlier row of the same sheet.
            parent = self.get_queryset().filter(code=code).first()
            if parent is not None:
                self._parents[code] = parent
        if code and parent is None:
            message = _("No unit with this code in your jurisdiction.")
            raise ValidationError({"parent_code": ValidationError(message, code=ErrorCode.UNKNOWN_UNIT)})
        instance.parent = parent
        instance.code = (instance.code or "").strip().upper()

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        if is_create:
            services.unit_create(
                name=instance.name,
                code=instance.code,
                kind=instance.kind,
                parent=instance.parent,
                sort_order=instance.sort_order or 0,
                actor=self.actor,
            )
        else:
            current = OrganizationUnit.objects.get(pk=instance.pk)
            services.unit_update(
                unit=current,
                actor=self.actor,
                name=instance.name,
                kind=instance.kind,
                sort_order=instance.sort_order or 0,
                is_active=instance.is_active,
            )
            if instance.parent and instance.parent.pk != current.parent_id:
                services.unit_move(unit=current, new_parent=instance.parent, actor=self.actor)
