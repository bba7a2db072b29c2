from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_subscription_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="secret_encrypted",
            field=models.TextField(blank=True, editable=False),
        ),
    ]
