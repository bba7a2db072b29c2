"""Parsing query parameters: one place that turns `?year=abc` into a 400 with a Chinese field message.

Every view that reads a number, a year or a date from `request.GET` / `request.query_params` goes through these
helpers. They raise `BadParameter`, a Django `ValidationError` carrying `{field: [message]}`: the API's exception
handler (`core.api.errors`) answers it as the usual 400 body, and `core.middleware.BadInputMiddleware` answers it
with a 400 page for the portal.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ErrorCode

# The years any figure of the portal can be about: wide enough for a member who joined in 1950, narrow enough that
# no date arithmetic overflows.
MIN_YEAR = 1900
MAX_YEAR = 2100
# PostgreSQL `integer`.
INT_MAX = 2**31 - 1
# PostgreSQL `bigint` (the primary keys).
ID_MAX = 2**63 - 1


class BadParameter(ValidationError):
    """A query parameter that cannot be parsed: 400, never 500."""

    # `code` defaults to the generic one only so that a caller written before codes existed keeps working; give one.
    def __init__(self, field: str, message: str, *, code=ErrorCode.INVALID):
        super().__init__({field: ValidationError(message, code=str(code))})
        self.field = field


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_int(params, name: str, *, default=None, min_value: int = -INT_MAX, max_value: int = INT_MAX):
    """`params[name]` as an int in [min_value, max_value]; `default` when absent or empty."""
    value = params.get(name)
    if _missing(value):
        return default
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadParameter(name, _("Enter a whole number."), code=ErrorCode.INVALID_NUMBER) from None
    if not min_value <= number <= max_value:
        message = _("Enter a number from %(min)s to %(max)s.") % {"min": min_value, "max": max_value}
        raise BadParameter(name, message, code=ErrorCode.OUT_OF_RANGE)
    return number


def parse_year(params, name: str = "year", *, default=None, min_value: int = MIN_YEAR, max_value: int = MAX_YEAR):
    """`params[name]` as a year in [min_value, max_value]; `default` when absent or empty."""
    value = params.get(name)
    if _missing(value):
        return default
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadParameter(name, _("Enter a year such as 2024."), code=ErrorCode.INVALID_YEAR) from None
    if not min_value <= year <= max_value:
        message = _("Enter a year from %(min)s to %(max)s.") % {"min": min_value, "max": max_value}
        raise BadParameter(name, message, code=ErrorCode.INVALID_YEAR)
    return year


def parse_date(params, name: str, *, default=None, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR):
    """`params[name]` as a date (YYYY-MM-DD, or the date part of an ISO 8601 date-time) within the year range."""
    value = params.get(name)
    if _missing(value):
        return default
    text = str(value).strip()
    try:
        parsed = datetime.date.fromisoformat(text[:10])
        if len(text) > 10:
            datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(name, _("Enter a date such as 2024-05-01."), code=ErrorCode.INVALID_DATE) from None
    if not min_year <= parsed.year <= max_year:
        message = _("Enter a date from year %(min)s to %(max)s.") % {"min": min_year, "max": max_year}
        raise BadParameter(name, message, code=ErrorCode.YEAR_RANGE)
    return parsed


def parse_datetime(params, name: str, *, default=None, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR):
    """`params[name]` as an aware datetime (ISO 8601; a bare date is midnight in the current time zone)."""
    value = params.get(name)
    if _missing(value):
        return default
    text = str(value).strip()
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(name, _("Enter a date such as 2024-05-01."), code=ErrorCode.INVALID_DATE) from None
    if not min_year <= parsed.year <= max_year:
        message = _("Enter a date from year %(min)s to %(max)s.") % {"min": min_year, "max": max_year}
        raise BadParameter(name, message, code=ErrorCode.YEAR_RANGE)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
