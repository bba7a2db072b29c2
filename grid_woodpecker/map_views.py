"""A unit's map: its children's outlines (organizations.UnitBoundary), the clues under it as points coloured by
status with a heat layer, and the stations. The page draws with ECharts' `geo` (static/js/unit_map.js, no tile
server: nothing is fetched from outside); its data comes from `unit_map_data`, JSON of this portal. In scope through
the permission path (outside: 404); the clues are those the user may see (`Clue.objects.restrict`)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import CHANGE, VIEW, can_at
from core.views import get_scoped_or_404
from organizations import selectors as org_selectors
from organizations.models import OrganizationUnit, UnitBoundary

from . import selectors
from .models import ClueStatus, StationKind

# Point colours by status: waiting red, in hand amber, done green, set aside grey.
STATUS_COLOURS = {
    ClueStatus.SUBMITTED: "#d32f2f",
    ClueStatus.ACCEPTED: "#f57c00",
    ClueStatus.DISPATCHED: "#f9a825",
    ClueStatus.IN_PROGRESS: "#fbc02d",
    ClueStatus.RESOLVED: "#43a047",
    ClueStatus.CLOSED: "#1b5e20",
    ClueStatus.REJECTED: "#9e9e9e",
    ClueStatus.MERGED: "#bdbdbd",
}


def _unit(request, pk):
    return get_scoped_or_404(OrganizationUnit.objects.select_related("parent"), request.user, VIEW, pk=pk)


@login_required
@require_GET
def unit_map(request, pk):
    unit = _unit(request, pk)
    context = {
        "unit": unit,
        "breadcrumbs": org_selectors.unit_breadcrumbs(user=request.user, unit=unit),
        "children": org_selectors.unit_children(user=request.user, unit=unit),
        "can_import": can_at(request.user, CHANGE, UnitBoundary, unit),
    }
    return render(request, "grid_woodpecker/unit_map.html", context)


@login_required
@require_GET
def unit_map_data(request, pk):
    """The map's data as JSON: `outlines` (a FeatureCollection; each feature's `id` the unit id, `url` its map),
    `clues` ([longitude, latitude, status, id]), `statuses`, `stations`, and notes for the page."""
    unit = _unit(request, pk)
    features, generated = org_selectors.unit_outlines(user=request.user, unit=unit)
    for feature in features:
        feature["properties"]["url"] = reverse("grid_woodpecker:unit_map", args=[feature["id"]])
    clues, truncated = selectors.map_clues(user=request.user, unit=unit)
    return JsonResponse(
        {
            "unit": {"id": unit.pk, "name": unit.name, "kind": unit.kind},
            "outlines": {"type": "FeatureCollection", "features": features},
            "generated": generated,
            "clues": clues,
            "truncated": truncated,
            "limit": selectors.MAP_CLUE_LIMIT,
            "statuses": [
                {"key": key, "label": str(label), "colour": STATUS_COLOURS[key]} for key, label in ClueStatus.choices
            ],
            "stations": [
                dict(station, kind_label=str(StationKind(station["kind"]).label))
                for station in selectors.map_stations(user=request.user, unit=unit)
            ],
        }
    )
