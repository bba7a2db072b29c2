"""Back office of the grid woodpeckers. Ledger, history and photos are read-only here: they change only through
the services (the portal and the API)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect

from core.admin import PortalSheetsMixin, ReadOnlyAdmin, ScopedAdminMixin

from .models import (
    AbuseListEntry,
    Clue,
    ClueCategory,
    ClueEvent,
    CluePhoto,
    Goods,
    InspectionTask,
    Open311Key,
    PointsAccount,
    PointsEntry,
    PointsPolicy,
    Redemption,
    Station,
    Woodpecker,
)
from .services.config import category_create, category_update
from .services.points import policy_set
from .services.stations import goods_create, goods_update, station_create, station_update
from .services.woodpeckers import woodpecker_deactivate, woodpecker_set_lead


@admin.register(Woodpecker)
class WoodpeckerAdmin(ScopedAdminMixin, PortalSheetsMixin, admin.ModelAdmin):
    import_kind = "woodpeckers"
    list_display = ["person", "grid", "group", "status", "is_lead", "registered_at"]
    list_filter = ["status", "group", "is_lead"]
    search_fields = ["person__name", "grid__name", "grid__code"]
    list_select_related = ["person", "grid"]
    readonly_fields = [
        "person",
        "user",
        "grid",
        "status",
        "registered_at",
        "confirmed_at",
        "confirmed_by",
        "deactivated_at",
        "deactivation_reason",
    ]
    fields = readonly_fields[:4] + ["group", "is_lead", "lead_duties"] + readonly_fields[4:]

    def has_add_permission(self, request):
        return False  # registration goes through the portal, the API or the import

    def save_model(self, request, obj, form, change):
        woodpecker_set_lead(woodpecker=obj, is_lead=obj.is_lead, duties=obj.lead_duties, actor=request.user)

    def delete_model(self, request, obj):
        woodpecker_deactivate(woodpecker=obj, reason="后台停用", actor=request.user)


class ServiceErrorsMixin:
    """A service's ValidationError or PermissionDenied comes back as a message on the form page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), level="error")
            return HttpResponseRedirect(request.get_full_path())


class ServiceSaveMixin:
    """The admin's save through the services: a new row by `create_service(actor=…, **the create_fields given)`,
    a change by `update_service(<update_arg>=the stored row, actor=…, **the update_fields given)`."""

    create_service = None
    create_fields: tuple[str, ...] = ()
    update_service = None
    update_fields: tuple[str, ...] = ()
    update_arg = ""

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            stored = type(obj).objects.get(pk=obj.pk)
            fields = {name: data[name] for name in self.update_fields if name in data}
            type(self).update_service(**{self.update_arg: stored}, actor=request.user, **fields)
        else:
            arguments = {name: data[name] for name in self.create_fields if name in data}
            obj.pk = type(self).create_service(actor=request.user, **arguments).pk


@admin.register(ClueCategory)
class ClueCategoryAdmin(ServiceErrorsMixin, ServiceSaveMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "unit", "deadline_days", "default_department", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    create_service, update_service, update_arg = category_create, category_update, "category"
    create_fields = ("unit", "code", "name", "deadline_days", "default_department")
    update_fields = ("name", "deadline_days", "default_department", "is_active")


class ClueEventInline(admin.TabularInline):
    model = ClueEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "from_status", "to_status", "note", "actor", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Clue)
class ClueAdmin(ReadOnlyAdmin):
    list_display = ["id", "category", "grid", "status", "flag", "handler_kind", "deadline", "submitted_at"]
    list_filter = ["status", "flag", "handler_kind", "source"]
    search_fields = ["description", "grid__name"]
    list_select_related = ["category", "grid"]
    inlines = [ClueEventInline]


@admin.register(ClueEvent)
class ClueEventAdmin(ReadOnlyAdmin):
    list_display = ["clue", "kind", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["kind", "to_status"]


@admin.register(CluePhoto)
class CluePhotoAdmin(ReadOnlyAdmin):
    list_display = ["clue", "stage", "width", "height", "uploaded_at"]


@admin.register(InspectionTask)
class InspectionTaskAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "grid", "starts_on", "ends_on", "created_by"]
    search_fields = ["title", "grid__name"]
    readonly_fields = ["created_by", "takers"]

    def save_model(self, request, obj, form, change):
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AbuseListEntry)
class AbuseListEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "unit", "reason", "until", "created_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_by"]


@admin.register(PointsPolicy)
class PointsPolicyAdmin(ServiceErrorsMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "effective_from", "points_per_clue", "points_per_yuan", "expiry_days"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = policy_set(
            unit=data["unit"],
            effective_from=data["effective_from"],
            points_per_clue=data["points_per_clue"],
            points_per_yuan=data["points_per_yuan"],
            expiry_days=data.get("expiry_days"),
            actor=request.user,
        )
        obj.pk = created.pk

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # a new rule is a new row

    def has_delete_permission(self, request, obj=None):
        return obj is None and super().has_delete_permission(request, obj)


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdmin):
    list_display = ["woodpecker", "balance", "updated_at"]
    list_select_related = ["woodpecker__person"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "account", "kind", "points", "balance_after", "reason"]
    list_filter = ["kind"]


@admin.register(Station)
class StationAdmin(ServiceErrorsMixin, ServiceSaveMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    create_service, update_service, update_arg = station_create, station_update, "station"
    create_fields = ("unit", "name", "kind", "address", "services")
    update_fields = ("name", "kind", "address", "services", "is_active")


@admin.register(Goods)
class GoodsAdmin(ServiceErrorsMixin, ServiceSaveMixin, ScopedAdminMixin, PortalSheetsMixin, admin.ModelAdmin):
    import_kind = "goods"
    list_display = ["name", "station", "price_yuan", "stock", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "station__name"]

    create_service, update_service, update_arg = goods_create, goods_update, "goods"
    create_fields = ("station", "name", "price_yuan", "stock")
    update_fields = ("name", "price_yuan", "stock", "is_active")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["woodpecker", "goods", "quantity", "points", "status", "reserved_at", "settled_at"]
    list_filter = ["status"]
    hidden = ("pickup_code_encrypted", "pickup_code_hash")  # the woodpecker's alone to show at the counter

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name not in self.hidden]

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name not in self.hidden]


@admin.register(Open311Key)
class Open311KeyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "key_prefix", "user", "unit", "is_active", "created_at"]
    readonly_fields = ["key_prefix"]

    def has_add_permission(self, request):
        return False  # keys are issued by open311_key_create, which shows the raw key once
