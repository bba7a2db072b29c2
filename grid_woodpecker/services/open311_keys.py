"""Open311 API keys of external systems (the 12345 hotline): issued once, stored as a hash."""

import hashlib
import logging
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import (
    CHANGE,
    require_at,
)
from accounts.roles import Role
from core import audit
from core.errors import Invalid

from ..errors import ErrorCode
from ..models import (
    Open311Key,
)

logger = logging.getLogger(__name__)


def open311_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def open311_key_create(*, name: str, user, unit, actor) -> tuple[Open311Key, str]:
    """Issue an Open311 API key for an external system's service user, limited to a unit; returns the raw key once."""
    require_at(actor, CHANGE, Open311Key, unit, _("You may not issue keys for this unit."))
    if not user.has_role(Role.EXTERNAL_SYSTEM):
        raise Invalid(
            _("The key must belong to an external system's service user."),
            code=ErrorCode.SERVICE_USER_REQUIRED,
            field="user",
        )
    raw = secrets.token_urlsafe(24)
    key = Open311Key.objects.create(name=name, user=user, unit=unit, key_hash=open311_hash(raw), key_prefix=raw[:6])
    audit.record(actor=actor, action="open311_key.create", obj=key, unit=unit)
    return key, raw


def open311_key_lookup(raw: str) -> Open311Key | None:
    if not raw:
        return None
    key = Open311Key.objects.select_related("user", "unit").filter(key_hash=open311_hash(raw), is_active=True).first()
    if key is None:  # never the key itself, nor part of it, in the log
        logger.warning("Open311 request with an unknown or inactive api_key")
    return key
