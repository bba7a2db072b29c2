from django.urls import reverse

from accounts.permissions import CHANGE, SYSTEM
from accounts.roles import Role
from core import events
from tests.factories import user_with_role
from tests.scope import Act, ScopeCase
from webhooks import services
from webhooks.models import Delivery, Subscription


def _subscription(county, users, unit):
    account = user_with_role(f"ext_{unit.code}_{Subscription.objects.count()}", Role.EXTERNAL_SYSTEM, unit)
    return services.subscription_create(
        account=account, url="https://example.org/hook", event_types=[events.UNIT_MOVED], actor=SYSTEM
    )[0]


def _delivery(county, users, unit):
    subscription = _subscription(county, users, unit)
    return Delivery.objects.create(subscription=subscription, event_type=events.UNIT_MOVED, payload={})


def _paused(county, users, obj):
    return services.subscription_pause(subscription=obj, actor=SYSTEM)


PAGES = (
    Act("page pause", CHANGE, url=lambda obj: reverse("webhooks:pause", args=[obj.pk])),
    Act("page resume", CHANGE, url=lambda obj: reverse("webhooks:resume", args=[obj.pk]), prepare=_paused),
    Act("page rotate", CHANGE, url=lambda obj: reverse("webhooks:rotate", args=[obj.pk])),
)

CASES = [
    ScopeCase(
        name="webhook_subscription",
        model=Subscription,
        make=_subscription,
        admin=False,
        ui_list=lambda: reverse("webhooks:list"),
        ui_detail=lambda obj: reverse("webhooks:detail", args=[obj.pk]),
        ui_actions=PAGES,
        marker=lambda obj: obj.account.username,  # every case's URL is the same
    ),
    ScopeCase(name="webhook_delivery", model=Delivery, make=_delivery, admin=False),
]
