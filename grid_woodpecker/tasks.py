"""Celery tasks of the grid woodpeckers: thin, taking ids, idempotent. Scheduled in
CELERY_BEAT_SCHEDULE (dangjian/settings.py). They act as the explicit SYSTEM actor (the audit rows say so)."""

import functools
import logging
import time
from datetime import timedelta

from django.utils import timezone

from accounts.permissions import SYSTEM
from dangjian.celery import app

from .models import Clue, ClueStatus, EntryKind, PointsEntry
from .services.points import points_expire_for_account
from .services.supervision import AUTO_CLOSE_DAYS, OPEN_WORK, clue_auto_close, clue_flag_overdue, clue_remind_due

logger = logging.getLogger(__name__)
# A job that takes longer than this is logged as a warning (the beat runs them nightly or hourly).
SLOW_JOB_SECONDS = 60


def _timed(job):
    """Log how long a job took (a warning past SLOW_JOB_SECONDS) and any failure; ids and counts only."""

    @functools.wraps(job)
    def run(*args, **kwargs):
        started = time.monotonic()
        try:
            result = job(*args, **kwargs)
        except Exception:
            logger.exception("job %s failed after %.1f s", job.__name__, time.monotonic() - started)
            raise
        elapsed = time.monotonic() - started
        size = len(result) if isinstance(result, dict | list) else result
        log = logger.warning if elapsed > SLOW_JOB_SECONDS else logger.info
        log("job %s took %.1f s (%s changed)", job.__name__, elapsed, size)
        return result

    return run


@app.task
@_timed
def flag_overdue_clues() -> dict:
    """Give every overdue open clue its yellow or red card, and lift cards that no longer apply."""
    now = timezone.now()
    ids = Clue.objects.filter(status__in=OPEN_WORK, deadline__lt=now).values_list("id", flat=True)
    stale = Clue.objects.exclude(flag="").exclude(status__in=OPEN_WORK).values_list("id", flat=True)
    changed = {}
    for clue_id in list(ids) + list(stale):
        flag = clue_flag_overdue(clue_id=clue_id, actor=SYSTEM, now=now)
        if flag is not None:
            changed[clue_id] = flag
    return changed


@app.task
@_timed
def auto_close_unrated_clues(days: int = AUTO_CLOSE_DAYS) -> list[int]:
    """Close resolved clues nobody rated within `days`."""
    cutoff = timezone.now() - timedelta(days=days)
    ids = Clue.objects.filter(status=ClueStatus.RESOLVED, resolved_at__lte=cutoff).values_list("id", flat=True)
    return [clue_id for clue_id in list(ids) if clue_auto_close(clue_id=clue_id, actor=SYSTEM, days=days)]


@app.task
@_timed
def expire_points() -> int:
    """Expire earned points past their expiry date, account by account."""
    today = timezone.localdate()
    accounts = PointsEntry.objects.filter(kind=EntryKind.EARN, expires_on__lt=today).values_list(
        "account_id", flat=True
    )
    return sum(points_expire_for_account(account_id=pk, actor=SYSTEM, today=today) for pk in set(accounts))


@app.task
@_timed
def remind_due_clues() -> int:
    """Remind the handlers, grid staff and reporters of open clues due within a day (once for a deadline)."""
    return clue_remind_due(actor=SYSTEM)
