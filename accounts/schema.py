"""OpenAPI (drf-spectacular) descriptions of the portal's authentication classes: the same schemes as DRF's."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class PortalSessionScheme(SessionScheme):
    target_class = "accounts.auth.PortalSessionAuthentication"


class ExpiringTokenScheme(TokenScheme):
    target_class = "accounts.auth.ExpiringTokenAuthentication"
