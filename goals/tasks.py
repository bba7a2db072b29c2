"""Celery tasks of the goals roll-ups: thin wrappers taking ids. Idempotent and safe to retry (they recompute from
records and upsert); a unit deleted since the task was queued is skipped.

`on_records_changed` is the `core.events` subscriber that queues them (subscribed in `goals.apps`): it lives here,
beside the tasks it queues, so that `services` never imports `tasks` (the tasks call the services).
"""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services

# Ids, years and sources only: never a person's data (core/logs.py).
logger = logging.getLogger(__name__)

# Above this many distinct chains in one change, one full recompute of the tree is cheaper than the chains.
CHAIN_LIMIT = 20


@shared_task(name="goals.recompute_chain", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recompute_chain(unit_id: int, year: int, source: str | None = None) -> int:
    """Recompute one unit and its ancestors for a year (the indicators of `source` only, when given)."""
    return services.rollup_chain(unit_id=unit_id, year=year, source=source)


@shared_task(name="goals.recompute_year", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recompute_year(
    year: int | None = None, root_id: int | None = None, source: str | None = None, check: bool | None = None
) -> int:
    """Full recompute of a year (the current one by default) for every tree or one root (of `source` when given).
    A recompute of every source (the nightly one) is a check: figures it finds different from the stored ones are
    logged as a warning."""
    check = source is None if check is None else check
    return services.rollup_year(year=year or timezone.localdate().year, root_id=root_id, source=source, check=check)


def enqueue_chain(unit_id: int, year: int, source: str | None = None) -> None:
    # The queue is read at call time, so a test (or a deployment) can route roll-ups to its own worker.
    recompute_chain.apply_async((unit_id, year, source), queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def enqueue_year(year: int, source: str | None = None) -> None:
    recompute_year.apply_async((year, None, source), queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def indicators_source(source: str, year: int | None) -> str | None:
    """The source whose indicators a change recomputes. A change of the tree itself (a unit moved, announced by
    `organizations` without a year) carries every source's figures from the old chain to the new one: all of them
    are recomputed on both chains (None)."""
    return None if source == "organizations" and year is None else source


def on_records_changed(*, source: str, unit_ids, year: int | None) -> None:
    """core.events subscriber (called after commit, once per transaction and source): queue the chain recompute of
    every changed unit for the indicators of `source`, deduplicated by chain; a change touching many chains queues
    one full recompute of that source instead."""
    source = indicators_source(source, year)
    bottoms = sorted(set(services.chain_bottoms(unit_ids).values()))
    if not bottoms:
        return
    years = services.years_in_range([year] if year else services.years_to_refresh(bottoms))
    for each_year in years:
        if len(bottoms) > CHAIN_LIMIT:
            logger.info("%d chains changed (source %s, year %s): one full recompute", len(bottoms), source, each_year)
            enqueue_year(each_year, source=source)
            continue
        for unit_id in bottoms:
            enqueue_chain(unit_id, each_year, source=source)
