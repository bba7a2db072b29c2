from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The delivery task registered in every process (the web process queues it by name: notifications/services.py).
        from . import tasks  # noqa: F401
