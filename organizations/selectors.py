"""Reads of the organization tree. Every one starts from the user's scoped queryset."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from rest_framework import exceptions

from accounts.permissions import CHANGE, VIEW, units_for, units_queryset
from core.models import AuditEntry

from . import geo
from .errors import ErrorCode
from .models import OrganizationUnit, UnitBoundary, UnitKind


def units_visible(*, user):
    return OrganizationUnit.objects.restrict(user)


def unit_get(*, user, pk) -> OrganizationUnit:
    """A unit in the user's jurisdiction, or OrganizationUnit.DoesNotExist (views turn that into 404)."""
    return units_visible(user=user).select_related("parent", "party_org").get(pk=pk)


def scope_roots(*, user):
    """The top units of the user's jurisdiction (a superuser's are the tree's roots)."""
    if user.is_superuser:
        roots = OrganizationUnit.objects.filter(parent__isnull=True)
    else:
        roots = OrganizationUnit.objects.filter(path__in=units_for(user, OrganizationUnit, VIEW))
    return roots.select_related("party_org").annotate(child_count=Count("children")).order_by("path")


def unit_children(*, user, unit):
    return (
        units_visible(user=user)
        .filter(parent=unit)
        .select_related("party_org")
        .annotate(child_count=Count("children"))
        .order_by("sort_order", "code")
    )


def unit_breadcrumbs(*, user, unit):
    """The unit's ancestors that lie in the user's jurisdiction, root first, then the unit itself."""
    return list(units_visible(user=user).ancestors_of(unit, include_self=True))


def unit_kind_counts(*, unit) -> dict[str, int]:
    """How many units of each kind lie under `unit` (itself excluded): one grouped query."""
    rows = OrganizationUnit.objects.subtree(unit, include_self=False).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}


def units_search(*, user, query: str, limit: int = 50):
    query = (query or "").strip()
    qs = units_visible(user=user).select_related("parent")
    if not query:
        return qs.none()
    return qs.filter(Q(name__icontains=query) | Q(code__istartswith=query.upper())).order_by("path")[:limit]


def unit_history(*, user, unit, limit: int = 10):
    """The latest audit entries about the unit itself (who changed what, when)."""
    return list(AuditEntry.objects.restrict(user).filter(unit=unit).select_related("actor")[:limit])


def unit_by_code(user, code, *, field: str = "unit_code", model=None, action: str = CHANGE, anywhere: bool = False):
    """The unit an API body names by `code` (trimmed, upper case): one where `user` may do `action` to records of
    `model` (default: units themselves), or — `anywhere` — any unit (a transfer's receiving side in another
    county). None found: a 400 on `field` that does not say whether the code exists outside the jurisdiction."""
    qs = OrganizationUnit.objects.filter(code=str(code or "").strip().upper())
    if not anywhere:
        qs = qs & units_queryset(user, model or OrganizationUnit, action)
    unit = qs.first()
    if unit is None:
        message = _("No unit has this code.") if anywhere else _("No unit with this code in your jurisdiction.")
        raise exceptions.ValidationError({field: [message]}, code=ErrorCode.UNKNOWN_UNIT)
    return unit


def units_for_sheet(user, model, action: str, texts) -> dict[str, OrganizationUnit]:
    """The units a sheet names, in one query, among those where `user` may do `action` to records of `model`:
    text → unit, by code (upper case), by the unit's exact name or by its party organization's exact name (a branch
    by name). A name two units share in the scope is left out: the row must give the code."""
    wanted = {str(t).strip() for t in texts if str(t or "").strip()}
    codes = {t.upper() for t in wanted}
    units = (units_queryset(user, model, action) & OrganizationUnit.objects.all()).filter(
        Q(code__in=codes) | Q(name__in=wanted) | Q(party_org__name__in=wanted)
    )
    found: dict[str, OrganizationUnit] = {}
    names: dict[str, set] = {}
    for unit in units.select_related("party_org"):
        found[unit.code] = unit
        for name in {unit.name, getattr(getattr(unit, "party_org", None), "name", "")} - {""}:
            names.setdefault(name, set()).add(unit)
    for name, matches in names.items():
        if len(matches) == 1 and name not in found:
            found[name] = next(iter(matches))
    return found


def unit_outlines(*, user, unit) -> tuple[list[dict], bool]:
    """What a unit's map draws: the outlines of its children in the user's jurisdiction, as GeoJSON features
    (`id`, `name`, `kind`), or the unit's own outline when none of its children has one. Also whether any of them
    was drawn for illustration. Two queries."""
    children = (
        UnitBoundary.objects.filter(unit__in=units_visible(user=user).filter(parent=unit, is_active=True))
        .select_related("unit")
        .order_by("unit__sort_order", "unit__code")
    )
    rows = list(children) or list(UnitBoundary.objects.filter(unit=unit).select_related("unit"))
    features = [
        {
            "type": "Feature",
            "id": row.unit.pk,
            "properties": {"name": row.unit.name, "id": row.unit.pk, "kind": row.unit.kind},
            "geometry": row.geometry,
        }
        for row in rows
    ]
    return features, any(row.generated for row in rows)


def grid_at(*, lng: float, lat: float) -> OrganizationUnit | None:
    """The active grid whose outline holds the point (anyone may ask: grids and their names are public, the sign-up
    lists them), with its village or community and township (`parent`, `parent.parent`). The bounding boxes pick
    the few candidates by index; the outlines decide. Where drawn outlines overlap, the first grid by code."""
    candidates = (
        UnitBoundary.objects.filter(
            unit__kind=UnitKind.GRID,
            unit__is_active=True,
            min_lng__lte=lng,
            max_lng__gte=lng,
            min_lat__lte=lat,
            max_lat__gte=lat,
        )
        .select_related("unit__parent__parent")
        .order_by("unit__code")
    )
    for row in candidates[:50]:
        if geo.contains(row.geometry, lng, lat):
            return row.unit
    return None
