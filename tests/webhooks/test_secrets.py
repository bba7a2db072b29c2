"""Webhook secrets are encrypted at rest (core/crypto.py) and still sign: the raw column holds no clear secret."""

import hashlib
import hmac

from django.db import connection

from core import crypto, events
from webhooks import services
from webhooks.models import Subscription


def _raw_secret_column(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM webhooks_subscription WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_secret_is_encrypted_at_rest_and_rotation_too(users):
    subscription, secret = services.subscription_create(
        account=users["external"],
        url="https://example.org/hook",
        event_types=[events.UNIT_MOVED],
        actor=users["external"],
    )
    stored = _raw_secret_column(subscription.pk)
    assert secret not in stored and crypto.decrypt(stored) == secret
    assert {f.name for f in Subscription._meta.concrete_fields} & {"secret"} == set()
    assert Subscription.objects.get().secret == secret
    _subscription, rotated = services.subscription_rotate_secret(subscription=subscription, actor=users["city_staff"])
    stored = _raw_secret_column(subscription.pk)
    assert rotated != secret and rotated not in stored and Subscription.objects.get().secret == rotated
    assert (Subscription, "secret_encrypted", None) in crypto.encrypted_fields()  # rotate_field_key re-encrypts it


def test_delivery_signature_verifies_with_the_secret_given_once(county, users, receiver):
    _subscription, secret = services.subscription_create(
        account=users["external"], url=receiver.url, event_types=[events.UNIT_MOVED], actor=users["external"]
    )
    [delivery_id] = services.deliveries_for(kind=events.UNIT_MOVED, unit_id=county["village_a1"].pk, data={})
    assert services.attempt(delivery_id) is None
    headers, body = receiver.received[0]["headers"], receiver.received[0]["body"]
    expected = hmac.new(secret.encode(), headers["X-Dangjian-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Dangjian-Signature"] == "sha256=" + expected.hexdigest()
