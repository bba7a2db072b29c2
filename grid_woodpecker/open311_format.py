"""The two formats of Open311 GeoReport v2: JSON and XML, chosen by the URL's suffix (`requests.json`,
`requests.xml`). Every endpoint builds plain data (dicts, lists, strings, numbers, booleans, None) and answers it
through `respond`, so both formats carry the same fields under the spec's names.

XML is built with xml.etree (never by joining strings): the root and the name of each list's items are the spec's
(`<service_requests><request>…`, `<errors><error>…`, `<attributes><attribute>…`); a value is text, None an empty
element, a boolean `true`/`false`; characters XML 1.0 cannot carry (control characters) are dropped.
"""

import re

# Building XML only, nothing is parsed here (what B405 warns of); hence the marks.
import xml.etree.ElementTree as ET  # noqa: S405 # nosec B405

from django.http import HttpResponse, JsonResponse

FORMATS = ("json", "xml")
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
# The element name of one item of each list, by the list's own name (the spec's plurals).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, data, status: int = 200):
    """`data` as JSON (as it is) or as XML under `root`."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), status=status, content_type=XML_CONTENT_TYPE)
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(fmt: str, code: int, description) -> HttpResponse:
    """The spec's error body, `[{"code", "description"}]` or `<errors><error><code/><description/></error></errors>`,
    with the HTTP status `code`. An unknown format answers in JSON."""
    return respond(fmt if fmt in FORMATS else "json", "errors", [{"code": code, "description": str(description)}], code)
