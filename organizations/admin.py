from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from core.admin import PortalSheetsMixin, ScopedAdminMixin

from . import services
from .models import DemonstrationTitle, OrganizationUnit, PartyOrganization


class OrganizationUnitAdminForm(forms.ModelForm):
    class Meta:
        model = OrganizationUnit
        fields = ["name", "code", "kind", "parent", "sort_order", "is_active"]


@admin.register(OrganizationUnit)
class OrganizationUnitAdmin(ScopedAdminMixin, PortalSheetsMixin, admin.ModelAdmin):
    form = OrganizationUnitAdminForm
    import_kind = "units"
    list_display = ["name", "code", "kind", "parent", "depth", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        # Writes go through the services; a ValidationError they raise is shown by changeform_view below.
        data = form.cleaned_data
        if not change:
            created = services.unit_create(
                name=data["name"],
                code=data["code"],
                kind=data["kind"],
                parent=data.get("parent"),
                sort_order=data.get("sort_order") or 0,
                actor=request.user,
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        old = OrganizationUnit.objects.get(pk=obj.pk)
        fields = {name: data[name] for name in ("name", "code", "kind", "sort_order", "is_active")}
        services.unit_update(unit=old, actor=request.user, **fields)
        if data.get("parent") and data["parent"].pk != old.parent_id:
            services.unit_move(unit=old, new_parent=data["parent"], actor=request.user)

    def delete_model(self, request, obj):
        services.unit_delete(unit=obj, actor=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level="error")
            return HttpResponseRedirect(request.get_full_path())


class DemonstrationTitleInline(admin.TabularInline):
    model = DemonstrationTitle
    extra = 0


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "org_type", "status", "founded_on"]
    list_filter = ["org_type", "status"]
    search_fields = ["name", "unit__name", "unit__code"]
    list_select_related = ["unit"]
    inlines = [DemonstrationTitleInline]

    def has_add_permission(self, request):
        return False  # created with its unit
