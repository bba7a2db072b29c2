"""The scope sweep: every API route of the URL configuration (tests/sweep.py `all_routes()`, nothing listed by hand),
called with a system client's token that holds every scope but the one the route needs, answers 403
`insufficient_scope`; a route declared for no client (or not declared at all) refuses a token holding every scope.
The check sits in the token's authentication (clients/auth.py), so a view with its own `permission_classes`, or
none of the project's base classes, cannot skip it (docs/security.md, "System clients")."""

import types

import pytest
from django.test import Client
from rest_framework import permissions
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from clients.auth import ClientTokenAuthentication
from core.api.scopes import ANY, APP_SCOPES, SCOPES, required_scope
from tests import sweep
from tests.clients.helpers import bearer, make_client, token_response

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _api_routes():
    routes = [r for r in sweep.all_routes() if r.kind == "api" and getattr(r.callback, "cls", None) is not None]
    assert len(routes) > 50, "the sweep found too few API routes"
    return routes


def _view(route, method):
    """An instance of the route's view as DRF would make it for `method` (the action, the kwargs)."""
    view = route.callback.cls(**getattr(route.callback, "initkwargs", {}))
    view.kwargs = {name: "1" for name in route.kwargs}
    actions = getattr(route.callback, "actions", None)
    if actions:
        view.action = actions.get(method.lower())
    return view


@pytest.fixture
def tokens(county):
    """scopes (a frozenset) -> an access token of a client holding exactly those, made on demand."""
    made: dict = {}

    def token(scopes) -> str:
        scopes = frozenset(scopes)
        if scopes not in made:
            client, secret = make_client(county["township_a"], scopes=sorted(scopes), name=f"扫描{len(made)}")
            response = token_response(Client(), client.client_id, secret)
            assert response.status_code == 200, response.content
            made[scopes] = response.json()["access_token"]
        return made[scopes]

    return token


def test_every_api_route_refuses_a_token_without_its_scope(tokens):
    tried, refused_everywhere = 0, []
    for route in _api_routes():
        for method in route.methods:
            if method not in METHODS:
                continue
            view = _view(route, method)
            needed = required_scope(view, method)
            if needed == ANY:
                continue  # any client token (me, the deletion feed): tried below
            granted = set(SCOPES) - {needed}
            api = bearer(APIClient(), tokens(granted))
            url = sweep.build_url(route, {name: "1" for name in route.kwargs})
            response = api.generic(method, url, "{}", content_type="application/json")
            tried += 1
            where = f"{method} {url} ({route.name}, needs {needed})"
            if not any(issubclass(c, ClientTokenAuthentication) for c in view.authentication_classes):
                assert response.status_code in (302, 401), where  # the schema and docs: no client token accepted
                continue
            assert response.status_code == 403, where
            assert response.json()["code"] == "insufficient_scope", where
            if needed is None:
                refused_everywhere.append(where)
    assert tried > 100 and refused_everywhere


def test_routes_open_to_any_token_answer_a_token_without_scopes(tokens):
    api = bearer(APIClient(), tokens({"webhooks"}))
    assert api.get("/api/v1/accounts/me/").status_code == 200
    assert api.get("/api/v1/tombstones/").status_code == 200
    assert api.get("/api/v1/organizations/units/").json()["code"] == "insufficient_scope"


def test_an_app_without_a_declaration_is_closed(tokens):
    """A view of an app APP_SCOPES does not name, with its own permission classes and none of the base classes."""

    module = types.ModuleType("newapp.api.views")

    class Open(APIView):
        permission_classes = [permissions.AllowAny]

        def get(self, request):
            return __import__("rest_framework.response").response.Response({"ok": True})

    Open.__module__ = module.__name__
    assert "newapp" not in APP_SCOPES
    view = Open.as_view()
    factory = APIRequestFactory()
    request = factory.get("/new/", HTTP_AUTHORIZATION=f"Bearer {tokens(SCOPES)}")
    response = view(request)
    assert response.status_code == 403 and response.data["code"] == "insufficient_scope"
    # A user without a token is not concerned: the roles decide.
    assert view(factory.get("/new/")).status_code == 200


def test_a_view_with_its_own_permission_classes_still_checks_the_scope(tokens):
    """The public clue board sets `permission_classes = [AllowAny]`: a client token still needs clues:read."""
    without = bearer(APIClient(), tokens(set(SCOPES) - {"clues:read"}))
    refused = without.get("/api/v1/grid_woodpecker/public-clues/")
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    assert bearer(APIClient(), tokens({"clues:read"})).get("/api/v1/grid_woodpecker/public-clues/").status_code == 200
    assert APIClient().get("/api/v1/grid_woodpecker/public-clues/").status_code == 200  # anonymous: public
