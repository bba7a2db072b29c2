"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the clue closed loop, so a 12345 hotline or a
provincial platform can read and file clues in the standard it already speaks. JSON only.

service_code is a clue category's code; a request's place is given by `address_id`, the code of a grid or building.
Reading and filing both need an `api_key` issued to an external system's service user, and stay inside that key's
jurisdiction (its unit's subtree). What is published carries no reporter or personal data; clues not yet triaged
(submitted), rejected or merged are not published at all; coordinates are rounded to 3 decimals (about 100 m), so a
published clue does not point at a reporter's door.
"""

import json
import math
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.api.throttling import WindowThrottle
from core.params import BadParameter, parse_datetime
from organizations.models import OrganizationUnit, UnitKind

from .models import Clue, ClueCategory, ClueSource, ClueStatus
from .services.clues import clue_submit
from .services.common import categories_for
from .services.open311_keys import open311_key_lookup

CLOSED = (ClueStatus.CLOSED, ClueStatus.REJECTED, ClueStatus.MERGED)
# Never published: not yet triaged (a woodpecker's raw report), refused, or folded into another clue.
UNPUBLISHED = (ClueStatus.SUBMITTED, ClueStatus.REJECTED, ClueStatus.MERGED)
COORDINATE_DECIMALS = 3  # 0.001° is about 111 m of latitude (and less of longitude): a street, not a door
MAX_REQUESTS = 1000
MAX_DESCRIPTION = 2000  # as the portal's and the API's clue forms


def _error(code: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": code, "description": description}], status=code, safe=False)


def _iso(dt):
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


@require_GET
def discovery(request):
    base = request.build_absolute_uri(reverse("open311:discovery")).rsplit("/", 1)[0] + "/"
    return JsonResponse(
        {
            "changeset": "2026-01-01T00:00:00+08:00",
            "contact": _("Organization department: grid woodpecker platform"),
            "key_service": _("Ask the organization department for an api_key"),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-01-01T00:00:00+08:00",
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )


def _categories(request):
    qs = ClueCategory.objects.filter(is_active=True).select_related("unit")
    jurisdiction = request.GET.get("jurisdiction_id")
    if jurisdiction:
        unit = OrganizationUnit.objects.filter(code=jurisdiction).first()
        if unit is None:
            return None
        qs = qs.filter(unit__in=list(OrganizationUnit.objects.ancestors_of(unit)) + [unit])
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
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": str(_("Grid woodpeckers")),
    }


@require_GET
def service_list(request):
    categories = _categories(request)
    if categories is None:
        return _error(404, _("No unit with this jurisdiction_id."))
    return JsonResponse([_service(c) for c in categories], safe=False)


@require_GET
def service_definition(request, code):
    categories = [c for c in (_categories(request) or []) if c.code == code]
    if not categories:
        return _error(404, _("No service with this service_code."))
    return JsonResponse({"service_code": code, "attributes": []})


def _rounded(value):
    return round(float(value), COORDINATE_DECIMALS) if value is not None else None


def _request_json(request, clue: Clue) -> dict:
    photo = next((p for p in clue.photos.all() if p.stage == "report"), None)
    notes = clue.reject_reason or clue.resolution or ClueStatus(clue.status).label
    return {
        "service_request_id": str(clue.pk),
        "status": "closed" if clue.status in CLOSED else "open",
        "status_notes": notes,
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
        "media_url": request.build_absolute_uri(reverse("grid_woodpecker:photo", args=[photo.pk])) if photo else "",
    }


def _reader_key(request):
    """The active key named by `api_key` in the query, or None."""
    return open311_key_lookup(request.GET.get("api_key", ""))


def _public_clues(key):
    """The clues `key` may read: triaged ones in its unit's subtree."""
    return (
        Clue.objects.filter(grid__path__startswith=key.unit.path)
        .exclude(status__in=UNPUBLISHED)
        .select_related("category", "grid__parent", "department", "building")
        .prefetch_related("photos")
    )


def _key_required() -> JsonResponse:
    return _error(403, _("An api_key is required to read service requests, and only its jurisdiction is shown."))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request):
    if request.method == "POST":
        return _create(request)
    key = _reader_key(request)
    if key is None:
        return _key_required()
    qs = _public_clues(key)
    params = request.GET
    if params.get("service_request_id"):
        ids = [int(i) for i in params["service_request_id"].split(",") if re.fullmatch(r"\s*[0-9]{1,18}\s*", i)]
        return JsonResponse([_request_json(request, c) for c in qs.filter(pk__in=ids)], safe=False)
    if params.get("service_code"):
        qs = qs.filter(category__code__in=params["service_code"].split(","))
    status = params.get("status")
    if status:
        wanted = set(status.split(","))
        if wanted == {"open"}:
            qs = qs.exclude(status__in=CLOSED)
        elif wanted == {"closed"}:
            qs = qs.filter(status__in=CLOSED)
    try:  # W3C date-times from 1900 to 2100 (year 1 would overflow the 90-day window below)
        end_dt = parse_datetime(params, "end_date", default=None) or timezone.now()
        start_dt = parse_datetime(params, "start_date", default=None) or end_dt - timezone.timedelta(days=90)
    except BadParameter:
        return _error(400, _("start_date and end_date must be W3C date-times."))
    qs = qs.filter(submitted_at__gte=start_dt, submitted_at__lte=end_dt).order_by("-submitted_at")
    return JsonResponse([_request_json(request, c) for c in qs[:MAX_REQUESTS]], safe=False)


@require_GET
def request_detail(request, pk):
    key = _reader_key(request)
    if key is None:
        return _key_required()
    clue = _public_clues(key).filter(pk=pk).first()
    if clue is None:
        return _error(404, _("No request with this service_request_id."))
    return JsonResponse([_request_json(request, clue)], safe=False)


def _create(request):
    data = request.POST
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return _error(400, _("The body is not valid JSON."))
    key = open311_key_lookup(data.get("api_key", ""))
    if key is None:
        return _error(403, _("The api_key is invalid or disabled."))
    refused = WindowThrottle.check("open311", key.pk)  # DRF's sliding-window throttle, one bucket per api_key
    if refused is not None:
        response = _error(
            429,
            _("Too many requests: at most %(n)d a minute. Please try again later.") % {"n": refused.num_requests},
        )
        response["Retry-After"] = str(math.ceil(refused.wait() or 1))
        return response
    if not data.get("service_code"):
        return _error(400, _("service_code is required."))
    if len(str(data.get("description", ""))) > MAX_DESCRIPTION or len(str(data.get("address_string", ""))) > 200:
        return _error(400, _("The description is limited to %(n)d characters.") % {"n": MAX_DESCRIPTION})
    code = data.get("address_id", "")
    place = OrganizationUnit.objects.filter(code=code, path__startswith=key.unit.path).first() if code else None
    if place is None or place.kind not in (UnitKind.GRID, UnitKind.BUILDING):
        return _error(400, _("address_id must be the code of a grid or building in this key's jurisdiction."))
    grid, building = (place.parent, place) if place.kind == UnitKind.BUILDING else (place, None)
    category = next((c for c in categories_for(grid) if c.code == data["service_code"]), None)
    if category is None:
        return _error(404, _("No service with this service_code."))
    try:
        clue = clue_submit(
            actor=key.user,
            source=ClueSource.OPEN311,
            category=category,
            grid=grid,
            building=building,
            description=data.get("description", ""),
            address=data.get("address_string", ""),
            latitude=data.get("lat") or None,
            longitude=data.get("long") or None,
            check_limits=False,
        )
    except ValidationError as exc:
        return _error(400, " ".join(exc.messages))
    except PermissionDenied as exc:
        return _error(403, str(exc))
    return JsonResponse(
        [{"service_request_id": str(clue.pk), "service_notice": "", "account_id": None}], status=201, safe=False
    )
