"""The system clients' pages: list, register, change, detail, rotate the secret, revoke. A secret is shown once,
on the page answering the POST that made it (never cached, never stored readable)."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, can
from accounts.scoping import VIEW, restrict
from core.models import AuditEntry
from core.views import add_service_errors, run_service
from core.views.generic import Column, ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView

from . import services
from .forms import SystemClientEditForm, SystemClientForm
from .models import SystemClient

LIST = ("clients:list", _("System clients"))


def _status(client):
    return _("Revoked") if client.is_revoked else _("In use")


class ClientList(ObjectListView):
    title = _("System clients")
    queryset = SystemClient.objects.select_related("unit")
    columns = (
        Column(_("name"), "name", sort="name"),
        Column(_("organization unit"), "unit.name"),
        Column(_("status"), _status),
        Column(_("last used at"), "last_used_at", sort="last_used_at"),
    )
    detail_url = "clients:detail"
    write_actions = (("clients:create", _("Register a system client")),)


def _shown_once(request, client, secret, *, created):
    response = render(request, "clients/secret_shown.html", {"client": client, "secret": secret, "created": created})
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True)
    return response


class ClientCreate(ObjectFormView):
    title = _("Register a system client")
    form_class = SystemClientForm
    create_model = SystemClient
    list_url = "clients:list"
    breadcrumb = LIST

    def post(self, request, *args, **kwargs):
        self.check_permission(None)
        form = self.get_form(None)
        if form.is_valid():
            try:
                client, secret = services.client_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _shown_once(request, client, secret, created=True)
        return self.render_form(None, form)


class ClientEdit(ObjectFormView):
    """Name, contact, scopes and rate limit of a registered client (narrower scopes end its tokens: the service)."""

    title = _("Change the system client")
    form_class = SystemClientEditForm
    queryset = SystemClient.objects.select_related("unit", "application")
    service = staticmethod(services.client_update)
    edit_object_arg = "client"
    success_message = _("The system client has been changed.")
    success_url = "clients:detail"
    cancel_url = "clients:detail"
    breadcrumb = LIST


class ClientDetail(ObjectDetailView):
    template_name = "clients/detail.html"
    queryset = SystemClient.objects.select_related("unit", "application", "account")
    context_object_name = "client"
    breadcrumb = LIST

    def get_title(self):
        return str(self.get_object())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        client = context["client"]
        rows = AuditEntry.objects.filter(object_type=SystemClient._meta.label_lower, object_id=str(client.pk))
        context.update(
            may_change=can(self.request.user, CHANGE, client) and not client.is_revoked,
            history=restrict(rows, self.request.user, VIEW).select_related("actor")[:100],
        )
        return context


class ClientRotate(ObjectActionView):
    title = _("Rotate the secret")
    queryset = SystemClient.objects.select_related("unit", "application")
    question = _("Issue a new secret? The current secret and every token issued under it stop working at once.")
    redirect_url = "clients:detail"

    def post(self, request, *args, **kwargs):
        client = self.get_object()
        self.check_permission(client)
        call = lambda: services.client_rotate(client=client, actor=request.user)  # noqa: E731
        result = run_service(request, call, _("A new secret has been issued."))
        if result is not None:
            rotated, secret = result
            return _shown_once(request, rotated, secret, created=False)
        return self.get_redirect(client)


class ClientRevoke(ObjectActionView):
    title = _("Revoke the system client")
    queryset = SystemClient.objects.select_related("unit")
    question = _("Revoke this client? Its tokens stop working at once and it can obtain no new one. This is final.")
    success_message = _("The system client has been revoked.")
    redirect_url = "clients:detail"

    def perform(self, obj, data):
        return services.client_revoke(client=obj, actor=self.request.user)
