"""Middleware that concerns the whole portal: bad input never becomes a 500, and personal data is never cached.

- A NUL byte in the path, a query parameter or a form value answers 400: PostgreSQL cannot store or compare text
  containing NUL, and no legitimate client sends one.
- A `core.params.BadParameter` raised by a portal view answers 400 with its field message (the API's exception
  handler answers it in the API's error body).
- A 404 under /api/ comes as the API's JSON error body (a URL that matches no route, e.g. a non-numeric id).
- `Cache-Control: no-store` on every response that may carry personal data (NoStoreMiddleware).
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from rest_framework.fields import get_error_detail

from core.api.errors import error_body, invalid_body
from core.errors import ErrorCode
from core.params import BadParameter

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIXES = ("/api/",)


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._refuse_nul(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith(API_PREFIXES)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return JsonResponse(error_body(_("Not found."), ErrorCode.NOT_FOUND), status=404)
        return response

    def _refuse_nul(self, request):
        bad = "\x00" in request.path or _has_nul(request.GET)
        if not bad and request.method == "POST" and request.content_type in FORM_TYPES:
            bad = _has_nul(request.POST)
        if bad:
            nul = ValidationError(_("The request contains a NUL character."), code=ErrorCode.NUL_CHARACTER)
            return self._bad_request(request, nul)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            return self._bad_request(request, exception)
        return None

    def _bad_request(self, request, exc: ValidationError):
        if request.path.startswith(API_PREFIXES):
            detail = get_error_detail(exc)
            return JsonResponse(
                invalid_body(detail if isinstance(detail, dict) else {"non_field_errors": detail}), status=400
            )
        text = "\n".join(exc.messages)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


API_PREFIX = "/api/"


class NoStoreMiddleware:
    """`Cache-Control: no-store` (plus private, no-cache, max-age=0) on everything that may carry personal data.

    The rule is deliberately simple rather than per view: every response to a signed-in user and every API response,
    signed in or not. Static files never reach this middleware (WhiteNoise answers them earlier, with long cache
    lifetimes); the anonymous login page and the public Open311 output keep the default caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
