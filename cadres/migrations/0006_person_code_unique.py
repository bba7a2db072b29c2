from django.db import migrations, models

import cadres.models.people


class Migration(migrations.Migration):
    dependencies = [("cadres", "0005_person_code")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="code",
            field=models.CharField(
                default=cadres.models.people.new_person_code,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="person code",
            ),
        ),
    ]
