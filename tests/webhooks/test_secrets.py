"""Webhook secrets are encrypted at rest (core/crypto.py) and still sign: the raw column holds no clear secret."""

import hashlib
import hmac

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_clear_secrets_and_going_back_decrypts_them(county, users):
    before, latest = ("webhooks", "0002_subscription_updated_at"), ("webhooks", "0005_remove_subscription_secret")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps.get_model("webhooks", "Subscription")
        row = old.objects.create(
            account_id=users["external"].pk,
            unit_id=county["city"].pk,
            url="https://example.org/hook",
            event_types=[events.UNIT_MOVED],
            secret="a" * 64,
        )
        executor = MigrationExecutor(connection)
        executor.migrate([latest])
        stored = _raw_secret_column(row.pk)
        assert "a" * 64 not in stored and crypto.decrypt(stored) == "a" * 64
        assert Subscription.objects.get(pk=row.pk).secret == "a" * 64
        executor = MigrationExecutor(connection)
        executor.migrate([("webhooks", "0003_subscription_secret_encrypted")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM webhooks_subscription WHERE id = %s", [row.pk])
            assert cursor.fetchone()[0] == "a" * 64
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
