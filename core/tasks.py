"""Periodic jobs of the core app."""

from celery import shared_task

from . import imports


@shared_task(name="core.purge_import_uploads")
def purge_import_uploads() -> int:
    """Delete uploaded import sheets left unconfirmed longer than IMPORT_UPLOAD_MAX_AGE_HOURS (they hold ID numbers
    and phones). Idempotent."""
    return imports.purge_expired()
