"""Staff pages of webhook subscriptions (/webhooks/): the list in the user's jurisdiction, a subscription with its
deliveries' log, a new subscription and a new secret (each shown once, on the answer page itself, never stored in a
message), pause and resume. Who may is the model's declaration (organization-department staff)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, can, holds_action
from core.views import Column, add_service_errors
from core.views.generic import NOT_CREATE, ObjectActionView, ObjectDetailView, ObjectListView, PortalView

from . import services
from .forms import SubscriptionForm
from .models import EventType, Subscription

SUBSCRIPTIONS = Subscription.objects.select_related("account", "unit")
SECRET_NOTICE = _("Copy the secret now: it is shown only this once. The receiver verifies each delivery with it.")
BREADCRUMB = ("webhooks:list", _("Webhook subscriptions"))


def _state(subscription) -> str:
    return str(_("Sending") if subscription.active else _("Paused"))


def _kinds(subscription) -> str:
    labels = dict(EventType.choices)
    return "、".join(str(labels.get(kind, kind)) for kind in subscription.event_types)


class SubscriptionList(ObjectListView):
    title = _("Webhook subscriptions")
    queryset = SUBSCRIPTIONS.order_by("unit__path", "pk")
    detail_url = "webhooks:detail"
    columns = (
        Column(_("service account"), "account.username"),
        Column(_("endpoint URL"), "url"),
        Column(_("event types"), _kinds),
        Column(_("status"), _state, sort="active"),
        Column(_("consecutive failures"), "consecutive_failures"),
    )
    write_actions = (("webhooks:create", _("New subscription")),)


class SubscriptionDetail(ObjectDetailView):
    title = _("Webhook subscription")
    template_name = "webhooks/subscription_detail.html"
    queryset = SUBSCRIPTIONS
    breadcrumb = BREADCRUMB
    fields = (
        Column(_("service account"), "account.username"),
        Column(_("organization unit"), "unit.name"),
        Column(_("endpoint URL"), "url"),
        Column(_("event types"), _kinds),
        Column(_("status"), _state),
        Column(_("consecutive failures"), "consecutive_failures"),
        Column(_("paused at"), "paused_at"),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        context["may_change"] = can(self.request.user, CHANGE, obj)
        context["deliveries"] = obj.deliveries.order_by("-pk")[:50]
        context["labels"] = {
            "deliveries": _("Deliveries (latest 50)"),
            "event": _("event type"),
            "status": _("status"),
            "attempts": _("attempts"),
            "code": _("response code"),
            "body": _("response body"),
            "last": _("last attempt"),
            "none": _("No deliveries yet."),
            "pause": _("Pause"),
            "resume": _("Resume"),
            "rotate": _("Rotate secret"),
        }
        return context


def _secret_page(request, subscription, secret):
    context = {"title": _("Webhook secret"), "object": subscription, "secret": secret, "notice": SECRET_NOTICE}
    context["back"] = _("Back to the subscription")
    return TemplateResponse(request, "webhooks/secret.html", context)


class SubscriptionCreate(PortalView):
    title = _("New subscription")
    template_name = "core/object_form.html"
    breadcrumb = BREADCRUMB

    def dispatch(self, request, *args, **kwargs):
        # Nobody who may keep subscriptions nowhere gets an empty form: 403, as the list hides its button.
        if request.user.is_authenticated and not holds_action(request.user, Subscription, CHANGE):
            raise PermissionDenied(str(NOT_CREATE))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SubscriptionForm(user=self.request.user))
        context["cancel"] = redirect("webhooks:list").url
        return context

    def post(self, request, *args, **kwargs):
        form = SubscriptionForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                subscription, secret = services.subscription_create(
                    account=data["account"], url=data["url"], event_types=data["event_types"], actor=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _secret_page(request, subscription, secret)
        return self.render_to_response(self.get_context_data(form=form))


class SubscriptionPause(ObjectActionView):
    title = _("Pause the subscription")
    queryset = SUBSCRIPTIONS
    question = _("Pause this subscription? No events are sent to it until it is resumed.")
    success_message = _("Subscription paused.")
    redirect_url = "webhooks:detail"

    def perform(self, obj, data):
        return services.subscription_pause(subscription=obj, actor=self.request.user)


class SubscriptionResume(SubscriptionPause):
    title = _("Resume the subscription")
    question = _("Resume this subscription? Events from now on are sent again; failed deliveries are not resent.")
    success_message = _("Subscription resumed.")

    def perform(self, obj, data):
        return services.subscription_resume(subscription=obj, actor=self.request.user)


class SubscriptionRotate(SubscriptionPause):
    title = _("Rotate secret")
    question = _("Make a new secret? The old one stops working at once; the receiver must use the new one.")

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        subscription, secret = services.subscription_rotate_secret(subscription=obj, actor=request.user)
        return _secret_page(request, subscription, secret)
