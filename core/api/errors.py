"""One error body for the whole API:

    {"detail": str, "code": str, "errors": {field: [message]}, "codes": {field: [code]}}

`errors` holds the (Chinese) messages by field, `codes` the matching codes in the same order (core/errors.py,
docs/api.md); `codes` is left out when there are no field errors (401, 403, 404, …), so those bodies keep the shape
they always had. `code` is the code of the whole answer: for a 400 the code its field errors share, or `invalid`
when they differ; for a 409 the conflict's code; otherwise the kind (`not_found`, `permission_denied`, …).
Every code is one of the registered codes (core.errors.registry), so the OpenAPI enum is exhaustive.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, ErrorCode, known


def _flatten(detail, prefix="", out=None):
    """{field: [ErrorDetail]} with nested serializer errors under dotted keys ("people.0")."""
    out = {} if out is None else out
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                _flatten(item, f"{prefix}.{index}" if prefix else str(index), out)
            else:
                _flatten(item, prefix, out)
    else:
        code = getattr(detail, "code", None)
        out.setdefault(prefix or "non_field_errors", []).append(ErrorDetail(str(detail), code=code))
    return out


def error_body(detail, code, errors=None, *, default=ErrorCode.INVALID) -> dict:
    """The body for `errors` ({field: [ErrorDetail or str]}): messages and their registered codes side by side."""
    errors = errors or {}
    body = {
        "detail": str(detail),
        "code": known(code, default),
        "errors": {field: [str(item) for item in items] for field, items in errors.items()},
    }
    if errors:
        body["codes"] = {
            field: [known(getattr(item, "code", None)) for item in items] for field, items in errors.items()
        }
    return body


def invalid_body(errors) -> dict:
    """A 400 body; its `code` is the one code every field error shares, else `invalid`."""
    errors = _flatten(errors)
    shared = {known(getattr(item, "code", None)) for items in errors.values() for item in items}
    code = shared.pop() if len(shared) == 1 else ErrorCode.INVALID
    return error_body(_("The submitted data is invalid."), code, errors)


def _custom_detail(exc) -> bool:
    """A Throttled raised with its own message (e.g. the clue-filing limit) keeps it."""
    return not str(exc.detail).startswith(str(exceptions.Throttled.default_detail))


def _django_detail(exc: DjangoValidationError):
    """A Django ValidationError as DRF's ErrorDetail tree, codes kept (DRF's own conversion)."""
    detail = get_error_detail(exc)
    return detail if isinstance(detail, dict) else {"non_field_errors": detail}


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        errors = _flatten(_django_detail(exc))
        messages = [str(item) for items in errors.values() for item in items]
        body = error_body(messages[0] if messages else _("Conflict."), exc.error_code, errors)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_django_detail(exc))
    if isinstance(exc, DjangoPermissionDenied):
        # A service's refusal (`require()`) wherever a view did not convert it: 403 `permission_denied`, its reason
        # kept (DRF would answer its generic message with the code `error`).
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return Response(invalid_body(errors), status=status.HTTP_400_BAD_REQUEST, headers=response.headers)
    if isinstance(exc, Http404 | exceptions.NotFound):
        body = error_body(_("Not found."), ErrorCode.NOT_FOUND)
    elif isinstance(exc, exceptions.Throttled) and not _custom_detail(exc):
        # DRF's throttles: a Chinese message with the wait (also sent as Retry-After).
        wait = max(1, int(exc.wait or 1))
        detail = _("Too many requests. Please try again in %(wait)d seconds.") % {"wait": wait}
        body = error_body(detail, ErrorCode.THROTTLED)
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", ErrorCode.ERROR)
        body = error_body(detail, code, default=ErrorCode.ERROR)
    response.data = body
    return response
