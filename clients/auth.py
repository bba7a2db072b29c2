"""The API's OAuth2 bearer token (`Authorization: Bearer …`, issued at /api/v1/oauth/token/ by client
credentials): the request runs as the client's service account, so scoping and permissions decide its rows exactly
as for a user (outside its unit's subtree: 404). The token (`request.auth`) carries `granted_scopes` (checked by
core.api.scopes), `throttle_ident` and `throttle_rate` (core.api.throttling.SystemClientThrottle).

The scope check is made here, not left to the views: a token is accepted only for the DRF view and method its
scopes cover (403 `insufficient_scope` otherwise, before any permission class runs), so a view that sets its own
`permission_classes` or uses none of the project's base classes cannot skip it."""

import hashlib
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken
from rest_framework import authentication, exceptions

from core.api.scopes import check_granted

from .errors import ErrorCode
from .models import SystemClient

# The last use is written when the stored one is older than this: not a write per request.
LAST_USE_PRECISION = timedelta(minutes=1)


class InvalidToken(exceptions.AuthenticationFailed):
    default_code = ErrorCode.INVALID_TOKEN.value


class ClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise InvalidToken(_("The bearer token header is malformed."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise InvalidToken(_("The bearer token header is malformed.")) from None
        user, token = self.authenticate_token(raw)
        # The view this request is for (DRF puts it in the parser context before authenticating); none: refused.
        view = (getattr(request, "parser_context", None) or {}).get("view")
        check_granted(token.granted_scopes, view, request.method)
        return user, token

    def authenticate_token(self, raw: str):
        checksum = hashlib.sha256(raw.encode()).hexdigest()
        token = (
            AccessToken.objects.select_related("application__system_client__account")
            .filter(token_checksum=checksum)
            .first()
        )
        client = getattr(token.application, "system_client", None) if token and token.application else None
        if token is None or client is None or token.is_expired() or client.is_revoked or not client.account.is_active:
            raise InvalidToken(_("The access token is unknown, expired or revoked; request a new one."))
        token.granted_scopes = frozenset(token.scope.split()) & frozenset(client.scopes)
        token.throttle_ident = f"client{client.pk}"
        token.throttle_rate = f"{client.rate()}/m"
        touch(client)
        return client.account, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


def touch(client: SystemClient) -> None:
    """Record the client's last use, at most once a minute."""
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USE_PRECISION:
        SystemClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
