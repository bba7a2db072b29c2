"""A stable, non-sensitive person code (issue 12: exports carry it, a re-imported row finds its person by it).

Added nullable, filled for every existing person, then made unique and required (three steps, so that PostgreSQL
never sees the unique index before every row has its own code)."""

from django.db import migrations, models

import cadres.models.people


def fill_codes(apps, schema_editor):
    Person = apps.get_model("cadres", "Person")
    used = set()
    batch = []
    for person in Person.objects.filter(code__isnull=True).only("pk").iterator(chunk_size=2000):
        code = cadres.models.people.new_person_code()
        while code in used:
            code = cadres.models.people.new_person_code()
        used.add(code)
        person.code = code
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["code"])
            batch = []
    Person.objects.bulk_update(batch, ["code"])


class Migration(migrations.Migration):
    dependencies = [("cadres", "0004_unit_path_cache")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="code",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="person code"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]
