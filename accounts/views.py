from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import workbench
from core.context_processors import menu_for
from core.views import submit_form
from core.views.generic import ObjectActionView
from organizations.selectors import scope_roots

from . import selectors, services
from .forms import AccountCreateForm, AccountEditForm, AccountSearchForm, GrantForm
from .models import User
from .permissions import can_manage_account, can_revoke, grantable_roles


@login_required
def home(request):
    """Each role lands on its workbench: what waits for it (core.workbench), its roles and its menu."""
    assignments = request.user.role_assignments.select_related("unit").order_by("unit__path")
    context = {
        "assignments": assignments,
        "roots": scope_roots(user=request.user),
        "work": [item for item in menu_for(request.user)],
        "queues": workbench.queues_for(request.user),
        "shortcuts": workbench.shortcuts_for(request.user),
    }
    return render(request, "home.html", context)


# The accounts pages: staff manage accounts and role assignments on the grant ladder, outside the Django admin.
# Outside the user's GRANT scope: 404; visible but not theirs to manage (a role elsewhere, equal rank, a superuser):
# 403. Every write goes through accounts.services, which checks the ladder again and writes the audit row.


def _require_grant_power(request) -> None:
    if not (request.user.is_superuser or grantable_roles(request.user)):
        raise PermissionDenied(_("Only staff who may grant roles manage accounts."))


def _account_or_404(request, pk) -> User:
    _require_grant_power(request)
    account = selectors.accounts_visible(user=request.user).filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


def _require_manageable(request, account: User, *, not_self: bool = False) -> None:
    if not can_manage_account(request.user, account) or (not_self and account.pk == request.user.pk):
        raise PermissionDenied(_("You may view this account but not change it."))


def _manageable_or_403(request, pk, *, not_self: bool = False) -> User:
    account = _account_or_404(request, pk)
    _require_manageable(request, account, not_self=not_self)
    return account


def _no_store(response):
    """A page that shows a password once: never cached by the browser or a proxy."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True)
    return response


@login_required
def account_list(request):
    _require_grant_power(request)
    form = AccountSearchForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    qs = selectors.accounts_search(user=request.user, query=query, status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "status": status,
        "querystring": urlencode({"q": query, "status": status}),
        "may_create": True,
    }
    return render(request, "accounts/list.html", context)


def _account_fields(data):
    """The account form's fields as `services.account_create` takes them (one role at one unit)."""
    fields = ("username", "display_name", "email")
    return {**{name: data[name] for name in fields}, "roles": [(data["role"], data["unit"])]}


def _account_created(result):
    return _("Account “%(name)s” created.") % {"name": result[0].username}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account_create(request):
    _require_grant_power(request)
    form = AccountCreateForm(request.POST or None, actor=request.user)
    created = submit_form(
        request, form, services.account_create, _account_created, prepare=_account_fields, refusal_field="role"
    )
    if created[0]:
        account, password = created[1]
        context = {"account": account, "password": password, "created": True}
        return _no_store(render(request, "accounts/password_shown.html", context))
    context = {"form": form, "title": _("New account"), "cancel": reverse("accounts:list")}
    return render(request, "accounts/form.html", context, status=created.status)


@login_required
def account_detail(request, pk):
    account = _account_or_404(request, pk)
    may_manage = can_manage_account(request.user, account)
    is_self = account.pk == request.user.pk
    assignments = [
        (a, may_manage and not is_self and can_revoke(request.user, a))
        for a in account.role_assignments.select_related("unit").order_by("unit__path", "role")
    ]
    context = {
        "account": account,
        "assignments": assignments,
        "may_manage": may_manage,
        "may_change_status": may_manage and not is_self,
        "may_delete": may_manage and not is_self and not services.account_has_history(account),
        "grant_form": GrantForm(actor=request.user) if may_manage and not is_self else None,
        "history": selectors.account_history(user=request.user, account=account),
    }
    return render(request, "accounts/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request, pk):
    account = _manageable_or_403(request, pk)
    form = AccountEditForm(request.POST or None, initial={"display_name": account.display_name, "email": account.email})
    if submit_form(request, form, services.account_update, _("Changes saved."), user=account)[0]:
        return redirect("accounts:detail", pk=account.pk)
    context = {
        "form": form,
        "title": _("Edit account"),
        "account": account,
        "cancel": reverse("accounts:detail", args=[pk]),
    }
    return render(request, "accounts/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def role_grant(request, pk):
    account = _manageable_or_403(request, pk, not_self=True)
    form = GrantForm(request.POST or None, actor=request.user)
    granted = submit_form(request, form, services.role_grant, _("Role granted."), refusal_field="role", user=account)
    if granted[0]:
        return redirect("accounts:detail", pk=account.pk)
    context = {
        "form": form,
        "title": _("Grant a role"),
        "account": account,
        "cancel": reverse("accounts:detail", args=[pk]),
    }
    return render(request, "accounts/form.html", context, status=granted.status)


def _confirm(request, account, *, title, question, button, danger=False, error=None, status=200):
    context = {
        "account": account,
        "title": title,
        "question": question,
        "button": button,
        "danger": danger,
        "error": error,
        "cancel": reverse("accounts:detail", args=[account.pk]),
    }
    return render(request, "accounts/confirm.html", context, status=status)


class AccountAction(ObjectActionView):
    """A confirmed change of one account (the object of the URL's `pk`, in the user's GRANT scope, manageable by
    them, never their own): GET asks `question` (`%(name)s`: the account), POST calls `service`; a refusal of the
    account's state comes back as a message, a refusal of the user is 403."""

    template_name = "accounts/confirm.html"
    redirect_url = "accounts:detail"
    button: str | Promise = ""
    danger = False

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = _account_or_404(self.request, self.kwargs["pk"])
        return self._object

    def check_permission(self, obj):
        _require_manageable(self.request, obj, not_self=True)

    def account(self, obj) -> User:
        return obj

    service: Callable[..., object]  # called as service(user=the account, actor=the user)

    def perform(self, obj, data):
        return type(self).service(user=obj, actor=self.request.user)

    def get_question(self, obj) -> str:
        return str(self.question) % {"name": obj}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context.update(
            account=self.account(obj), question=self.get_question(obj), button=self.button, danger=self.danger
        )
        return context


class RoleRevoke(AccountAction):
    title = gettext_lazy("Revoke role")
    button = gettext_lazy("Revoke")
    danger = True
    success_message = gettext_lazy("Role revoked.")

    def get_object(self):
        if not hasattr(self, "_object"):
            account = _account_or_404(self.request, self.kwargs["pk"])
            assignment = account.role_assignments.select_related("unit").filter(pk=self.kwargs["assignment_pk"]).first()
            if assignment is None:
                raise Http404
            assignment.user = account
            self._object = assignment
        return self._object

    def check_permission(self, obj):
        if not can_revoke(self.request.user, obj):
            raise PermissionDenied(_("You may not revoke this role."))

    def account(self, obj):
        return obj.user

    def redirect_pk(self, obj):
        return obj.user_id

    def perform(self, obj, data):
        services.role_revoke(assignment=obj, actor=self.request.user)

    def get_question(self, obj):
        label = f"{obj.get_role_display()} · {obj.unit.name}"
        question = _("Revoke the role “%(role)s” from %(name)s?") % {"role": label, "name": obj.user}
        if obj.user.role_assignments.count() == 1:
            question += " " + _("It is the account's last role: afterwards only a superuser can manage it.")
        return question


class AccountDeactivate(AccountAction):
    title, button, danger = gettext_lazy("Deactivate account"), gettext_lazy("Deactivate"), True
    question = gettext_lazy("Deactivate %(name)s? The account can no longer log in; its history stays.")
    success_message = gettext_lazy("Account deactivated: it can no longer log in.")
    service = services.account_deactivate


class AccountReactivate(AccountAction):
    title, button = gettext_lazy("Reactivate account"), gettext_lazy("Reactivate")
    question = gettext_lazy("Reactivate %(name)s? The account can log in again.")
    success_message = gettext_lazy("Account reactivated.")
    service = services.account_reactivate


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request, pk):
    account = _manageable_or_403(request, pk)
    if request.method == "POST":
        password = services.password_reset(user=account, actor=request.user)
        messages.success(request, _("Password reset."))
        return _no_store(render(request, "accounts/password_shown.html", {"account": account, "password": password}))
    question = _("Reset the password of %(name)s? A new temporary password is generated and shown once.") % {
        "name": account
    }
    return _confirm(request, account, title=_("Reset password"), question=question, button=_("Reset password"))


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request, pk):
    account = _manageable_or_403(request, pk, not_self=True)
    title = _("Delete account")
    question = _("Delete %(name)s? This cannot be undone.") % {"name": account}
    if services.account_has_history(account):
        error = _("This account has history (logins or records); deactivate it instead of deleting it.")
        return _confirm(request, account, title=title, question=question, button=None, error=error)
    if request.method == "POST":
        try:
            services.account_delete(user=account, actor=request.user)
        except ValidationError as exc:
            return _confirm(request, account, title=title, question=question, button=None, error=" ".join(exc.messages))
        messages.success(request, _("Account “%(name)s” deleted.") % {"name": account.username})
        return redirect("accounts:list")
    return _confirm(request, account, title=title, question=question, button=_("Delete"), danger=True)
