"""Admin site scoping: every ModelAdmin of a scoped model uses ScopedAdminMixin, so the back office shows and
changes only the user's jurisdiction, exactly as the portal and the API do."""

from django.apps import apps
from django.contrib import admin
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportActionMixin
from import_export.fields import Field
from import_export.formats.base_formats import XLSX
from import_export.resources import Resource
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts.permissions import can, units_queryset
from accounts.roles import ADMIN_SITE_ROLES
from accounts.scoping import CHANGE, VIEW, restrict

from .models import AuditEntry
from .sheets import export


def _admin_user(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or user.has_role(*ADMIN_SITE_ROLES))


class ScopedAdminMixin:
    """Querysets, foreign-key choices and object permissions limited to the user's jurisdiction (404 outside)."""

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, VIEW)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related._meta.label == "organizations.OrganizationUnit" and hasattr(self.model, "scope_field"):
            # The units where this admin's model may be changed (a target's unit: the org department's subtree).
            kwargs["queryset"] = units_queryset(request.user, self.model, CHANGE)
        elif hasattr(related, "scope_field") and not request.user.is_superuser:
            kwargs["queryset"] = restrict(related._default_manager.all(), request.user, CHANGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Outside the jurisdiction (or gone): 404, never a hint that the object exists.
        raise Http404

    def has_module_permission(self, request):
        return _admin_user(request)

    def has_view_permission(self, request, obj=None):
        return _admin_user(request)

    def _can_change(self, request, obj):
        if not _admin_user(request):
            return False
        return obj is None or can(request.user, CHANGE, obj)

    def has_add_permission(self, request):
        return _admin_user(request)

    def has_change_permission(self, request, obj=None):
        return self._can_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can_change(request, obj)


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows written only by the services or the system: viewable and searchable in the back office, never added,
    changed or deleted here. Outside the jurisdiction: 404, also for a POST (never a 403 that confirms the row)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id and not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().delete_view(request, object_id, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Without an object Django asks only to route the request, so that one outside the jurisdiction is a 404.
        return obj is None and super().has_change_permission(request, None)

    def has_delete_permission(self, request, obj=None):
        return obj is None and super().has_delete_permission(request, None)

    def delete_model(self, request, obj):  # append-only records are never deleted
        return None

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class SpecResource(Resource):
    """django-import-export's view of a kind's portal Exporter (core.sheets.export), so the admin's export writes
    the same sheet as the portal's. The adapter exists because a list has one set of columns, its SheetSpec: the
    fields are the exporter's columns under the spec's Chinese headers (ID numbers and phones left out as the
    exporter omits them), each value is `Exporter.row(obj)` as the sheet writer holds it (a choice's label, 是/否),
    and the rows are the admin's queryset passed through the exporter's `restrict`. No field is declared here."""

    def __init__(self, exporter=None, user=None, params=None, **kwargs):
        super().__init__(**kwargs)
        self.exporter, self.user, self.params = exporter, user, params or {}
        self.columns = exporter.columns
        self.fields = {c.key: Field(attribute=c.key, column_name=export.header(c)) for c in self.columns}

    def get_export_fields(self, selected_fields=None):
        return list(self.fields.values())

    def filter_export(self, queryset, **kwargs):
        pks = queryset.order_by().values("pk")
        return self.exporter.queryset(self.user, self.params).filter(pk__in=pks)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        row = self.exporter.row(instance)
        return [export.cell_value(c, row.get(c.key)) for c in self.columns]


class PortalSheetsMixin(ExportActionMixin):
    """A change list of records kept by sheets links to the portal's pages for them (core.sheets): the import, the
    export (the one writer: the rows the user may view, re-importable) and the blank template. A superuser also gets
    django-import-export's export (the 导出 button: the filtered change list; the action: the selected rows) through
    `SpecResource`, straight to an xlsx file: its format page, whose inline handler the CSP would block, is skipped.
    The admin has no import of its own."""

    import_kind = ""
    change_list_template = "admin/core/change_list_portal_sheets.html"
    import_export_change_list_template = None  # ours, which includes django-import-export's export button
    change_form_template = None
    show_change_form_export = False
    resource_classes = [SpecResource]
    formats = [XLSX]
    skip_export_form = True
    skip_export_form_from_action = True

    def has_export_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and user.is_superuser

    def get_export_resource_kwargs(self, request, **kwargs):
        # The change list's year filter is the income export's year (its rows are one year's, as on the portal).
        params = {"year": request.GET["year__exact"]} if "year__exact" in request.GET else {}
        return {"exporter": export.get(self.import_kind), "user": request.user, "params": params}

    def get_export_filename(self, request, queryset, file_format):
        return f"{self.import_kind}-{timezone.localdate():%Y%m%d}.{file_format.get_extension()}"

    def changelist_view(self, request, extra_context=None):
        kind = self.import_kind
        links = {
            "portal_import_url": reverse("imports:start", args=[kind]),
            "portal_export_url": reverse("sheets:export", args=[kind, "xlsx"]),
            "portal_template_url": reverse("sheets:template", args=[kind]),
        }
        return super().changelist_view(request, {**(extra_context or {}), **links})


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_display", "action_display", "object_type", "object_repr", "unit_display"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor_username", "actor_repr", "unit_code", "unit_name"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    @admin.display(description=gettext_lazy("actor"))
    def actor_display(self, entry):
        return entry.actor_display

    @admin.display(description=gettext_lazy("action"), ordering="action")
    def action_display(self, entry):
        return entry.action_label

    @admin.display(description=gettext_lazy("organization unit"))
    def unit_display(self, entry):
        return entry.unit_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Party-building management back office")


class SuperuserOnlyAdminMixin:
    """Back-office models only a superuser manages (API tokens, second-factor devices). Everyone else gets 404
    for every id, whether it exists or not: the stock admins answered 403 for an existing id and a redirect (or,
    for a TOTP device's config page, a 500) for a missing one — an existence oracle the authorization sweep found."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def get_object(self, request, object_id, from_field=None):
        if not request.user.is_superuser:
            raise Http404
        return super().get_object(request, object_id, from_field)


def _close(model, model_admin_class, **extra):
    """Re-register `model` with its stock admin class closed to everyone but superusers."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    closed = type(f"Closed{model_admin_class.__name__}", (SuperuserOnlyAdminMixin, model_admin_class), extra)
    admin.site.register(model, closed)


_close(TokenProxy, TokenAdmin)

if apps.is_installed("django_otp.plugins.otp_totp"):  # the second factor (issue 9), when installed
    from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _device_view(name):
        def view(self, request, pk):
            if not request.user.is_superuser or not TOTPDevice.objects.filter(pk=pk).exists():
                raise Http404
            return getattr(TOTPDeviceAdmin, name)(self, request, pk)

        return view

    _close(
        TOTPDevice, TOTPDeviceAdmin, config_view=_device_view("config_view"), qrcode_view=_device_view("qrcode_view")
    )
if apps.is_installed("django_otp.plugins.otp_static"):
    from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
    from django_otp.plugins.otp_static.models import StaticDevice

    _close(StaticDevice, StaticDeviceAdmin)

if apps.is_installed("axes"):  # the login lockout's records (issue 9), when its admin is on
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for _model, _admin_class in (
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ):
        if admin.site.is_registered(_model):
            _close(_model, _admin_class)
