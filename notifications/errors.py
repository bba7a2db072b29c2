"""Error codes of the notifications app: SMS codes (core/errors.py explains the contract; docs/api.md lists every
code)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    SMS_CODE_THROTTLED = (
        "sms_code_throttled",
        _("A code was sent to this number moments ago; wait before asking again."),
    )
    SMS_SEND_FAILED = "sms_send_failed", _("The SMS could not be sent; try again later.")
    PHONE_INVALID = "phone_invalid", _("Enter an 11-digit mobile phone number.")


CONFLICTS: frozenset[str] = frozenset()
STATUS = {ErrorCode.SMS_CODE_THROTTLED: 429, ErrorCode.SMS_SEND_FAILED: 503}
