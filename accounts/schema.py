"""OpenAPI (drf-spectacular) descriptions of the portal's authentication classes: DRF's schemes, described in the
active language (drf-spectacular's own descriptions are English only)."""

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme, TokenScheme


class PortalSessionScheme(SessionScheme):
    target_class = "accounts.auth.PortalSessionAuthentication"
    priority = 0  # before drf-spectacular's own scheme, which also matches subclasses

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = _(
            "The portal's own pages, signed in with the session cookie; writes also need the CSRF token "
            "(X-CSRFToken header)."
        )
        return definition


class ExpiringTokenScheme(TokenScheme):
    target_class = "accounts.auth.ExpiringTokenAuthentication"
    priority = 0

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = _(
            "A staff user's personal API token: header `Authorization: Token <key>`. It expires (API_TOKEN_DAYS) "
            "and is rotated on the user's page; other systems use the oauth2 scheme instead."
        )
        return definition
