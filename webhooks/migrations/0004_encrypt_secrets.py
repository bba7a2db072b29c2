"""Encrypt the webhook secrets kept in clear until now (core/crypto.py, under FIELD_ENCRYPTION_KEY).

Reversible: going back decrypts them into the clear column again (with the key configured then)."""

from django.db import migrations

from core import crypto


def encrypt(apps, schema_editor):
    Subscription = apps.get_model("webhooks", "Subscription")
    rows = list(Subscription.objects.exclude(secret="").only("pk", "secret"))
    for row in rows:
        row.secret_encrypted = crypto.encrypt(row.secret)
    Subscription.objects.bulk_update(rows, ["secret_encrypted"], batch_size=500)


def decrypt(apps, schema_editor):
    Subscription = apps.get_model("webhooks", "Subscription")
    rows = list(Subscription.objects.exclude(secret_encrypted="").only("pk", "secret_encrypted"))
    for row in rows:
        row.secret = crypto.decrypt(row.secret_encrypted)
    Subscription.objects.bulk_update(rows, ["secret"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0003_subscription_secret_encrypted"),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt),
    ]
