from celery.signals import task_prerun
from django.apps import AppConfig
from django.core.signals import request_started
from django.utils.translation import gettext_lazy as _

from core import events


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Annual goals")

    def ready(self):
        # Imported here, not at the top: this module is loaded before the models exist, and `ready()` is where
        # Django lets an app import them. Importing `sources` declares every indicator (`@indicator` in each
        # source module).
        from . import form_indicators, sources, tasks  # noqa: F401
        from .indicators import reset_dynamic

        # A changed record anywhere queues the roll-up of its unit and that unit's ancestors (after commit).
        events.subscribe(tasks.on_records_changed)
        # The indicators staff declare in the portal are read once per request and per task (goals/indicators.py).
        request_started.connect(reset_dynamic, dispatch_uid="goals.reset_dynamic")
        task_prerun.connect(reset_dynamic, dispatch_uid="goals.reset_dynamic", weak=False)
