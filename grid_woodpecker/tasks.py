"""Celery tasks of the grid woodpeckers: thin, taking ids, idempotent. Scheduled in
CELERY_BEAT_SCHEDULE (dangjian/settings.py). They act as the explicit SYSTEM actor (the audit rows say so)."""

from datetime import timedelta

from django.utils import timezone

from accounts.permissions import SYSTEM
from dangjian.celery import app

from .models import Clue, ClueStatus, EntryKind, PointsEntry
from .services.points import points_expire_for_account
from .services.supervision import AUTO_CLOSE_DAYS, OPEN_WORK, clue_auto_close, clue_flag_overdue


@app.task
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
def auto_close_unrated_clues(days: int = AUTO_CLOSE_DAYS) -> list[int]:
    """Close resolved clues nobody rated within `days`."""
    cutoff = timezone.now() - timedelta(days=days)
    ids = Clue.objects.filter(status=ClueStatus.RESOLVED, resolved_at__lte=cutoff).values_list("id", flat=True)
    return [clue_id for clue_id in list(ids) if clue_auto_close(clue_id=clue_id, actor=SYSTEM, days=days)]


@app.task
def expire_points() -> int:
    """Expire earned points past their expiry date, account by account."""
    today = timezone.localdate()
    accounts = PointsEntry.objects.filter(kind=EntryKind.EARN, expires_on__lt=today).values_list(
        "account_id", flat=True
    )
    return sum(points_expire_for_account(account_id=pk, actor=SYSTEM, today=today) for pk in set(accounts))
