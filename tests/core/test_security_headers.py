"""Headers and transport: CSP on every page, no inline script in any template, the docs pages' own allowances,
HSTS and SSL redirect from settings, Cache-Control: no-store on what may carry personal data, and the schema and
docs behind the login."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_pages_carry_a_strict_csp(client_for, users):
    response = client_for(users["staff_a"]).get("/")
    assert response.status_code == 200
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no foreign origin
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["style-src"]


def test_login_page_carries_the_csp_too(client):
    assert policy(client.get("/login/"))["script-src"] == ["'self'"]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text()
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and "application/json" not in tag:
                    offenders.append(f"{path}: {tag}")
            offenders += [f"{path}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
    assert offenders == []


def test_no_inline_handler_is_allowed():
    """django-import-export's export format page (the one inline handler once allowed by hash) is never shown: the
    admin's export (superusers, core.admin.PortalSheetsMixin) skips it and goes straight to the file, so no inline
    handler runs anywhere."""
    assert "script-src-attr" not in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]


def test_docs_pages_get_their_own_allowances_and_scripts_stay_self(client_for, users):
    client = client_for(users["staff_a"])
    swagger = client.get("/api/v1/docs/")
    assert swagger.status_code == 200
    assert "'unsafe-inline'" in policy(swagger)["style-src"]
    assert policy(swagger)["script-src"] == ["'self'"]
    # The split view serves Swagger UI's init script from its own URL, so the page has no inline script.
    assert re.findall(r"<script>", swagger.content.decode()) == []
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    redoc = client.get("/api/v1/redoc/")
    assert redoc.status_code == 200
    assert policy(redoc)["worker-src"] == ["blob:"] and policy(redoc)["script-src"] == ["'self'"]
    assert re.findall(r"<script>", redoc.content.decode()) == []


def test_schema_and_docs_require_login(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 401
    assert schema["WWW-Authenticate"].startswith("Token")
    for url in ["/api/v1/docs/", "/api/v1/redoc/", "/api/v1/docs/?script="]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_schema_is_served_to_a_signed_in_user_and_a_token(users, api_for):
    response = api_for(users["staff_a"]).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/organizations/units/" in response.json()["paths"]
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=users["staff_b"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/schema/").status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_ssl_redirect_and_hsts_follow_the_settings(client):
    plain = client.get("/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"
    secure = client.get("/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_defaults_send_no_hsts_and_no_redirect(client):
    response = client.get("/login/")
    assert response.status_code == 200 and "Strict-Transport-Security" not in response


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), SECURE_SSL_REDIRECT=True)
def test_proxy_header_marks_requests_secure(client):
    assert client.get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/login/").status_code == 301


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_no_store_on_authenticated_pages(client_for, users, county):
    client = client_for(users["staff_a"])
    for url in ["/", f"/org/units/{county['township_a'].pk}/", "/api/v1/docs/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response) and "private" in response["Cache-Control"], url


def test_no_store_on_every_api_response(users, api_for, client):
    assert no_store(api_for(users["staff_a"]).get("/api/v1/organizations/units/"))
    assert no_store(client.get("/api/v1/organizations/units/"))  # anonymous 401/403 too
    assert no_store(api_for(users["staff_a"]).get("/api/v1/schema/"))


def test_public_output_and_static_files_keep_normal_caching(client):
    discovery = client.get("/open311/v2/discovery.json")
    assert discovery.status_code == 200 and not no_store(discovery)
    static = client.get("/static/js/portal.js")
    assert static.status_code == 200
    assert not no_store(static)
