"""Periodic jobs of the core app."""

import logging

from celery import shared_task

from . import imports

# Counts only: never a file's content or a person's data (core/logs.py).
logger = logging.getLogger(__name__)


@shared_task(name="core.purge_import_uploads")
def purge_import_uploads() -> int:
    """Delete uploaded import sheets left unconfirmed longer than IMPORT_UPLOAD_MAX_AGE_HOURS (they hold ID numbers
    and phones). Idempotent."""
    removed = imports.purge_expired()
    if removed:
        logger.info("purged %d expired import uploads", removed)
    return removed
