"""Re-encrypt every encrypted field of every model under FIELD_ENCRYPTION_KEY (docs/security.md, key rotation)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import crypto


class Command(BaseCommand):
    help = (
        "Re-encrypt every `*_encrypted` field (and recompute its `*_hash` search hash) under FIELD_ENCRYPTION_KEY, "
        "reading values written under any key of FIELD_ENCRYPTION_OLD_KEYS. One transaction; rows in batches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows read, locked and written at a time")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        crypto.reset()  # derive the keys from the settings as they are now
        fields = crypto.encrypted_fields()
        counts = {}
        try:
            with transaction.atomic():  # all or nothing: a value that cannot be decrypted aborts the whole rotation
                for model, field, hash_field in fields:
                    counts[f"{model._meta.label}.{field}"] = self._rotate(model, field, hash_field, batch_size)
        except ValueError as exc:
            raise CommandError(
                f"{exc}; nothing was changed. Put the key it was written with in FIELD_ENCRYPTION_OLD_KEYS."
            ) from exc
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} values re-encrypted")
        self.stdout.write(self.style.SUCCESS("Done. FIELD_ENCRYPTION_OLD_KEYS can now be emptied."))

    @staticmethod
    def _rotate(model, field: str, hash_field: str | None, batch_size: int) -> int:
        rotated, last_pk = 0, None
        update_fields = [field] + ([hash_field] if hash_field else [])
        qs = model._base_manager.exclude(**{field: ""}).order_by("pk").only("pk", *update_fields)
        while True:
            batch_qs = qs if last_pk is None else qs.filter(pk__gt=last_pk)
            batch = list(batch_qs.select_for_update()[:batch_size])
            if not batch:
                return rotated
            for row in batch:
                token = crypto.rotate(getattr(row, field))
                setattr(row, field, token)
                if hash_field:
                    setattr(row, hash_field, crypto.search_hash(crypto.decrypt(token)))
            model._base_manager.bulk_update(batch, update_fields)
            rotated += len(batch)
            last_pk = batch[-1].pk
