"""Error codes of webhook subscriptions (core/errors.py explains the contract; docs/api.md lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    BAD_URL = "webhook_bad_url", _("The endpoint must be an https:// address.")
    NOT_SERVICE_ACCOUNT = "webhook_not_service_account", _("Only an external system's account can subscribe.")
    NO_EVENT_TYPES = "webhook_no_event_types", _("Choose at least one event type.")


CONFLICTS: frozenset = frozenset()
