"""OpenAPI (drf-spectacular): the system clients' bearer token as an `oauth2` scheme with the client-credentials flow
and every scope, and on each operation the scope it needs (none listed: no client token may call it)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from core.api.scopes import ANY, SCOPES, required_scope


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "clients.auth.ClientTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        needed = required_scope(auto_schema.view, auto_schema.method)
        if needed is None:
            return None
        return {self.name: [] if needed == ANY else [needed]}

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": _(
                "System clients exchange their client credentials for a short-lived access token; each operation "
                "lists the scope it needs."
            ),
            "flows": {
                "clientCredentials": {
                    "tokenUrl": reverse("oauth-token"),
                    "scopes": {k: str(v) for k, v in SCOPES.items()},
                },
            },
        }
