"""Admin site scoping: every ModelAdmin of a scoped model uses ScopedAdminMixin, so the back office shows and
changes only the user's jurisdiction, exactly as the portal and the API do."""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

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
        if hasattr(related, "scope_field") and not request.user.is_superuser:
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
        if request.user.is_superuser or obj is None:
            return True
        return restrict(type(obj)._default_manager.filter(pk=obj.pk), request.user, CHANGE).exists()

    def has_add_permission(self, request):
        return _admin_user(request)

    def has_change_permission(self, request, obj=None):
        return self._can_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can_change(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "unit"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Party-building management back office")


class ClosedTokenAdmin(TokenAdmin):
    """DRF's API tokens in the back office: superusers only. For anyone else every key answers 404, whether it
    exists or not (the stock admin answered 403 for an existing key and a redirect for a missing one)."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def get_object(self, request, object_id, from_field=None):
        if not request.user.is_superuser:
            raise Http404
        return super().get_object(request, object_id, from_field)


admin.site.unregister(TokenProxy)
admin.site.register(TokenProxy, ClosedTokenAdmin)
