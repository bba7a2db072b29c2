"""Celery tasks of periodic reports: thin, idempotent, acting as the SYSTEM actor. Scheduled in
CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from accounts.permissions import SYSTEM

from .services.reminders import remind_reports as remind


@shared_task(name="reporting.tasks.remind_reports")
def remind_reports() -> int:
    """Remind the secretaries of units that have not submitted a report due soon, overdue, or about to close
    (daily; each reminder at most once per unit, period and kind)."""
    return remind(actor=SYSTEM)
