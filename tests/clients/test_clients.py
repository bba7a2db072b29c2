"""System clients (issue 15): registered in the portal, OAuth2 client credentials, scopes, revocation, rotation,
per-client rate limits; a client's requests are scoped exactly as its service account's (outside: 404)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from clients.models import SystemClient
from core.models import AuditEntry
from tests.factories import PASSWORD

from .helpers import TOKEN_URL, bearer, make_client, token_response

UNITS = "/api/v1/organizations/units/"


def _shown(page, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>([^<]+)<', page.content.decode())
    assert match, f"#{element_id} not on the page"
    return match.group(1).strip()


def _token(client_id, secret):
    response = token_response(Client(), client_id, secret)
    assert response.status_code == 200, response.content
    return response.json()


def _api(access_token):
    return bearer(APIClient(), access_token)


@pytest.fixture
def registered(county, users, client_for):
    """A client registered in the portal by the organization department, at township A, and its credentials."""
    page = client_for(users["city_staff"]).post(
        "/clients/new/",
        {
            "name": "镇级看板",
            "contact_person": "李四",
            "contact_phone": "13800000000",
            "unit": county["township_a"].pk,
            "scopes": ["hierarchy:read", "clues:read"],
            "rate_limit": "",
        },
    )
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    client = SystemClient.objects.get(name="镇级看板")
    return client, _shown(page, "client-id"), _shown(page, "client-secret")


def test_client_registered_in_the_portal_obtains_a_token_and_reads_only_its_subtree(registered, county, settings):
    client, client_id, secret = registered
    assert client_id == client.application.client_id
    # Stored hashed only: the secret is nowhere readable.
    client.application.refresh_from_db()
    stored = client.application.client_secret
    assert secret not in stored and identify_hasher(stored) and check_password(secret, stored)
    issued = _token(client_id, secret)
    assert issued["token_type"] == "Bearer"
    assert 0 < issued["expires_in"] <= settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"] == 900
    assert set(issued["scope"].split()) == {"hierarchy:read", "clues:read"}
    assert "refresh_token" not in issued
    api = _api(issued["access_token"])
    assert api.get(f"{UNITS}{county['village_a1'].pk}/").status_code == 200
    outside = api.get(f"{UNITS}{county['village_b1'].pk}/")
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    codes = {row["code"] for row in api.get(UNITS, {"page_size": 100}).json()["results"]}
    assert county["village_a1"].code in codes and county["village_b1"].code not in codes
    assert county["city"].code not in codes
    # It runs as its service account: me says who and where.
    me = api.get("/api/v1/accounts/me/").json()
    assert me["username"] == client.account.username and me["roles"][0]["unit_code"] == county["township_a"].code


def test_credentials_in_basic_auth_work_too(county):
    client, secret = make_client(county["township_a"])
    import base64

    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    response = Client().post(TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200 and response.json()["access_token"]


def test_a_wrong_secret_and_other_grants_are_refused(county):
    client, secret = make_client(county["township_a"])
    assert token_response(Client(), client.client_id, secret + "x").status_code == 401
    password_grant = token_response(
        Client(), client.client_id, secret, grant_type="password", username="city_staff", password=PASSWORD
    )
    assert password_grant.status_code == 400
    assert password_grant.json()["error"] in {"unsupported_grant_type", "unauthorized_client"}
    # No authorization or other OAuth2 pages are mounted.
    assert Client().get("/o/authorize/").status_code == 404
    assert Client().get("/api/v1/oauth/authorize/").status_code == 404


def test_a_scope_beyond_the_clients_is_refused(county):
    client, secret = make_client(county["township_a"], scopes=["hierarchy:read"])
    response = token_response(Client(), client.client_id, secret, scope="hierarchy:read people:read")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    narrower = token_response(Client(), client.client_id, secret, scope="hierarchy:read")
    assert narrower.status_code == 200


def test_revoked_client_is_refused_and_its_tokens_stop_working(registered, users, client_for, county):
    client, client_id, secret = registered
    access = _token(client_id, secret)["access_token"]
    page = client_for(users["city_staff"]).post(f"/clients/{client.pk}/revoke/")
    assert page.status_code == 302
    client.refresh_from_db()
    assert client.is_revoked and not User.objects.get(pk=client.account_id).is_active
    refused = token_response(Client(), client_id, secret)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    old = _api(access).get(f"{UNITS}{county['village_a1'].pk}/")
    assert old.status_code == 401 and old.json()["code"] == "invalid_token"
    # Nothing to rotate or revoke any more: the pages say so (a message), they do not change anything.
    again = client_for(users["city_staff"]).post(f"/clients/{client.pk}/rotate/")
    assert again.status_code == 302
    assert token_response(Client(), client_id, secret).status_code == 401


def test_rotation_refuses_the_old_secret_and_its_tokens(registered, users, client_for, county):
    client, client_id, secret = registered
    access = _token(client_id, secret)["access_token"]
    page = client_for(users["city_staff"]).post(f"/clients/{client.pk}/rotate/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    new_secret = _shown(page, "client-secret")
    assert new_secret != secret
    assert token_response(Client(), client_id, secret).status_code == 401
    assert _api(access).get(f"{UNITS}{county['village_a1'].pk}/").status_code == 401
    assert _api(_token(client_id, new_secret)["access_token"]).get(UNITS).status_code == 200


def test_an_endpoint_outside_the_tokens_scopes_is_forbidden(registered, county):
    _client, client_id, secret = registered
    api = _api(_token(client_id, secret)["access_token"])
    for url in ("/api/v1/cadres/people/", "/api/v1/goals/targets/", "/api/v1/notifications/"):
        response = api.get(url)
        assert response.status_code == 403, url
        body = response.json()
        assert body["code"] == "insufficient_scope" and body["errors"] == {}
    # Writes need the write scope: clues:read does not let it file a clue; no client rotates a DRF token.
    assert api.post("/api/v1/grid_woodpecker/clues/", {}, format="json").json()["code"] == "insufficient_scope"
    assert api.post("/api/v1/accounts/token/rotate/").status_code == 403
    assert not Token.objects.exists()


def test_scopes_narrowed_on_the_client_apply_to_tokens_already_issued(registered, county):
    client, client_id, secret = registered
    api = _api(_token(client_id, secret)["access_token"])
    assert api.get(UNITS).status_code == 200
    SystemClient.objects.filter(pk=client.pk).update(scopes=["clues:read"])
    assert api.get(UNITS).json()["code"] == "insufficient_scope"


def test_an_expired_token_is_refused(registered):
    _client, client_id, secret = registered
    access = _token(client_id, secret)["access_token"]
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = _api(access).get(UNITS)
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"
    assert response["WWW-Authenticate"]
    assert _api("not-a-token").get(UNITS).status_code == 401


def test_users_sessions_and_drf_tokens_keep_working(users, api_for):
    # A session user holds every scope implicitly: roles decide.
    assert api_for(users["staff_a"]).get("/api/v1/cadres/people/").status_code == 200
    token = Token.objects.create(user=users["external"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/cadres/people/").status_code == 200


def test_a_client_cannot_use_the_portal(registered):
    client, _client_id, _secret = registered
    account = User.objects.get(pk=client.account_id)
    assert not account.has_usable_password()
    browser = Client()
    page = browser.post("/login/", {"username": account.username, "password": "anything"})
    assert page.status_code == 200 and "_auth_user_id" not in browser.session
    browser.force_login(account)  # even with a session somehow made for it
    response = browser.get("/api/v1/accounts/me/")
    assert response.status_code == 403 and response.json()["code"] == "service_account_session"
    assert browser.get("/clients/").status_code in (302, 403)


def test_throttled_per_client_at_its_own_rate(county):
    client, secret = make_client(county["township_a"], rate_limit=2)
    other, other_secret = make_client(county["township_a"], name="其他系统")
    api = _api(_token(client.client_id, secret)["access_token"])
    assert [api.get(UNITS).status_code for _ in range(2)] == [200, 200]
    refused = api.get(UNITS)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    # A second token of the same client shares the bucket; another client has its own.
    assert _api(_token(client.client_id, secret)["access_token"]).get(UNITS).status_code == 429
    assert _api(_token(other.client_id, other_secret)["access_token"]).get(UNITS).status_code == 200


def test_last_use_is_recorded_at_most_once_a_minute(county):
    client, secret = make_client(county["township_a"])
    api = _api(_token(client.client_id, secret)["access_token"])
    api.get(UNITS)
    client.refresh_from_db()
    first = client.last_used_at
    assert first is not None
    api.get(UNITS)
    client.refresh_from_db()
    assert client.last_used_at == first
    SystemClient.objects.filter(pk=client.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get(UNITS)
    client.refresh_from_db()
    assert client.last_used_at > first


def test_registration_rotation_and_revocation_are_audited_without_the_secret(registered, users, client_for):
    client, _client_id, secret = registered
    staff = client_for(users["city_staff"])
    rotated = _shown(staff.post(f"/clients/{client.pk}/rotate/"), "client-secret")
    staff.post(f"/clients/{client.pk}/revoke/")
    rows = AuditEntry.objects.filter(object_type="clients.systemclient", object_id=str(client.pk))
    assert [row.action for row in rows.order_by("pk")] == [
        "system_client.create",
        "system_client.rotate",
        "system_client.revoke",
    ]
    assert all(row.actor_id == users["city_staff"].pk for row in rows)
    text = str(list(rows.values_list("changes", flat=True)))
    assert secret not in text and rotated not in text
    detail = staff.get(f"/clients/{client.pk}/").content.decode()
    assert all(label in detail for label in ("登记外部系统", "更换外部系统密钥", "吊销外部系统"))
    assert secret not in detail and rotated not in detail


def test_township_staff_see_their_clients_but_do_not_register_them(county, users, client_for):
    client, _secret = make_client(county["township_a"])
    staff = client_for(users["staff_a"])
    assert staff.get(f"/clients/{client.pk}/").status_code == 200
    assert staff.get("/clients/new/").status_code == 403
    assert staff.post(f"/clients/{client.pk}/revoke/").status_code == 403
    assert client_for(users["staff_b"]).get(f"/clients/{client.pk}/").status_code == 404


def test_the_schema_documents_the_oauth2_scheme_and_each_operations_scope(users, api_for):
    schema = api_for(users["staff_a"]).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    scheme = schema["components"]["securitySchemes"]["oauth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == TOKEN_URL and "clues:write" in flow["scopes"]
    units = schema["paths"]["/api/v1/organizations/units/"]["get"]["security"]
    assert {"oauth2": ["hierarchy:read"]} in units
    people_reveal = next(
        op["post"] for path, op in schema["paths"].items() if path.endswith("/reveal/") and "post" in op
    )
    assert not any("oauth2" in requirement for requirement in people_reveal["security"])


def test_the_deletion_feed_names_only_the_models_the_tokens_scopes_read(county):
    """A client reads the tombstone feed with any token, and hears only of the models its scopes let it read."""
    from core.models import Tombstone

    village = county["village_a1"]
    Tombstone.objects.create(model="organizations.organizationunit", object_id="1", unit_path=village.path)
    Tombstone.objects.create(model="grid_woodpecker.clue", object_id="2", unit_path=village.path)
    seen = {}
    for scopes in (("hierarchy:read",), ("hierarchy:read", "clues:read")):
        _client, secret = make_client(county["township_a"], scopes=scopes, name="+".join(scopes))
        response = _api(_token(_client.client_id, secret)["access_token"]).get("/api/v1/tombstones/")
        assert response.status_code == 200, response.content
        seen[scopes] = {row["model"] for row in response.json()["results"]}
    assert seen[("hierarchy:read",)] == {"organizations.organizationunit"}
    assert "grid_woodpecker.clue" not in seen[("hierarchy:read",)]


def test_bulk_exchange_needs_the_scope_of_its_kind(county):
    """The bulk endpoint asks figures:read / figures:write for yearly figures and reports:write for a report form."""
    client, secret = make_client(county["township_a"], scopes=("figures:read",), name="看板")
    api = _api(_token(client.client_id, secret)["access_token"])
    assert api.get("/api/v1/bulk/income/", {"year": 2024}).status_code == 200
    refused = api.post("/api/v1/bulk/income/", {"rows": [{}], "dry_run": True}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    assert api.get("/api/v1/bulk/report_1/", {"period": "2024-05-01"}).json()["code"] == "insufficient_scope"


def test_the_demo_client_prints_credentials_that_obtain_a_token(county):
    """`make run` prints the demo system client's credentials once; they work at the token endpoint."""
    from io import StringIO
    from types import SimpleNamespace

    from clients import demo

    out = StringIO()
    demo.build(SimpleNamespace(city=county["city"], stdout=out))
    match = re.search(r"client_id (\S+)\s+client_secret (\S+)", out.getvalue())
    assert match, out.getvalue()
    token = _token(match.group(1), match.group(2))
    assert set(token["scope"].split()) == set(demo.SCOPES)
    units = _api(token["access_token"]).get(UNITS)
    assert units.status_code == 200 and units.json()["results"]
