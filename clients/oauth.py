"""django-oauth-toolkit's validator, narrowed to the system clients: a revoked client (or an application that is
no system client) is refused at the token endpoint (401 `invalid_client`), and a token carries the client's
scopes (all of them unless the request asks for fewer)."""

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from core.api.scopes import SCOPES

from .models import SystemClient


def _client_of(application) -> SystemClient | None:
    try:
        client = application.system_client
    except SystemClient.DoesNotExist:
        return None
    return None if client.is_revoked else client


class ClientValidator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        return _client_of(request.client) is not None

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        client = _client_of(request.client)
        return list(client.scopes) if client else []

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        granted = _client_of(client)
        return granted is not None and set(scopes) <= set(granted.scopes)


class ScopesBackend(BaseScopes):
    """The API's scopes (core.api.scopes.SCOPES) as django-oauth-toolkit asks for them."""

    def get_all_scopes(self):
        return {name: str(label) for name, label in SCOPES.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return list(SCOPES)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return []
