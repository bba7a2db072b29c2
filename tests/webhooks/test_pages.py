"""Staff pages: the list and a subscription in scope, the secret shown once, pause/resume, another township's 404."""

from django.urls import reverse

from accounts.roles import Role
from core import events
from core.models import AuditEntry
from tests.factories import user_with_role
from webhooks import services
from webhooks.models import Delivery, Subscription


def _subscription(county, unit_key="township_a"):
    account = user_with_role(f"ext_{unit_key}", Role.EXTERNAL_SYSTEM, county[unit_key])
    subscription, secret = services.subscription_create(
        account=account, url="https://example.org/hook", event_types=[events.UNIT_MOVED], actor=account
    )
    return account, subscription, secret


def test_org_department_creates_and_sees_the_secret_once(county, users, client_for):
    account, _, _ = _subscription(county)
    Subscription.objects.all().delete()
    client = client_for(users["city_staff"])
    page = client.get(reverse("webhooks:create"))
    assert page.status_code == 200 and account.username in page.content.decode()
    answer = client.post(
        reverse("webhooks:create"),
        {"account": account.pk, "url": "https://example.org/in", "event_types": [events.CLUE_STATE_CHANGED]},
    )
    subscription = Subscription.objects.get()
    assert answer.status_code == 200 and subscription.secret in answer.content.decode()
    assert "只显示这一次" in answer.content.decode()
    detail = client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert subscription.secret not in detail and "https://example.org/in" in detail
    refused = client.post(
        reverse("webhooks:create"),
        {"account": account.pk, "url": "http://example.org/in", "event_types": [events.CLUE_STATE_CHANGED]},
    )
    assert refused.status_code == 200 and "https://" in refused.content.decode() and Subscription.objects.count() == 1


def test_pause_resume_rotate_and_deliveries_log(county, users, client_for):
    _account, subscription, secret = _subscription(county)
    Delivery.objects.create(
        subscription=subscription, event_type=events.UNIT_MOVED, payload={}, response_code=503, attempts=2
    )
    client = client_for(users["city_staff"])
    page = client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert "503" in page and "单位隶属关系已调整" in page
    assert client.post(reverse("webhooks:pause", args=[subscription.pk])).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active
    assert client.post(reverse("webhooks:resume", args=[subscription.pk])).status_code == 302
    subscription.refresh_from_db()
    assert subscription.active
    answer = client.post(reverse("webhooks:rotate", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.secret != secret and subscription.secret in answer.content.decode()
    actions = set(AuditEntry.objects.filter(object_id=str(subscription.pk)).values_list("action", flat=True))
    assert {"webhook.create", "webhook.pause", "webhook.resume", "webhook.rotate"} <= actions


def test_other_township_is_404_and_township_staff_may_not_change(county, users, client_for):
    _account, subscription, _ = _subscription(county, "township_b")
    client = client_for(users["staff_a"])
    for name in ("detail", "pause", "resume", "rotate"):
        assert client.get(reverse(f"webhooks:{name}", args=[subscription.pk])).status_code == 404
    assert client.post(reverse("webhooks:rotate", args=[subscription.pk])).status_code == 404
    assert "example.org" not in client.get(reverse("webhooks:list")).content.decode()
    assert client.get(reverse("webhooks:create")).status_code == 403
