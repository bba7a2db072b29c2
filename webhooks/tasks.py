"""The webhook deliveries' Celery task and the listener that creates them after an event commits."""

import logging

from celery import shared_task

from core import events

from . import services

logger = logging.getLogger(__name__)
DELIVER_TASK = "webhooks.deliver"


@shared_task(name=DELIVER_TASK, bind=True, max_retries=None)
def deliver(self, delivery_id: int) -> None:
    delay = services.attempt(delivery_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@events.listen(*events.EVENT_KINDS)
def on_event(*, kind: str, unit_id: int, data: dict) -> None:
    """Runs after the event's commit (core.events logs a failure here; the write stands)."""
    for delivery_id in services.deliveries_for(kind=kind, unit_id=unit_id, data=data):
        try:
            deliver.delay(delivery_id)
        except Exception:  # the broker is down: the delivery stays pending, visible in the log
            logger.exception("webhook delivery %s not queued", delivery_id)
