"""Error codes of the system clients (core/errors.py explains the contract; docs/api.md lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    CLIENT_REVOKED = "client_revoked", _("The system client has been revoked.")
    UNKNOWN_SCOPE = "unknown_scope", _("The scope is not one of the API's scopes.")
    INVALID_TOKEN = "invalid_token", _("The access token is unknown, expired or revoked.")


CONFLICTS = frozenset({ErrorCode.CLIENT_REVOKED})
STATUS = {ErrorCode.INVALID_TOKEN: 401}
