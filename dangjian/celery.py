"""The Celery application. With no REDIS_URL the settings make every task run eagerly (the embedded default)."""

import os

from celery import Celery
from celery.signals import worker_init

from core.checks import refuse_default_keys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

app = Celery("dangjian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_default_keys(**kwargs):
    """A worker decrypts personal data too: it refuses the built-in keys as the web server does (core/checks.py)."""
    refuse_default_keys()
