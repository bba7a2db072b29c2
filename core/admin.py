"""Admin site scoping: every ModelAdmin of a scoped model uses ScopedAdminMixin, so the back office shows and
changes only the user's jurisdiction, exactly as the portal and the API do."""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can, units_queryset
from accounts.roles import ADMIN_SITE_ROLES
from accounts.scoping import CHANGE, VIEW, restrict

from .models import AuditEntry


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


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_display", "action", "object_type", "object_repr", "unit_display"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor_username", "actor_repr", "unit_code", "unit_name"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    @admin.display(description=gettext_lazy("actor"))
    def actor_display(self, entry):
        return entry.actor_display

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
