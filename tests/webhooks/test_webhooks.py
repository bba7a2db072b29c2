"""Webhooks against a real local HTTP receiver (a thread on 127.0.0.1): signed deliveries, retries, pausing,
the subscriber's subtree, and a write that stands when its webhook side effect fails."""

import hashlib
import hmac
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.permissions import SYSTEM
from accounts.roles import Role
from core import events
from core.models import AuditEntry
from notifications.models import Event as NotificationEvent
from notifications.models import Notification
from organizations import services as org_services
from tests.factories import user_with_role
from webhooks import services, tasks
from webhooks.models import Delivery, DeliveryStatus, Subscription


def _subscribe(account, url, kinds=(events.UNIT_MOVED,)):
    return services.subscription_create(account=account, url=url, event_types=list(kinds), actor=account)


def _move(county, users, capture):
    with capture(execute=True):
        org_services.unit_move(unit=county["village_a1"], new_parent=county["township_b"], actor=users["city_staff"])


def test_delivery_is_signed_and_receiver_can_verify(county, users, receiver, eager, django_capture_on_commit_callbacks):
    subscription, secret = _subscribe(users["external"], receiver.url)
    _move(county, users, django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1
    got = receiver.received[0]
    headers, body = got["headers"], got["body"]
    expected = hmac.new(secret.encode(), headers["X-Dangjian-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Dangjian-Signature"] == "sha256=" + expected.hexdigest()
    assert headers["X-Dangjian-Event"] == events.UNIT_MOVED
    payload = json.loads(body)
    assert payload["unit"] == county["village_a1"].code and payload["data"]["parent"] == county["township_b"].code
    delivery = Delivery.objects.get(subscription=subscription)
    assert headers["X-Dangjian-Delivery"] == str(delivery.pk)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.DELIVERED, 1, 200)
    # a wrong secret does not verify
    wrong = hmac.new(b"x", headers["X-Dangjian-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Dangjian-Signature"] != "sha256=" + wrong.hexdigest()


def test_retried_after_a_failure(county, users, receiver, eager, django_capture_on_commit_callbacks):
    subscription, _secret = _subscribe(users["external"], receiver.url)
    receiver.codes = [500]
    _move(county, users, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(subscription=subscription)
    assert len(receiver.received) == 2
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.DELIVERED, 2, 200)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_attempt_logs_response_and_backs_off(users, receiver, county):
    """The attempt function alone (no Celery): a 500 is logged with a truncated body and a later next attempt."""
    subscription, _secret = _subscribe(users["external"], receiver.url)
    [delivery_id] = services.deliveries_for(kind=events.UNIT_MOVED, unit_id=county["village_a1"].pk, data={})
    receiver.codes = [500, 502]
    assert services.attempt(delivery_id) == 60
    assert services.attempt(delivery_id) == 300
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.response_code == 502 and len(delivery.response_body) == services.BODY_KEPT
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at > delivery.last_attempt_at
    assert services.attempt(delivery_id) is None  # the receiver answers 200 now
    assert Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.DELIVERED


def test_paused_after_the_limit_and_resumed_by_staff(users, receiver, county, settings):
    settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_PAUSE_AFTER = 2, 2
    subscription, _secret = _subscribe(users["external"], receiver.url)
    receiver.codes = [500] * 10
    for _ in range(2):
        [delivery_id] = services.deliveries_for(kind=events.UNIT_MOVED, unit_id=county["village_a1"].pk, data={})
        while services.attempt(delivery_id) is not None:
            pass
        assert Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.FAILED
    subscription.refresh_from_db()
    assert not subscription.active and subscription.paused_at and subscription.consecutive_failures == 2
    assert services.deliveries_for(kind=events.UNIT_MOVED, unit_id=county["village_a1"].pk, data={}) == []
    with pytest.raises(PermissionDenied):  # the service account cannot resume itself
        services.subscription_resume(subscription=subscription, actor=users["external"])
    services.subscription_resume(subscription=subscription, actor=users["city_staff"])
    subscription.refresh_from_db()
    assert subscription.active and subscription.consecutive_failures == 0
    assert AuditEntry.objects.filter(action="webhook.resume", object_id=str(subscription.pk)).exists()
    assert AuditEntry.objects.filter(action="webhook.pause", object_id=str(subscription.pk)).exists()


def test_subscriber_hears_only_its_subtree(county, users, receiver):
    external_a = user_with_role("external_a", Role.EXTERNAL_SYSTEM, county["township_a"])
    mine, _ = _subscribe(external_a, receiver.url, kinds=(events.REPORT_APPROVED,))
    city, _ = _subscribe(users["external"], receiver.url, kinds=(events.REPORT_APPROVED,))
    ids = services.deliveries_for(kind=events.REPORT_APPROVED, unit_id=county["village_b1"].pk, data={"report": 1})
    assert set(Delivery.objects.filter(pk__in=ids).values_list("subscription", flat=True)) == {city.pk}
    ids = services.deliveries_for(kind=events.REPORT_APPROVED, unit_id=county["village_a1"].pk, data={"report": 1})
    assert set(Delivery.objects.filter(pk__in=ids).values_list("subscription", flat=True)) == {mine.pk, city.pk}
    ids = services.deliveries_for(kind=events.UNIT_MOVED, unit_id=county["village_a1"].pk, data={})
    assert ids == []  # not subscribed to that kind


def test_write_stands_when_the_webhook_side_effect_fails(county, users, receiver, django_capture_on_commit_callbacks):
    _subscribe(users["external"], receiver.url)
    broken = events.listen(events.UNIT_MOVED)(lambda **kwargs: 1 / 0)
    try:
        _move(county, users, django_capture_on_commit_callbacks)
    finally:
        events._listeners[events.UNIT_MOVED].remove(broken)
    county["village_a1"].refresh_from_db()
    assert county["village_a1"].parent_id == county["township_b"].pk
    assert Delivery.objects.count() == 1  # the webhooks' own listener ran too


def test_endpoint_must_be_https(users, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    for url in ("http://127.0.0.1:9/hook", "ftp://example.org/x", "file:///etc/passwd", "https://u:p@example.org/"):
        with pytest.raises(ValidationError):
            _subscribe(users["external"], url)
    subscription, secret = _subscribe(users["external"], "https://example.org/hook")
    assert len(secret) == 64 and subscription.unit == users["external"].role_assignments.get().unit


def test_internal_addresses_are_not_called(users, county, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    subscription = Subscription.objects.create(
        account=users["external"], unit=county["city"], url="https://127.0.0.1/hook", event_types=[events.UNIT_MOVED]
    )
    [delivery_id] = services.deliveries_for(kind=events.UNIT_MOVED, unit_id=county["village_a1"].pk, data={})
    services.attempt(delivery_id)
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.response_code is None and delivery.response_body == "refused: internal address"
    assert subscription.pk


def test_a_name_rebound_to_an_internal_address_after_the_check_is_not_called(users, county, settings, monkeypatch):
    """DNS rebinding: the endpoint's name resolves to a public address when checked, then to an internal one when the
    connection is opened. The delivery client resolves, checks and connects to one address (requests-hardened), so
    the second answer is refused and nothing is sent to it."""
    import socket

    settings.WEBHOOK_ALLOW_LOOPBACK = False
    Subscription.objects.create(
        account=users["external"],
        unit=county["city"],
        url="https://hook.example.org/x",
        event_types=[events.UNIT_MOVED],
    )
    answers = iter(["93.184.216.34", "10.0.0.7"])  # the first lookup is the check's, the next the connection's
    asked = []

    def rebinding(host, port, *args, **kwargs):
        asked.append(host)
        address = next(answers, "10.0.0.7")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    connected = []
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connected.append(address))
    [delivery_id] = services.deliveries_for(kind=events.UNIT_MOVED, unit_id=county["village_a1"].pk, data={})
    services.attempt(delivery_id)
    delivery = Delivery.objects.get(pk=delivery_id)
    assert asked == ["hook.example.org", "hook.example.org"]
    assert delivery.response_code is None and delivery.response_body == "InvalidIPAddress"
    assert connected == []


def test_only_service_accounts_subscribe_and_staff_manage_in_scope(users, county):
    with pytest.raises(ValidationError):
        services.subscription_create(
            account=users["staff_a"], url="https://example.org/", event_types=[events.UNIT_MOVED], actor=SYSTEM
        )
    subscription, _ = _subscribe(users["external"], "https://example.org/hook")
    with pytest.raises(PermissionDenied):
        services.subscription_pause(subscription=subscription, actor=users["staff_a"])
    services.subscription_pause(subscription=subscription, actor=users["city_staff"])
    _, new_secret = services.subscription_rotate_secret(subscription=subscription, actor=users["city_staff"])
    subscription.refresh_from_db()
    assert subscription.secret == new_secret and not subscription.active


assert tasks.DELIVER_TASK == "webhooks.deliver"


def _fail_twice(county, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_PAUSE_AFTER = 1, 2
    receiver.codes = [500] * 10
    for _ in range(2):
        [delivery_id] = services.deliveries_for(kind=events.UNIT_MOVED, unit_id=county["village_a1"].pk, data={})
        services.attempt(delivery_id)


def test_pause_is_announced_once_to_the_staff_who_may_resume_it(
    county, users, receiver, settings, django_capture_on_commit_callbacks
):
    external_a = user_with_role("external_a", Role.EXTERNAL_SYSTEM, county["township_a"])
    subscription, _secret = _subscribe(external_a, receiver.url)
    other_city = user_with_role("city_staff_2", Role.ORG_DEPARTMENT, county["city"], staff=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _fail_twice(county, receiver, settings)
    assert len(callbacks) == 1  # only the attempt that paused it announces it
    subscription.refresh_from_db()
    assert not subscription.active
    told = Notification.objects.filter(event=NotificationEvent.WEBHOOK_PAUSED)
    # The organization department above township A may resume it; township staff and the system itself may not.
    assert {n.recipient for n in told} == {users["city_staff"], other_city}
    assert all(services.can(n.recipient, services.CHANGE, subscription) for n in told)
    assert all(str(subscription.pk) in n.url and receiver.url[:40] in n.title for n in told)
    # Not again while it stays paused (no delivery is attempted), nor by a manual pause after a resume.
    services.subscription_resume(subscription=subscription, actor=users["city_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_pause(subscription=subscription, actor=users["city_staff"])
    assert told.count() == 2


def test_a_failing_announcement_never_fails_the_delivery_task(
    county, users, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    _subscribe(users["external"], receiver.url)

    def broken(**kwargs):
        raise RuntimeError("notifications down")

    monkeypatch.setattr(services, "notify", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _fail_twice(county, receiver, settings)
    assert not Subscription.objects.get().active and not Notification.objects.exists()
    assert services.announce_pause(Subscription.objects.get().pk) == 0
