"""One error body for the whole API: {"detail": str, "code": str, "errors": {field: [messages]}}."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        out = []
        for item in detail:
            flat = _flatten(item)
            out.extend(flat if isinstance(flat, list) else [flat])
        return out
    return [str(detail)]


def _custom_detail(exc) -> bool:
    """A Throttled raised with its own message (e.g. the clue-filing limit) keeps it."""
    return not str(exc.detail).startswith(str(exceptions.Throttled.default_detail))


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {"detail": _("The submitted data is invalid."), "code": "invalid", "errors": _flatten(errors)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST, headers=response.headers)
    if isinstance(exc, Http404 | exceptions.NotFound):
        body = {"detail": _("Not found."), "code": "not_found", "errors": {}}
    elif isinstance(exc, exceptions.Throttled) and not _custom_detail(exc):
        # DRF's throttles: a Chinese message with the wait (also sent as Retry-After).
        wait = max(1, int(exc.wait or 1))
        detail = _("Too many requests. Please try again in %(wait)d seconds.") % {"wait": wait}
        body = {"detail": detail, "code": "throttled", "errors": {}}
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(exc, "default_code", "error")
        body = {"detail": str(detail), "code": code, "errors": {}}
    response.data = body
    return response
