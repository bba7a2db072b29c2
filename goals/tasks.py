"""Celery tasks of the goals roll-ups: thin wrappers taking ids. Idempotent and safe to retry (they recompute from
records and upsert); a unit deleted since the task was queued is skipped."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(name="goals.recompute_chain", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recompute_chain(unit_id: int, year: int) -> int:
    """Recompute one unit and its ancestors for a year."""
    return services.rollup_chain(unit_id=unit_id, year=year)


@shared_task(name="goals.recompute_year", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recompute_year(year: int | None = None, root_id: int | None = None) -> int:
    """Full recompute of a year (the current one by default) for every tree or one root."""
    return services.rollup_year(year=year or timezone.localdate().year, root_id=root_id)


def enqueue_chain(unit_id: int, year: int) -> None:
    # The queue is read at call time, so a test (or a deployment) can route roll-ups to its own worker.
    recompute_chain.apply_async((unit_id, year), queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def enqueue_year(year: int) -> None:
    recompute_year.apply_async((year,), queue=settings.CELERY_TASK_DEFAULT_QUEUE)
