from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Annual goals")

    def ready(self):
        from core import events

        from . import services

        # A changed record anywhere queues the roll-up of its unit and that unit's ancestors (after commit).
        events.subscribe(services.on_records_changed)
