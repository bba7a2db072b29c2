"""OAuth2 scopes of the system clients (外部系统): the vocabulary, which scope each endpoint needs, and the check.

A system client's token carries scopes (`clients.auth.ClientTokenAuthentication` puts the granted set on the
token as `granted_scopes`). Scopes only narrow what a client may call: which rows it sees and changes is still
decided by its service account's role and unit, on the one permission path (`accounts.scoping.restrict`,
`accounts.permissions.can`), exactly as for a user. Sessions and the older DRF tokens carry no scopes: their roles
alone decide (`granted_scopes` absent, every scope implicitly held).

Where the needed scope is declared, in one place: `APP_SCOPES` by the app whose `api/` module defines the view
(read, write). A view may declare its own `required_scopes = (read, write)` instead. A scope of None refuses
every token (the endpoint is for portal users only); `ANY` lets any client token through (the caller's identity,
`/api/v1/accounts/me/`). An endpoint without a declaration refuses tokens: a new app is closed to clients until its
scopes are declared here.

Where it is checked: by the token's authentication (`clients.auth.ClientTokenAuthentication` calls
`check_granted` with the DRF view the request is for), so no view can skip it, whatever its permission classes;
`ScopePermission` and `ScopedViewSetMixin` ask again.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions

from core.errors import ErrorCode

# Every scope a client may be given, with the label the portal's checkboxes and the OpenAPI schema show.
SCOPES = {
    "hierarchy:read": gettext_lazy("Read the organization hierarchy"),
    "figures:read": gettext_lazy("Read figures (goals, roll-ups, collective economy)"),
    "figures:write": gettext_lazy("Write yearly figures (collective income, in bulk)"),
    "clues:read": gettext_lazy("Read clues"),
    "clues:write": gettext_lazy("File and handle clues"),
    "people:read": gettext_lazy("Read people's non-sensitive fields"),
    "reports:write": gettext_lazy("Read and write periodic reports"),
    "webhooks": gettext_lazy("Subscribe to webhooks"),
}

ANY = "*"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# (read scope, write scope) by the app that defines the view.
APP_SCOPES: dict[str, tuple[str | None, str | None]] = {
    "accounts": (ANY, None),  # `me` for any client; rotating a DRF token is not for OAuth clients
    "organizations": ("hierarchy:read", None),
    "cadres": ("people:read", None),
    "grid_woodpecker": ("clues:read", "clues:write"),
    "collective_economy": ("figures:read", None),
    "goals": ("figures:read", None),
    "reporting": ("reports:write", "reports:write"),
    "webhooks": ("webhooks", "webhooks"),  # a client manages its own subscriptions
}


class InsufficientScope(exceptions.PermissionDenied):
    default_code = ErrorCode.INSUFFICIENT_SCOPE.value


def declared_scopes(view) -> tuple[str | None, str | None]:
    """(read, write) scopes of `view`: its own `required_scopes`, else its app's entry of APP_SCOPES."""
    own = getattr(view, "required_scopes", None)
    if own is not None:
        return own
    app = type(view).__module__.split(".", 1)[0]
    return APP_SCOPES.get(app, (None, None))


def required_scope(view, method: str) -> str | None:
    """The scope a request with `method` needs on `view` (None: no client token may call it)."""
    read, write = declared_scopes(view)
    return read if method.upper() in READ_METHODS else write


def check_scope(request, view) -> None:
    """Raise 403 `insufficient_scope` when the request's token lacks the scope `view` needs for its method."""
    granted = getattr(getattr(request, "auth", None), "granted_scopes", None)
    if granted is None:
        return  # a session or a DRF token: the roles decide
    check_granted(granted, view, request.method)


def check_granted(granted, view, method: str) -> None:
    """Raise 403 `insufficient_scope` unless the scopes `granted` cover what `view` needs for `method` (no view:
    refused, as an undeclared endpoint is)."""
    if view is None:
        raise InsufficientScope(_("System clients may not use this endpoint."))
    needed = required_scope(view, method)
    if needed == ANY or (needed is not None and needed in granted):
        return
    if needed is None:
        raise InsufficientScope(_("System clients may not use this endpoint."))
    raise InsufficientScope(
        _("The client's token lacks the scope “%(scope)s” (%(label)s).") % {"scope": needed, "label": SCOPES[needed]}
    )


class ScopePermission(permissions.BasePermission):
    """A second line only. The check that cannot be skipped is made by the authentication itself
    (`clients.auth.ClientTokenAuthentication`: the token is accepted only for a view and method its scopes cover),
    so a view with its own `permission_classes`, or none of the project's base classes, still checks it;
    `tests/test_scope_sweep_clients.py` walks every API route to prove it. This class (in
    DEFAULT_PERMISSION_CLASSES) and `ScopedViewSetMixin.check_permissions` ask again."""

    def has_permission(self, request, view):
        check_scope(request, view)
        return True
