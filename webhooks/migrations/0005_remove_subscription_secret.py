from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0004_encrypt_secrets"),
    ]

    operations = [
        # A default first, so that going back can add the clear column again to existing rows (0004 then fills it).
        migrations.AlterField(
            model_name="subscription",
            name="secret",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="secret"),
        ),
        migrations.RemoveField(
            model_name="subscription",
            name="secret",
        ),
    ]
