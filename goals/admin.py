from django import forms
from django.contrib import admin

from core.admin import PortalSheetsMixin, ReadOnlyAdmin, ScopedAdminMixin

from . import indicators as registry
from . import services
from .models import ReportConfirmation, RollupValue, Target


@admin.register(Target)
class TargetAdmin(ScopedAdminMixin, PortalSheetsMixin, admin.ModelAdmin):
    import_kind = "targets"
    list_display = ["year", "unit", "indicator_name", "value", "note"]
    list_filter = ["year"]
    search_fields = ["unit__name", "unit__code", "indicator"]
    list_select_related = ["unit"]
    fields = ["indicator", "unit", "year", "value", "note"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            choices = [(i.key, i.name) for i in registry.for_user(request.user)]
            return forms.ChoiceField(label=db_field.verbose_name, choices=choices)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=Target._meta.get_field("indicator").verbose_name)
    def indicator_name(self, obj):
        return registry.label(obj.indicator)

    def save_model(self, request, obj, form, change):
        saved = services.target_set(
            indicator=obj.indicator, unit=obj.unit, year=obj.year, value=obj.value, note=obj.note, actor=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.target_delete(target=obj, actor=request.user)


@admin.register(RollupValue)
class RollupValueAdmin(ReadOnlyAdmin):
    list_display = ["year", "unit", "indicator", "numerator", "denominator", "value", "computed_at"]
    list_filter = ["year", "indicator"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit"]


@admin.register(ReportConfirmation)
class ReportConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["year", "source", "unit", "confirmed_by", "confirmed_at"]
    list_filter = ["year", "source"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "confirmed_by"]
