"""Delivery of notifications on the extra channels: one task per delivery, retried with exponential backoff."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name=services.DELIVER_TASK,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def deliver(delivery_id: int) -> str:
    return services.deliver(delivery_id)
