"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the clue closed loop, so a 12345 hotline or a
provincial platform can read and file clues in the standard it already speaks, in JSON or XML (the URL's suffix,
grid_woodpecker/open311_format.py), with mySociety's `servicerequestupdates` extension.

service_code is a clue category's code, its questions the service's attributes (grid_woodpecker/attributes.py); a
request's place is given by `address_id`, the code of a grid or building; `jurisdiction_id` is a unit's code.
Reading requests and updates and filing need an `api_key` issued to an external system's service user, and stay
inside that key's jurisdiction (its unit's subtree): a `jurisdiction_id` outside it is not found (404). What is
published carries no reporter or personal data; clues not yet triaged (submitted), rejected or merged are not
published at all, except that a client still sees the requests it filed itself and staff then rejected: closed,
with a fixed note in place of the rejection's reason (free text staff wrote for the portal); coordinates are
rounded to 3 decimals (about 100 m), so a published clue does not point at a reporter's door; `media_url` is a
photo staff cleared for the public (services/public_media.py), never another.
"""

import json
import math
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.api.throttling import WindowThrottle
from core.params import BadParameter, parse_datetime
from notifications.text import scrub
from organizations.models import OrganizationUnit, UnitKind

from .attributes import check_definition
from .models import Clue, ClueCategory, ClueEvent, CluePhoto, ClueSource, ClueStatus
from .open311_format import FORMATS, error, respond
from .services.clues import clue_submit
from .services.common import categories_for
from .services.open311_keys import open311_key_lookup

CLOSED = (ClueStatus.CLOSED, ClueStatus.REJECTED, ClueStatus.MERGED)
# Never published: not yet triaged (a woodpecker's raw report), refused, or folded into another clue.
UNPUBLISHED = (ClueStatus.SUBMITTED, ClueStatus.REJECTED, ClueStatus.MERGED)
# What a client reads of a request it filed that staff rejected, instead of the reason (written for the portal).
REJECTED_NOTE = gettext_lazy(
    "Not accepted after verification: the request is closed. For details, contact the unit responsible."
)
COORDINATE_DECIMALS = 3  # 0.001° is about 111 m of latitude (and less of longitude): a street, not a door
MAX_REQUESTS = 1000
MAX_DESCRIPTION = 2000  # as the portal's and the API's clue forms
MAX_CODE = 32  # a unit's or a category's code
DEFAULT_DAYS = 90  # the spec's default window of requested_datetime
CHANGESET = "2026-12-01T00:00:00+08:00"
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]{1,64})\](\[\])?$")


class Refused(Exception):
    """An Open311 error answer: the spec's error body with this HTTP status."""

    def __init__(self, status: int, description):
        super().__init__(description)
        self.status, self.description = status, description


def open311_view(view):
    """Check the format suffix (json or xml, else 404 in JSON) and turn a `Refused` into the spec's error body."""

    def wrapped(request, *args, format, **kwargs):  # noqa: A002 -- the URL's kwarg, named as DRF's suffix
        if format not in FORMATS:
            return error("json", 404, _("Unknown format: use .json or .xml."))
        try:
            return view(request, *args, fmt=format, **kwargs)
        except Refused as refused:
            return error(format, refused.status, refused.description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _iso(dt):
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _key(params, *, required: bool):
    """The active key named by `api_key`; None when none is given and none is required; 403 otherwise."""
    raw = str(params.get("api_key", "") or "")
    if not raw and not required:
        return None
    key = open311_key_lookup(raw[:200])
    if key is None:
        raise Refused(403, _("An api_key is required to read service requests, and only its jurisdiction is shown."))
    return key


def _jurisdiction(params, key) -> OrganizationUnit | None:
    """The unit named by `jurisdiction_id` (404 when unknown, or outside the key's jurisdiction); without one, the
    key's unit (or None for a public read without a key)."""
    code = str(params.get("jurisdiction_id", "") or "").strip()
    if not code:
        return key.unit if key is not None else None
    unit = OrganizationUnit.objects.filter(code=code).first() if len(code) <= MAX_CODE else None
    if unit is None or (key is not None and not unit.path.startswith(key.unit.path)):
        raise Refused(404, _("No unit with this jurisdiction_id in this key's jurisdiction."))
    return unit


# --- discovery and services ----------------------------------------------------------------------------------------


@require_GET
@open311_view
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"format": fmt})).rsplit("/", 1)[0] + "/"
    endpoint = {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": base,
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }
    body = {
        "changeset": CHANGESET,
        "contact": str(_("Organization department: grid woodpecker platform")),
        "key_service": str(_("Ask the organization department for an api_key")),
        "endpoints": [endpoint],
    }
    return respond(fmt, "discovery", body)


def questions(category: ClueCategory) -> list[dict]:
    try:
        return check_definition(category.attributes)
    except ValidationError:  # stored by hand outside the services: published as no question rather than a 500
        return []


def _categories(request, key):
    """The active categories used in the jurisdiction: configured at it, above it or below it; one per code (the
    highest configuration of a code wins)."""
    qs = ClueCategory.objects.filter(is_active=True).select_related("unit")
    unit = _jurisdiction(request.GET, key)
    if unit is not None:
        lineage = [int(segment) for segment in unit.path.split(".") if segment]
        below = ClueCategory.objects.filter(unit__path__startswith=unit.path).values("pk")
        qs = qs.filter(unit_id__in=lineage) | qs.filter(pk__in=below)
    seen, out = set(), []
    for category in qs.order_by("code", "unit__depth"):
        if category.code not in seen:
            seen.add(category.code)
            out.append(category)
    return out


def _service(category: ClueCategory) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("%(name)s (to be handled within %(days)d days)")
        % {"name": category.name, "days": category.deadline_days},
        "metadata": any(q["variable"] for q in questions(category)),
        "type": "realtime",
        "keywords": "",
        "group": str(_("Grid woodpeckers")),
    }


@require_GET
@open311_view
def service_list(request, fmt):
    categories = _categories(request, _key(request.GET, required=False))
    return respond(fmt, "services", [_service(c) for c in categories])


def _attribute(question: dict) -> dict:
    return {
        "variable": question["variable"],
        "code": question["code"],
        "datatype": question["datatype"],
        "required": question["required"],
        "datatype_description": question["datatype_description"],
        "order": question["order"],
        "description": question["description"],
        "values": [{"key": v["key"], "name": v["name"]} for v in question["values"]],
    }


@require_GET
@open311_view
def service_definition(request, code, fmt):
    categories = [c for c in _categories(request, _key(request.GET, required=False)) if c.code == code]
    if not categories:
        raise Refused(404, _("No service with this service_code."))
    body = {"service_code": code, "attributes": [_attribute(q) for q in questions(categories[0])]}
    return respond(fmt, "service_definition", body)


# --- requests ------------------------------------------------------------------------------------------------------


def _rounded(value):
    return round(float(value), COORDINATE_DECIMALS) if value is not None else None


def media_url(request, photos, stage) -> str:
    """The public address of the clue's first photo of `stage` cleared for the public, or "" (never another)."""
    photo = next((p for p in photos if p.stage == stage and p.public_token), None)
    if photo is None:
        return ""
    return request.build_absolute_uri(reverse("open311:media", args=[photo.public_token]))


def _request_json(request, clue: Clue) -> dict:
    notes = REJECTED_NOTE if clue.status == ClueStatus.REJECTED else clue.resolution or ClueStatus(clue.status).label
    return {
        "service_request_id": str(clue.pk),
        "status": "closed" if clue.status in CLOSED else "open",
        "status_notes": scrub(str(notes)),
        "service_name": clue.category.name,
        "service_code": clue.category.code,
        "description": clue.description,
        "agency_responsible": clue.department.name if clue.department_id else clue.grid.parent.name,
        "service_notice": "",
        "requested_datetime": _iso(clue.submitted_at),
        "updated_datetime": _iso(clue.updated_at),
        "expected_datetime": _iso(clue.deadline),
        "address": clue.address or clue.grid.name,
        "address_id": clue.building.code if clue.building_id else clue.grid.code,
        "zipcode": "",
        "lat": _rounded(clue.latitude),
        "long": _rounded(clue.longitude),
        "media_url": media_url(request, clue.photos.all(), CluePhoto.Stage.REPORT),
    }


def _public_clues(unit, key):
    """The clues published in `unit`'s subtree to `key`'s client: the triaged ones, and those it filed itself that
    staff rejected (so they do not vanish from the hotline: closed, with REJECTED_NOTE)."""
    own_rejected = Q(status=ClueStatus.REJECTED, source=ClueSource.OPEN311, submitted_by_id=key.user_id)
    return (
        Clue.objects.filter(grid__path__startswith=unit.path)
        .filter(~Q(status__in=UNPUBLISHED) | own_rejected)
        .select_related("category", "grid__parent", "department", "building")
        .prefetch_related("photos")
    )


def _date(params, *names):
    """The first of `names` given, as a W3C date-time (400 otherwise)."""
    try:
        for name in names:
            value = parse_datetime(params, name, default=None)
            if value is not None:
                return value
    except BadParameter:
        raise Refused(400, _("Dates must be W3C date-times, such as 2024-05-01T08:00:00+08:00.")) from None
    return None


def _filter_dates(qs, params):
    """start_date/end_date on requested_datetime (by default the last 90 days, as the spec says, unless an
    updated_datetime bound is asked); start_updated/end_updated (or updated_after/updated_before) on
    updated_datetime."""
    start, end = _date(params, "start_date"), _date(params, "end_date")
    start_updated = _date(params, "start_updated", "updated_after")
    end_updated = _date(params, "end_updated", "updated_before")
    if start_updated or end_updated:
        qs = qs.filter(updated_at__gte=start_updated) if start_updated else qs
        qs = qs.filter(updated_at__lte=end_updated) if end_updated else qs
    elif not start:
        start = (end or timezone.now()) - timezone.timedelta(days=DEFAULT_DAYS)
    qs = qs.filter(submitted_at__gte=start) if start else qs
    return qs.filter(submitted_at__lte=end) if end else qs


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests_view(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    key = _key(params, required=True)
    qs = _public_clues(_jurisdiction(params, key), key)
    if params.get("service_request_id"):
        ids = [int(i) for i in params["service_request_id"].split(",") if re.fullmatch(r"\s*[0-9]{1,18}\s*", i)]
        return respond(fmt, "service_requests", [_request_json(request, c) for c in qs.filter(pk__in=ids[:100])])
    if params.get("service_code"):
        qs = qs.filter(category__code__in=params["service_code"].split(",")[:100])
    wanted = set(params.get("status", "").split(",")) - {""}
    if wanted == {"open"}:
        qs = qs.exclude(status__in=CLOSED)
    elif wanted == {"closed"}:
        qs = qs.filter(status__in=CLOSED)
    qs = _filter_dates(qs, params).order_by("-submitted_at", "-id")
    return respond(fmt, "service_requests", [_request_json(request, c) for c in qs[:MAX_REQUESTS]])


@require_GET
@open311_view
def request_detail(request, pk, fmt):
    key = _key(request.GET, required=True)
    clue = _public_clues(_jurisdiction(request.GET, key), key).filter(pk=pk).first()
    if clue is None:
        raise Refused(404, _("No request with this service_request_id."))
    return respond(fmt, "service_requests", [_request_json(request, clue)])


def _body(request) -> dict:
    """The POST's fields: a form (a list field keeps its list) or a JSON object."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise Refused(400, _("The body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise Refused(400, _("The body is not valid JSON."))
        return data
    return {k: (v if len(v) > 1 else v[0]) for k, v in request.POST.lists()}


def _answers(data: dict) -> dict:
    """`attribute[code]=value` (and `attribute[code][]` for a list) as {code: value}; a JSON body may also give
    `"attribute": {code: value}`."""
    answers = dict(data["attribute"]) if isinstance(data.get("attribute"), dict) else {}
    for name, value in data.items():
        match = ATTRIBUTE_KEY.fullmatch(str(name))
        if match:
            answers[match.group(1)] = value
    return answers


def _throttled(key):
    refused = WindowThrottle.check("open311", key.pk)  # DRF's sliding-window throttle, one bucket per api_key
    if refused is None:
        return None
    description = _("Too many requests: at most %(n)d a minute. Please try again later.") % {"n": refused.num_requests}
    return refused, description


def _place(data, key):
    """The grid (and building) named by address_id inside the jurisdiction, or 400."""
    unit = _jurisdiction(data, key)
    code = str(data.get("address_id", "") or "")
    place = None
    if code and len(code) <= MAX_CODE:
        place = OrganizationUnit.objects.filter(code=code, path__startswith=unit.path).first()
    if place is None or place.kind not in (UnitKind.GRID, UnitKind.BUILDING):
        raise Refused(400, _("address_id must be the code of a grid or building in this key's jurisdiction."))
    return (place.parent, place) if place.kind == UnitKind.BUILDING else (place, None)


def _create(request, fmt):
    data = _body(request)
    key = open311_key_lookup(str(data.get("api_key", "") or "")[:200])
    if key is None:
        raise Refused(403, _("The api_key is invalid or disabled."))
    throttled = _throttled(key)
    if throttled is not None:
        response = error(fmt, 429, throttled[1])
        response["Retry-After"] = str(math.ceil(throttled[0].wait() or 1))
        return response
    if not data.get("service_code"):
        raise Refused(400, _("service_code is required."))
    if len(str(data.get("description", ""))) > MAX_DESCRIPTION or len(str(data.get("address_string", ""))) > 200:
        raise Refused(400, _("The description is limited to %(n)d characters.") % {"n": MAX_DESCRIPTION})
    grid, building = _place(data, key)
    category = next((c for c in categories_for(grid) if c.code == data["service_code"]), None)
    if category is None:
        raise Refused(404, _("No service with this service_code."))
    try:
        clue = clue_submit(
            actor=key.user,
            source=ClueSource.OPEN311,
            category=category,
            grid=grid,
            building=building,
            description=str(data.get("description", "")),
            address=str(data.get("address_string", "")),
            latitude=data.get("lat") or None,
            longitude=data.get("long") or None,
            check_limits=False,
            attributes=_answers(data),
        )
    except ValidationError as exc:
        raise Refused(400, " ".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise Refused(403, str(exc)) from None
    reply = [{"service_request_id": str(clue.pk), "service_notice": "", "account_id": None}]
    return respond(fmt, "service_requests", reply, status=201)


# --- service request updates (mySociety's extension) ---------------------------------------------------------------


def _update_json(request, event: ClueEvent) -> dict:
    clue = event.clue
    description = str(ClueStatus(event.to_status).label)
    if event.to_status == ClueStatus.REJECTED:  # the note is the reason, written for the portal: never published
        description = f"{description}：{REJECTED_NOTE}"
    elif event.to_status == ClueStatus.RESOLVED and event.note:
        description = f"{description}：{scrub(event.note)}"
    stage = CluePhoto.Stage.RESOLUTION if event.to_status == ClueStatus.RESOLVED else CluePhoto.Stage.REPORT
    return {
        "update_id": str(event.pk),
        "service_request_id": str(clue.pk),
        "status": "closed" if event.to_status in CLOSED else "open",
        "updated_datetime": _iso(event.created_at),
        "description": description,
        "media_url": media_url(request, clue.photos.all(), stage),
    }


@require_GET
@open311_view
def updates_view(request, fmt):
    """Each state change of the published clues in the jurisdiction between start_date and end_date (by default the
    last 90 days), oldest first: what the hotline needs to follow the requests it filed."""
    params = request.GET
    key = _key(params, required=True)
    unit = _jurisdiction(params, key)
    start, end = _date(params, "start_date"), _date(params, "end_date")
    end = end or timezone.now()
    start = start or end - timezone.timedelta(days=DEFAULT_DAYS)
    events = (
        ClueEvent.objects.filter(
            kind=ClueEvent.Kind.TRANSITION,
            clue__in=_public_clues(unit, key).values("pk"),
            created_at__gte=start,
            created_at__lte=end,
        )
        .exclude(to_status=ClueStatus.SUBMITTED)
        .select_related("clue")
        .prefetch_related("clue__photos")
        .order_by("created_at", "id")
    )
    return respond(fmt, "service_request_updates", [_update_json(request, e) for e in events[:MAX_REQUESTS]])


# --- public media --------------------------------------------------------------------------------------------------


@require_GET
def public_photo(request, token):
    """A photo cleared for the public, by its unguessable token: no login; nothing else is ever served here."""
    photo = CluePhoto.objects.filter(public_token=token).exclude(public_image="").first() if len(token) <= 64 else None
    if photo is None:
        raise Http404
    response = FileResponse(photo.public_image.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=600"  # a withdrawn photo leaves shared caches within 10 minutes
    response["Content-Disposition"] = 'inline; filename="photo.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
