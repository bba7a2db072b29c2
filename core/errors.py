"""Error codes as a contract: every refusal the API answers carries a code a client can act on.

Each app declares its codes in `<app>/errors.py` as `class ErrorCode(models.TextChoices)` (the value is the code,
the label its meaning, translated), lists in `CONFLICTS` the codes that mean "not allowed in this state" (409) and
in `STATUS` any other code that does not come with 400.
This module holds the common codes (the framework's field codes and the HTTP-level ones) and the registry, which
finds every installed app's `errors` module at run time, so `core` imports no domain app. Codes are unique across
apps (tests/core/test_error_codes.py).

Three kinds of refusal, three exceptions:
- invalid input → 400: `raise Invalid(message, code=ErrorCode.X, field="year")`, or Django's
  `ValidationError({field: ValidationError(message, code=...)})` for several fields. (Django drops a `code=` given
  beside a dict of messages, so the code goes on each inner error; `Invalid` does that for one field.)
- not allowed in this state → 409: `raise Conflict(message, code=ErrorCode.Y, field="status")` (a report already
  approved, a step no longer pending). `Conflict` is a `ValidationError`, so the portal's forms show its message
  like any other; only the API answers it with 409.
- not allowed for you → 403: `PermissionDenied` (through `accounts.permissions.require`), code `permission_denied`.
- outside the jurisdiction or absent → 404, code `not_found`.

tests/core/test_error_codes.py walks the services of the apps listed there with `ast` and fails on a
`ValidationError`/`Invalid`/`Conflict` raised without a code.
"""

import importlib
import importlib.util
from functools import cache

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    # Input (400): the codes Django and DRF give their own field errors.
    INVALID = "invalid", _("The input is invalid.")
    REQUIRED = "required", _("The field is required.")
    NULL = "null", _("The field may not be null.")
    BLANK = "blank", _("The field may not be blank.")
    EMPTY = "empty", _("The list may not be empty.")
    INVALID_CHOICE = "invalid_choice", _("The value is not one of the choices.")
    MAX_LENGTH = "max_length", _("The text is too long.")
    MIN_LENGTH = "min_length", _("The text is too short.")
    MAX_VALUE = "max_value", _("The number is too large.")
    MIN_VALUE = "min_value", _("The number is too small.")
    MAX_DIGITS = "max_digits", _("The number has too many digits.")
    MAX_DECIMAL_PLACES = "max_decimal_places", _("The number has too many decimal places.")
    MAX_WHOLE_DIGITS = "max_whole_digits", _("The number has too many digits before the decimal point.")
    MAX_STRING_LENGTH = "max_string_length", _("The number is too long.")
    INCORRECT_TYPE = "incorrect_type", _("The value has the wrong type.")
    DOES_NOT_EXIST = "does_not_exist", _("The referred object does not exist.")
    NOT_A_LIST = "not_a_list", _("A list is expected.")
    NOT_A_DICT = "not_a_dict", _("An object is expected.")
    DATE = "date", _("A date is expected, not a date-time.")
    DATETIME = "datetime", _("A date-time is expected, not a date.")
    UNIQUE = "unique", _("A record with this value already exists.")
    UNIQUE_TOGETHER = "unique_together", _("A record with these values already exists.")
    NULL_CHARACTERS_NOT_ALLOWED = "null_characters_not_allowed", _("The text contains a NUL character.")
    SURROGATE_CHARACTERS_NOT_ALLOWED = "surrogate_characters_not_allowed", _("The text contains invalid characters.")
    INVALID_IMAGE = "invalid_image", _("The file is not a valid image.")
    NO_NAME = "no_name", _("The uploaded file has no name.")
    YEAR_RANGE = "year_range", _("The date lies outside the years 1900–2100.")
    INVALID_YEAR = "invalid_year", _("The year is not a valid year.")
    INVALID_NUMBER = "invalid_number", _("The value is not a valid number.")
    OUT_OF_RANGE = "out_of_range", _("The number lies outside the allowed range.")
    INVALID_DATE = "invalid_date", _("The value is not a valid date.")
    NUL_CHARACTER = "nul_character", _("The request contains a NUL character.")
    PARSE_ERROR = "parse_error", _("The request body cannot be read.")
    TOO_LARGE = "too_large", _("The request body (413) or an uploaded file (400) is too large.")
    UNREADABLE_FILE = "unreadable_file", _("The uploaded file cannot be read.")
    UNKNOWN_FIELD = "unknown_field", _("The field cannot be changed here.")
    # The bulk exchange (core/api/bulk.py): a row's error, and the refusals of a write (nothing written).
    ROW_INVALID = "row_invalid", _("A row of a bulk request has an error (see its message).")
    ROWS_INVALID = "rows_invalid", _("Rows of the bulk request have errors: nothing was written.")
    WARNINGS_UNCONFIRMED = "warnings_unconfirmed", _("The check has warnings to confirm: nothing was written.")
    # Who may do what (401, 403, 404).
    NOT_AUTHENTICATED = "not_authenticated", _("Sign in or send an API token.")
    AUTHENTICATION_FAILED = "authentication_failed", _("The credentials are wrong.")
    PERMISSION_DENIED = "permission_denied", _("You may not do this.")
    INSUFFICIENT_SCOPE = "insufficient_scope", _("The system client's token lacks the scope this endpoint needs.")
    NOT_FOUND = "not_found", _("Not found, or outside your jurisdiction.")
    # The request itself (405, 406, 415, 429) and the fallback.
    METHOD_NOT_ALLOWED = "method_not_allowed", _("This method is not allowed here.")
    NOT_ACCEPTABLE = "not_acceptable", _("The requested response format is not available.")
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", _("The request body's format is not supported.")
    THROTTLED = "throttled", _("Too many requests; try again later.")
    ERROR = "error", _("The request failed.")
    # Incremental sync and optimistic concurrency (core/api/filters.py, core/api/concurrency.py).
    INVALID_DATETIME = "invalid_datetime", _("A date-time with a time zone (ISO 8601) is expected.")
    INVALID_ORDERING = "invalid_ordering", _("The list cannot be sorted by this field.")
    INVALID_CURSOR = "invalid_cursor", _("The cursor is not valid.")
    PRECONDITION_FAILED = "precondition_failed", _("The record has changed since you read it (If-Match).")


CONFLICTS: frozenset[str] = frozenset()

# The HTTP status each code of this module comes with; every other code is 400, or 409 when in an app's CONFLICTS.
STATUS = {
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.AUTHENTICATION_FAILED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.INSUFFICIENT_SCOPE: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.NOT_ACCEPTABLE: 406,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.THROTTLED: 429,
    ErrorCode.PRECONDITION_FAILED: 412,
}


class Invalid(ValidationError):
    """Invalid input (400) with its code, on one field (`field`) or on the whole input."""

    def __init__(self, message, *, code, field=None, params=None):
        error = ValidationError(message, code=str(code), params=params)
        super().__init__({field: error} if field else error)
        self.error_code = str(code)


class Conflict(ValidationError):
    """Not allowed in the record's current state (409), with its code; `field` names what is in the way."""

    def __init__(self, message, *, code, field=None, params=None):
        error = ValidationError(message, code=str(code), params=params)
        super().__init__({field: error} if field else error)
        self.error_code = str(code)


class Entry:
    __slots__ = ("code", "label", "app", "status")

    def __init__(self, code, label, app, status):
        self.code, self.label, self.app, self.status = code, label, app, status


@cache
def registry() -> dict[str, Entry]:
    """Every registered code → its entry, core's first, then each installed app's `errors` module in app order."""
    found: dict[str, Entry] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.errors"
        if config.name != "core" and importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        enum = getattr(module, "ErrorCode", None)
        if enum is None:
            continue
        conflicts = {str(c) for c in getattr(module, "CONFLICTS", ())}
        statuses = {str(c): s for c, s in getattr(module, "STATUS", {}).items()}
        for member in enum:
            status = 409 if member.value in conflicts else statuses.get(member.value, 400)
            if member.value in found:
                raise ValueError(f"error code {member.value!r} is declared by {found[member.value].app} and {name}")
            found[member.value] = Entry(member.value, member.label, config.label, status)
    return found


def codes() -> list[str]:
    return list(registry())


def known(code, default=ErrorCode.INVALID) -> str:
    """`code` when it is registered, otherwise `default` (a client never meets an undocumented code)."""
    code = str(code) if code else ""
    return code if code in registry() else str(default)


def choices() -> list[tuple[str, str]]:
    """Every registered code with its meaning (the OpenAPI enum `ErrorCodeEnum`, settings.ENUM_NAME_OVERRIDES)."""
    return [(entry.code, entry.label) for entry in registry().values()]
