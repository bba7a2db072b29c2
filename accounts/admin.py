from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, VIEW, restrict, units_queryset
from core.admin import ScopedAdminMixin

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = units_queryset(request.user, RoleAssignment, CHANGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin):
    """Staff manage the accounts that hold a role inside their jurisdiction."""

    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "is_active", "is_staff", "last_login"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Portal"), {"fields": ["display_name"]}),)

    def get_queryset(self, request):
        qs = super(ScopedAdminMixin, self).get_queryset(request)
        if request.user.is_superuser:
            return qs
        return restrict(qs, request.user, VIEW).distinct()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "groups"]
        return fields


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "unit__name", "unit__code"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["unit"]
