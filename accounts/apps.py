from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and jurisdiction")

    def ready(self):
        # Imported here, not at the top: these modules use the models, which exist only once `ready()` runs.
        # The login audit receivers (user_logged_in, user_login_failed) and the audit labels.
        # The OpenAPI schemes of the authentication classes (drf-spectacular finds extensions once imported).
        from . import auth, schema, security  # noqa: F401
