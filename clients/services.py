"""Every write on system clients: keyword-only, one transaction, permission asked on the one path (CHANGE on
SystemClient at its unit: organization-department staff of a unit above it), an audit row. The secret is returned
to the caller once and stored only hashed (django-oauth-toolkit's `hash_client_secret`); it never reaches the audit
trail, a log or a session."""

import logging
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, RefreshToken

from accounts.models import RoleAssignment, User
from accounts.permissions import CHANGE, require, require_at
from accounts.roles import Role
from core import audit
from core.api.scopes import SCOPES
from core.errors import Conflict, Invalid
from core.services import update_fields

from .errors import ErrorCode
from .models import SystemClient

audit.ACTION_LABELS.update(
    {
        "system_client.create": gettext_lazy("System client registered"),
        "system_client.update": gettext_lazy("System client changed"),
        "system_client.rotate": gettext_lazy("System client secret rotated"),
        "system_client.revoke": gettext_lazy("System client revoked"),
    }
)

logger = logging.getLogger(__name__)

MAX_RATE = 100_000


def _check_scopes(scopes) -> list[str]:
    scopes = list(dict.fromkeys(scopes or ()))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise Invalid(
            _("Unknown scopes: %(scopes)s."), code=ErrorCode.UNKNOWN_SCOPE, field="scopes", params={"scopes": unknown}
        )
    return scopes


def _check_rate(rate_limit: int | None) -> None:
    if rate_limit is not None and not 1 <= rate_limit <= MAX_RATE:
        raise Invalid(
            _("The rate limit must lie between 1 and %(max)s."),
            code="out_of_range",
            field="rate_limit",
            params={"max": MAX_RATE},
        )


def _end_tokens(application) -> None:
    """Every token issued to the application stops working at once."""
    RefreshToken.objects.filter(application=application).delete()
    AccessToken.objects.filter(application=application).delete()


def client_create(
    *,
    name: str,
    contact_person: str,
    unit,
    scopes,
    contact_phone: str = "",
    contact_email: str = "",
    rate_limit: int | None = None,
    actor,
) -> tuple[SystemClient, str]:
    """Register a system client at `unit`: its service account, its OAuth2 application and a first secret.
    Returns (client, secret); the secret is not kept readable anywhere."""
    require_at(actor, CHANGE, SystemClient, unit)
    scopes = _check_scopes(scopes)
    _check_rate(rate_limit)
    secret = generate_client_secret()
    with transaction.atomic():
        account = User(username=f"sys-{secrets.token_hex(6)}", display_name=name[:50], is_active=True)
        account.set_unusable_password()
        account.save()
        RoleAssignment.objects.create(user=account, role=Role.EXTERNAL_SYSTEM, unit=unit)
        application = Application.objects.create(
            name=name[:255],
            user=account,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
            redirect_uris="",
        )
        client = SystemClient(
            name=name,
            contact_person=contact_person,
            contact_phone=contact_phone,
            contact_email=contact_email,
            unit=unit,
            scopes=scopes,
            rate_limit=rate_limit,
            account=account,
            application=application,
            secret_rotated_at=timezone.now(),
        )
        client.full_clean()
        client.save()
        changes = {"name": name, "scopes": scopes, "rate_limit": rate_limit, "client_id": application.client_id}
        audit.record(actor=actor, action="system_client.create", obj=client, unit=unit, changes=changes)
    logger.info("system client %s registered at unit %s", client.pk, unit.pk)
    return client, secret


def _locked(client: SystemClient) -> SystemClient:
    locked = (
        SystemClient.objects.select_for_update(of=("self",)).select_related("application", "unit").get(pk=client.pk)
    )
    if locked.is_revoked:
        raise Conflict(_("The system client has been revoked."), code=ErrorCode.CLIENT_REVOKED)
    return locked


# What staff may change on a registered client (its unit is not among them: register another client instead).
EDITABLE = ("name", "contact_person", "contact_phone", "contact_email", "scopes", "rate_limit")


def client_update(*, client: SystemClient, actor, **fields) -> SystemClient:
    """Change the client's name, contact, scopes or rate limit (only the keys given; its unit stays: register
    another client for another unit). Wider scopes apply to the next token; narrower ones end every token issued so
    far, so the client asks for a new one, which carries the new scopes. A new rate applies to the next request.
    Audited with the old and new values (`system_client.update`)."""
    require(actor, CHANGE, client)
    if "scopes" in fields:
        fields["scopes"] = _check_scopes(fields["scopes"])
    if "rate_limit" in fields:
        _check_rate(fields["rate_limit"])
    before: dict = {}

    def guard(locked: SystemClient) -> None:
        if locked.is_revoked:
            raise Conflict(_("The system client has been revoked."), code=ErrorCode.CLIENT_REVOKED)
        before["scopes"] = list(locked.scopes)

    with transaction.atomic():
        client, changes = update_fields(
            client,
            actor=actor,
            fields=fields,
            allowed=EDITABLE,
            audit_action="system_client.update",
            guard=guard,
            related=("unit", "application"),
            exclude=("account", "application"),
            only_changed=True,
        )
        if "scopes" in changes and not set(before["scopes"]) <= set(client.scopes):
            _end_tokens(client.application)
        if "name" in changes:
            Application.objects.filter(pk=client.application_id).update(name=client.name[:255])
            User.objects.filter(pk=client.account_id).update(display_name=client.name[:50])
    if changes:
        logger.info("system client %s changed: %s", client.pk, ", ".join(sorted(changes)))
    return client


def client_rotate(*, client: SystemClient, actor) -> tuple[SystemClient, str]:
    """A new secret; the old one is refused from now on and the tokens issued under it stop working."""
    require(actor, CHANGE, client)
    secret = generate_client_secret()
    with transaction.atomic():
        client = _locked(client)
        application = client.application
        application.client_secret = secret  # hashed by Application.save()
        application.save(update_fields=["client_secret", "updated"])
        _end_tokens(application)
        client.secret_rotated_at = timezone.now()
        client.save(update_fields=["secret_rotated_at"])
        audit.record(actor=actor, action="system_client.rotate", obj=client, unit=client.unit)
    return client, secret


def client_revoke(*, client: SystemClient, actor) -> SystemClient:
    """The client is refused from now on: no token is issued to it, its tokens stop working, its service account is
    switched off and its secret replaced by a hash of a value nobody knows."""
    require(actor, CHANGE, client)
    with transaction.atomic():
        client = _locked(client)
        application = client.application
        application.client_secret = generate_client_secret()  # hashed, shown to nobody
        application.save(update_fields=["client_secret", "updated"])
        _end_tokens(application)
        User.objects.filter(pk=client.account_id).update(is_active=False)
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="system_client.revoke", obj=client, unit=client.unit)
    logger.info("system client %s revoked", client.pk)
    return client
