"""The back office for accounts follows the grant ladder exactly as the portal pages do: every change goes through
`accounts.services` (which check `can_grant` / `can_manage_account` and write the audit rows), and the forms offer
only what the ladder allows, refusing anything else with a Chinese message before anything is written."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from accounts.scoping import VIEW, restrict
from core.admin import ScopedAdminMixin, _admin_user
from core.errors import ErrorCode as CoreCode

from . import services
from .models import RoleAssignment, User
from .permissions import GRANT, can_grant, can_manage_account, can_revoke, grantable_roles, units_queryset
from .roles import Role


def _grants_anything(user) -> bool:
    return user.is_superuser or bool(grantable_roles(user))


def _role_choices(user):
    allowed = set(grantable_roles(user))
    return [("", "---------")] + [(value, label) for value, label in Role.choices if value in allowed]


def _ladder_error(actor, role, unit) -> str | None:
    if role and unit is not None and not can_grant(actor, role, unit):
        return _(
            "You may not grant the role “%(role)s” at “%(unit)s”: only roles below your own, in your jurisdiction."
        ) % {
            "role": Role(role).label,
            "unit": unit,
        }
    return None


class LadderInlineFormSet(BaseInlineFormSet):
    """Every added, changed or removed row checked on the ladder before anything is saved (`actor` is set per
    request by `RoleAssignmentInline.get_formset`)."""

    actor = None

    def clean(self):
        super().clean()
        actor = self.actor
        kept = 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data:
                continue
            deleting = self._should_delete_form(form)
            original = None
            if form.instance.pk is not None:
                original = RoleAssignment.objects.select_related("unit").get(pk=form.instance.pk)
                if (deleting or form.has_changed()) and not can_grant(actor, original.role, original.unit):
                    form.add_error(None, _("You may not revoke this role."))
            if deleting:
                continue
            kept += 1
            if original is None or form.has_changed():
                message = _ladder_error(actor, data.get("role"), data.get("unit"))
                if message:
                    form.add_error("role", message)
        if self.instance._state.adding and kept == 0 and not actor.is_superuser:
            raise ValidationError(_("Give the new account at least one role."), code=CoreCode.REQUIRED)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    formset = LadderInlineFormSet
    extra = 0
    autocomplete_fields = ["unit"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user  # a new class per call, so this is per request
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = units_queryset(request.user, RoleAssignment, GRANT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = _role_choices(request.user)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _may_change(self, request, obj):
        if obj is None:
            return _admin_user(request) and _grants_anything(request.user)
        return _admin_user(request) and can_manage_account(request.user, obj) and obj.pk != request.user.pk

    def has_view_permission(self, request, obj=None):
        return _admin_user(request)

    def has_add_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj)


class AccountPasswordForm(AdminPasswordChangeForm):
    """The admin's password form without "disable password-based authentication": a reset always sets a password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = True
        self.fields["password2"].required = True


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin):
    """Staff manage the accounts whose every role lies below them inside their jurisdiction (the grant ladder)."""

    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "is_active", "is_staff", "last_login"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (gettext_lazy("Portal"), {"fields": ["display_name"]}))
    change_password_form = AccountPasswordForm

    def get_queryset(self, request):
        qs = super(ScopedAdminMixin, self).get_queryset(request)
        if request.user.is_superuser:
            return qs
        return restrict(qs, request.user, VIEW).distinct()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "user_permissions", "groups", "last_login", "date_joined"]
        return fields

    def get_actions(self, request):
        # Bulk deletion would bypass the ladder and the audit trail: accounts are deleted one by one.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return _admin_user(request) and _grants_anything(request.user)

    def _can_change(self, request, obj):
        if not _admin_user(request):
            return False
        return obj is None or can_manage_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk:
            return False
        return self._can_change(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            return  # created with its roles in save_related, through services.account_create
        fields = {
            name: getattr(obj, name)
            for name in form.changed_data
            if name in services.ACCOUNT_FIELDS or name in services.SUPERUSER_FIELDS
        }
        current = User.objects.get(pk=obj.pk)
        services.account_update(user=current, actor=request.user, **fields)
        if "is_active" in form.changed_data:
            toggle = services.account_reactivate if obj.is_active else services.account_deactivate
            toggle(user=current, actor=request.user)

    def save_related(self, request, form, formsets, change):
        if change:
            return super().save_related(request, form, formsets, change)
        roles = []
        for formset in formsets:
            for inline_form in formset.forms:
                data = getattr(inline_form, "cleaned_data", None)
                if data and not formset._should_delete_form(inline_form) and data.get("role"):
                    roles.append((data["role"], data["unit"]))
        account, _password = services.account_create(
            username=form.instance.username, roles=roles, actor=request.user, instance=form.instance
        )
        for formset in formsets:  # what the admin's change message reads
            formset.new_objects = list(account.role_assignments.all()) if formset.model is RoleAssignment else []
            formset.changed_objects, formset.deleted_objects = [], []

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        # Grants first, then revocations: an account whose only role is replaced stays in the actor's reach.
        replaced = [RoleAssignment.objects.get(pk=a.pk) for a in instances if a.pk is not None]
        for assignment in instances:
            services.role_grant(user=form.instance, role=assignment.role, unit=assignment.unit, actor=request.user)
        for assignment in replaced + list(formset.deleted_objects):
            services.role_revoke(assignment=assignment, actor=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_delete_permission(request, obj) and services.account_has_history(obj):
            self.message_user(
                request,
                _("This account has history (logins or records); deactivate it instead of deleting it."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.account_delete(user=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.account_delete(user=obj, actor=request.user)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        """The admin's password form, saved through services.password_reset (ladder check and audit row)."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            form = self.change_password_form(user, request.POST)
            if form.is_valid():
                with transaction.atomic():
                    services.password_reset(user=user, actor=request.user, password=form.cleaned_data["password1"])
                    self.log_change(request, user, [{"changed": {"fields": ["password"]}}])
                if user.pk == request.user.pk:
                    user.refresh_from_db()
                    update_session_auth_hash(request, user)
                messages.success(request, _("Password changed successfully."))
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return super().user_change_password(request, id, form_url)


class RoleAssignmentAdminForm(forms.ModelForm):
    actor = None  # set per request by RoleAssignmentAdmin.get_form

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "unit"]

    def clean(self):
        data = super().clean()
        user, role, unit = data.get("user"), data.get("role"), data.get("unit")
        message = _ladder_error(self.actor, role, unit)
        if message:
            self.add_error("role", message)
        elif user is not None and (user.pk == self.actor.pk or not can_manage_account(self.actor, user)):
            self.add_error("user", _("This account also holds roles you may not manage; ask a higher level."))
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Grants and revocations one by one, on the ladder. A role is never edited in place: revoke it and grant the
    new one, so the audit trail shows both."""

    form = RoleAssignmentAdminForm
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "unit__name", "unit__code"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["unit"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user  # modelform_factory makes a new class per call
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "unit":
                kwargs["queryset"] = units_queryset(request.user, RoleAssignment, GRANT)
            elif db_field.name == "user":
                kwargs["queryset"] = restrict(User.objects.all(), request.user, GRANT).distinct()
        return super(ScopedAdminMixin, self).formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = _role_choices(request.user)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return _admin_user(request) and _grants_anything(request.user)

    def has_change_permission(self, request, obj=None):
        # Never edited in place (view only); True without an object so that out-of-scope ids answer 404, not 403.
        return obj is None and _admin_user(request)

    def has_delete_permission(self, request, obj=None):
        if not _admin_user(request):
            return False
        return obj is None or can_revoke(request.user, obj)

    def save_model(self, request, obj, form, change):
        assignment = services.role_grant(user=obj.user, role=obj.role, unit=obj.unit, actor=request.user)
        obj.pk, obj.created_at = assignment.pk, assignment.created_at
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.role_revoke(assignment=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.role_revoke(assignment=obj, actor=request.user)
