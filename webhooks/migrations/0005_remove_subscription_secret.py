from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0004_encrypt_secrets"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="subscription",
            name="secret",
        ),
    ]
