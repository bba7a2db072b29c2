"""The token endpoint (`POST /api/v1/oauth/token/`, django-oauth-toolkit's view) with rate limits of its own, so
that a client secret cannot be guessed by trying and the endpoint (a password hash checked per request) cannot be
flooded:

- failed client credentials (401 `invalid_client`: an unknown client id or a wrong secret) are counted per client
  id (`oauth_token_failures`, e.g. 10 in 10 minutes) and per client address (`oauth_token_failures_ip`); once a
  window is full every request for that client id, or from that address, answers 429 before any secret is checked;
- tokens issued are counted per client id (`oauth_token`): a sane ceiling for a client that asks for a new token
  on every call instead of reusing it for its 15 minutes.

The windows are DRF's sliding histories in the cache (core.api.throttling.WindowThrottle), like every other limit.
django-axes, which guards the portal's login, does not fit here: it counts failed `authenticate()` calls by username
and address in its own tables, answers with the login's lockout page and shares the login's limit, while oauthlib
checks the client's credentials itself. The 429 body is OAuth's error style (RFC 6749 §5.2), `error` being the
project's error code `throttled`, with `Retry-After` in seconds."""

import base64
import binascii
import hashlib
import json
import math
from urllib.parse import unquote_plus

from django.http import HttpResponse
from django.utils.translation import gettext as _
from oauth2_provider.views import TokenView

from accounts.auth import client_ip
from core.api.throttling import WindowThrottle
from core.errors import ErrorCode

FAILURES = "oauth_token_failures"  # per client id
FAILURES_IP = "oauth_token_failures_ip"  # per client address
ISSUED = "oauth_token"  # tokens issued, per client id


def requested_client_id(request) -> str:
    """The client id the request names: in the HTTP Basic header (form-encoded, RFC 6749 §2.3.1) or the body."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    kind, _space, value = header.partition(" ")
    if kind.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeError):
            return ""
        return unquote_plus(decoded.partition(":")[0])
    return str(request.POST.get("client_id", ""))


def _ident(client_id: str) -> str:
    # Any string a caller sends: hashed, so the cache key stays short and holds nothing of it.
    return hashlib.sha256(client_id.encode()).hexdigest()[:32]


def _throttled(refused: list[WindowThrottle]) -> HttpResponse:
    wait = max(1, math.ceil(max(t.wait() or 1 for t in refused)))
    body = {
        "error": ErrorCode.THROTTLED.value,
        "error_description": _("Too many token requests. Please try again in %(wait)d seconds.") % {"wait": wait},
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=429, content_type="application/json")
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


class ThrottledTokenView(TokenView):
    def post(self, request, *args, **kwargs):
        address = client_ip(request) or "unknown"
        client = _ident(requested_client_id(request))
        refused = [
            t
            for t in (
                WindowThrottle.peek(FAILURES_IP, address),
                WindowThrottle.peek(FAILURES, client),
                WindowThrottle.peek(ISSUED, client),
            )
            if t is not None
        ]
        if refused:
            return _throttled(refused)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            WindowThrottle.count(ISSUED, client)
        elif response.status_code == 401:
            WindowThrottle.count(FAILURES, client)
            WindowThrottle.count(FAILURES_IP, address)
        return response
