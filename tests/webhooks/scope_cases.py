from accounts.permissions import SYSTEM
from accounts.roles import Role
from core import events
from tests.factories import user_with_role
from tests.scope import ScopeCase
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


CASES = [
    ScopeCase(name="webhook_subscription", model=Subscription, make=_subscription, admin=False),
    ScopeCase(name="webhook_delivery", model=Delivery, make=_delivery, admin=False),
]
