"""Celery tasks of the cadres app: thin, idempotent, acting as the SYSTEM actor. Scheduled in CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from accounts.permissions import SYSTEM

from .services.reminders import remind_probations as remind


@shared_task(name="cadres.tasks.remind_probations")
def remind_probations() -> int:
    """Remind branch secretaries of the probations that end this month (once a month)."""
    return remind(actor=SYSTEM)
