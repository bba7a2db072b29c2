"""The API's JSON parser, with a depth and a size bound.

Python's `json` recurses once per nesting level: a body nested 5,000 deep raises RecursionError (a 500 before this
parser). The depth is measured on the raw text before decoding (strings removed first, so brackets inside strings do
not count); the size is bounded because DRF reads the body from the stream, past Django's
DATA_UPLOAD_MAX_MEMORY_SIZE check. NUL characters are refused too: PostgreSQL cannot store them in text or jsonb.
"""

import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "Request body too large."


def json_depth(text: str) -> int:
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(_("The request body is larger than %(n)d bytes.") % {"n": limit})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(_("The body is not valid JSON.")) from None
        if json_depth(text) > MAX_DEPTH:
            raise exceptions.ParseError(_("The JSON is nested more than %(n)d levels deep.") % {"n": MAX_DEPTH})
        if "\\u0000" in text or "\x00" in text:
            raise exceptions.ParseError(_("The body contains a NUL character."))
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise exceptions.ParseError(_("The body is not valid JSON.")) from None


def _refuse_constant(name):
    # NaN and Infinity are not JSON (RFC 8259) and break decimal fields further on.
    raise ValueError(name)
