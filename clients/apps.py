from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("System clients")

    def ready(self):
        # The OpenAPI scheme of the bearer token and the audit labels of the services.
        from . import schema, services  # noqa: F401
