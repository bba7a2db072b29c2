from accounts.permissions import SYSTEM
from clients import services

TOKEN_URL = "/api/v1/oauth/token/"


def make_client(unit, *, scopes=("hierarchy:read",), rate_limit=None, name="12345热线"):
    """A registered client and its secret (registered as the system, as the demo and the scope cases do)."""
    return services.client_create(
        name=name, contact_person="张三", unit=unit, scopes=list(scopes), rate_limit=rate_limit, actor=SYSTEM
    )


def token_response(client, client_id, secret, **extra):
    """POST to the token endpoint with the client's credentials in the body (a django.test Client)."""
    body = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, **extra}
    return client.post(TOKEN_URL, body)


def bearer(api, access_token):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return api
