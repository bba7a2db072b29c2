"""Re-mask stored ID numbers to their first and last character (cadres.models.mask_id_number).

The earlier mask kept the region prefix and the last four digits (sequence + check digit); next to the birth date
and gender it rebuilt the number. The new mask is derived from the old one (its first and last character), so no
decryption key is needed to migrate.
"""

from django.db import migrations


def remask(apps, schema_editor):
    Person = apps.get_model("cadres", "Person")
    batch = []
    for person in Person.objects.only("pk", "id_number_masked").iterator(chunk_size=2000):
        old = person.id_number_masked
        if len(old) > 2:
            new = old[0] + "*" * (len(old) - 2) + old[-1]
            if new != old:
                person.id_number_masked = new
                batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["id_number_masked"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["id_number_masked"])


class Migration(migrations.Migration):
    dependencies = [("cadres", "0002_members_pipelines_cadres")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
