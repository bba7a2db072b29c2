"""Jobs of the core app: the sheet import engine's check and write (core.sheets.jobs), and the purge of uploads."""

import logging
import uuid

from celery import shared_task
from celery_progress.backend import ProgressRecorder
from django.conf import settings
from django.db import transaction

from . import imports
from .sheets import jobs

# Ids and counts only: never a file's content or a person's data (core/logs.py).
logger = logging.getLogger(__name__)


@shared_task(name="core.purge_import_uploads")
def purge_import_uploads() -> int:
    """Delete uploaded import sheets left unconfirmed longer than IMPORT_UPLOAD_MAX_AGE_HOURS (they hold ID numbers
    and phones). Idempotent."""
    removed = imports.purge_expired()
    if removed:
        logger.info("purged %d expired import uploads", removed)
    return removed


def _run(task, step, job_id: int) -> int:
    recorder = ProgressRecorder(task)
    try:
        step(job_id, progress=recorder.set_progress)
    except Exception:
        logger.exception("import job %s: %s failed", job_id, step.__name__)
        jobs.fail(job_id)
    return job_id  # the progress endpoint shows only this: the page reloads and reads the job


@shared_task(bind=True, name="core.import_check")
def import_check(self, job_id: int) -> int:
    """The dry run of an uploaded sheet (progress: rows checked)."""
    return _run(self, jobs.parse, job_id)


@shared_task(bind=True, name="core.import_write")
def import_write(self, job_id: int) -> int:
    """The confirmed write of a checked sheet (progress: rows checked again before the write)."""
    return _run(self, jobs.confirm, job_id)


def queue(job, task) -> None:
    """Run `task` for `job` after the current transaction commits; the job keeps the task id for the progress bar.
    Eager (no REDIS_URL, and the tests) it has run when this returns."""
    task_id = str(uuid.uuid4())
    type(job).objects.filter(pk=job.pk).update(task_id=task_id)
    job.task_id = task_id
    # The queue is read at call time (a test, or a deployment, routes the jobs to its own worker).
    queue_name = settings.CELERY_TASK_DEFAULT_QUEUE
    transaction.on_commit(lambda: task.apply_async((job.pk,), task_id=task_id, queue=queue_name))
