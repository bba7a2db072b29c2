"""Reads of the grid woodpeckers. Each starts from the scoped queryset (Model.objects.restrict)."""

import difflib
import math
from datetime import timedelta

from django.db.models import Case, Count, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.permissions import CHANGE, COUNTER, dispatched, units_queryset
from core import crypto
from organizations.models import COUNTY_LEVEL, TOWNSHIP_LEVEL, VILLAGE_LEVEL, OrganizationUnit, UnitKind

from .models import (
    Clue,
    ClueEvent,
    CluePhoto,
    ClueStatus,
    Goods,
    HandlerKind,
    InspectionTask,
    OverdueFlag,
    PointsEntry,
    Rating,
    Redemption,
    RedemptionStatus,
    Station,
    Woodpecker,
    WoodpeckerStatus,
)
from .services.common import DEPARTMENT_KINDS, lineage_ids
from .services.points import policy_for
from .services.stations import price_in_points
from .services.supervision import OPEN_WORK

DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_DISTANCE_M = 200
DUPLICATE_TEXT_RATIO = 0.5


def woodpecker_of(user) -> Woodpecker | None:
    if user is None or not user.is_authenticated:
        return None
    return Woodpecker.objects.select_related("grid", "person", "account").filter(user=user).first()


def my_clues(*, user, woodpecker: Woodpecker):
    """The clues a woodpecker reported ("我的线索"), those awaiting their rating first, then the newest: each with its
    category and its report photos (`report_photos`, for the thumbnail) in one more query for the whole page."""
    return (
        Clue.objects.restrict(user)
        .filter(reporter=woodpecker)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=CluePhoto.objects.filter(stage=CluePhoto.Stage.REPORT).only("id", "clue_id").order_by("id"),
                to_attr="report_photos",
            )
        )
        .annotate(awaits_rating=Case(When(status=ClueStatus.RESOLVED, then=Value(True)), default=Value(False)))
        .order_by("-awaits_rating", "-submitted_at", "-id")
    )


def _distance_m(a: Clue, b: Clue) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (a.latitude, a.longitude, b.latitude, b.longitude)))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def clue_duplicate_candidates(*, user, clue: Clue, limit: int = 5) -> list[tuple[Clue, str]]:
    """Earlier clues likely to report the same problem: same grid and category, recent, and close by, in the same
    building or with similar text. Returns (clue, why) pairs, best first."""
    since = clue.submitted_at - timedelta(days=DUPLICATE_WINDOW_DAYS)
    candidates = (
        Clue.objects.restrict(user)
        .filter(
            grid_id=clue.grid_id,
            category_id=clue.category_id,
            submitted_at__gte=since,
            submitted_at__lt=clue.submitted_at,
        )
        .exclude(pk=clue.pk)
        .exclude(status__in=[ClueStatus.MERGED, ClueStatus.REJECTED])
        .select_related("category")[:50]
    )
    scored = []
    for other in candidates:
        distance = _distance_m(clue, other)
        ratio = difflib.SequenceMatcher(None, clue.description, other.description).ratio()
        if distance is not None and distance <= DUPLICATE_DISTANCE_M:
            scored.append((2 - distance / DUPLICATE_DISTANCE_M, other, "near"))
        elif clue.building_id and clue.building_id == other.building_id:
            scored.append((1.5, other, "building"))
        elif ratio >= DUPLICATE_TEXT_RATIO:
            scored.append((ratio, other, "text"))
    scored.sort(key=lambda item: -item[0])
    return [(other, why) for _score, other, why in scored[:limit]]


def triage_queue(*, user):
    """Submitted clues waiting for the grid worker or community to accept, merge or reject."""
    return (
        Clue.objects.restrict(user)
        .filter(status=ClueStatus.SUBMITTED)
        .select_related("grid", "category", "reporter__person")
        .order_by("submitted_at")
    )


def community_queue(*, user):
    """Accepted clues to hand out, and clues the community handles itself."""
    return (
        Clue.objects.restrict(user)
        .filter(Q(status=ClueStatus.ACCEPTED) | Q(status=ClueStatus.IN_PROGRESS, handler_kind=HandlerKind.COMMUNITY))
        .select_related("grid", "category", "department")
        .order_by("deadline")
    )


def department_queue(*, user):
    """Clues dispatched to the handler's department: to start, in progress."""
    return (
        dispatched(Clue.objects.all(), user)
        .filter(handler_kind=HandlerKind.DEPARTMENT, status__in=[ClueStatus.DISPATCHED, ClueStatus.IN_PROGRESS])
        .select_related("grid", "category", "department")
        .order_by("deadline")
    )


def oversight(*, user, year: int | None = None) -> dict:
    """Counts by state, cards, satisfaction and overdue lists for the township and the organization department."""
    clues = Clue.objects.restrict(user)
    if year:
        clues = clues.filter(submitted_at__year=year)
    by_status = dict(clues.values_list("status").annotate(n=Count("id")).order_by())
    # Satisfaction counts every rating given, including the unsatisfied ones that reopened a clue since.
    satisfied = clues.filter(rating=Rating.SATISFIED).count()
    reopened = (
        ClueEvent.objects.restrict(user)
        .filter(clue__in=clues, from_status=ClueStatus.RESOLVED, to_status=ClueStatus.IN_PROGRESS)
        .count()
    )
    rated_n = satisfied + reopened
    overdue = (
        clues.filter(status__in=OPEN_WORK)
        .exclude(flag="")
        .select_related("grid", "category", "department")
        .order_by("-flag", "deadline")
    )
    handled = by_status.get(ClueStatus.CLOSED, 0) + by_status.get(ClueStatus.RESOLVED, 0)
    by_township = (
        clues.filter(status__in=OPEN_WORK)
        .exclude(flag="")
        .values("grid__parent__parent__name")
        .annotate(
            yellow=Count("id", filter=Q(flag=OverdueFlag.YELLOW)), red=Count("id", filter=Q(flag=OverdueFlag.RED))
        )
        .order_by("-red", "-yellow")
    )
    return {
        "by_status": [(ClueStatus(s).label, by_status.get(s, 0)) for s in ClueStatus.values],
        "total": sum(by_status.values()),
        "handled": handled,
        "rated": rated_n,
        "satisfied": satisfied,
        "satisfaction": round(100 * satisfied / rated_n, 1) if rated_n else None,
        "yellow": overdue.filter(flag=OverdueFlag.YELLOW).count(),
        "red": overdue.filter(flag=OverdueFlag.RED).count(),
        "overdue": overdue[:100],
        "by_township": list(by_township[:30]),
        "woodpeckers": Woodpecker.objects.restrict(user).filter(status=WoodpeckerStatus.ACTIVE).count(),
    }


def points_history(*, user, woodpecker: Woodpecker):
    return PointsEntry.objects.restrict(user).filter(account__woodpecker=woodpecker).select_related("clue")


def stations_near(*, woodpecker: Woodpecker):
    """The stations of the woodpecker's township. Stations and their goods are a public catalogue, not personal
    records: a woodpecker sees those of the township they live in, whatever their role's scope."""
    township = (
        OrganizationUnit.objects.ancestors_of(woodpecker.grid)
        .filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.STREET, UnitKind.DEVELOPMENT_ZONE])
        .first()
    )
    root = township or woodpecker.grid
    return Station.objects.filter(is_active=True, unit__path__startswith=root.path)


def goods_queryset_near(*, woodpecker: Woodpecker):
    """Active goods at the stations near the woodpecker."""
    return Goods.objects.filter(station__in=stations_near(woodpecker=woodpecker), is_active=True)


def goods_for(*, woodpecker: Woodpecker):
    """Goods on offer near the woodpecker, each with its price in points and whether their balance affords it."""
    policy = policy_for(woodpecker.grid)
    balance = woodpecker.account.balance if hasattr(woodpecker, "account") else 0
    rows = []
    goods = goods_queryset_near(woodpecker=woodpecker).select_related("station")
    for item in goods.order_by("station__name", "price_yuan"):
        points = price_in_points(item, 1, policy)
        rows.append({"goods": item, "points": points, "affordable": item.stock > 0 and points <= balance})
    return rows


def redemption_preview(*, woodpecker: Woodpecker, goods: Goods, quantity: int = 1) -> dict:
    """What the confirmation page shows before anything is spent: the price in points, the balance before and
    after, and whether the balance and the stock allow it (the service decides again when it is confirmed)."""
    points = price_in_points(goods, quantity, policy_for(woodpecker.grid))
    balance = woodpecker.account.balance if hasattr(woodpecker, "account") else 0
    return {
        "quantity": quantity,
        "points": points,
        "balance": balance,
        "after": balance - points,
        "enough_points": points <= balance,
        "in_stock": goods.stock >= quantity,
    }


def counter_waiting(*, user, station: Station):
    """The redemptions waiting to be handed out at a station's counter, oldest first (no codes: the woodpecker
    brings theirs)."""
    return (
        Redemption.objects.restrict(user, COUNTER)
        .filter(goods__station=station, status=RedemptionStatus.RESERVED)
        .select_related("goods", "woodpecker__person")
        .order_by("reserved_at", "id")
    )


def counter_by_phone(*, user, station: Station, mobile: str):
    """A woodpecker's redemptions ready at this station, found by their (normalized) mobile number through the
    person's keyed hash: the number itself is never stored or searched in clear."""
    return counter_waiting(user=user, station=station).filter(
        woodpecker__person__mobile_hash=crypto.search_hash(mobile)
    )


def leaderboard(*, user, unit: OrganizationUnit, days: int | None = None, limit: int = 20):
    """Woodpeckers of a grid or township ranked by points earned (a reversal counts against them)."""
    entries = PointsEntry.objects.filter(account__woodpecker=OuterRef("pk"), kind__in=["earn", "reverse"])
    if days:
        entries = entries.filter(created_at__gte=timezone.now() - timedelta(days=days))
    earned = entries.order_by().values("account__woodpecker").annotate(total=Sum("points")).values("total")
    accepted = Clue.objects.filter(reporter=OuterRef("pk"), accepted_at__isnull=False, found_false=False)
    return (
        Woodpecker.objects.filter(grid__path__startswith=unit.path, status=WoodpeckerStatus.ACTIVE)
        .annotate(
            earned=Coalesce(Subquery(earned), 0),
            clue_count=Coalesce(
                Subquery(accepted.order_by().values("reporter").annotate(n=Count("id")).values("n")), 0
            ),
        )
        .filter(earned__gt=0)
        .select_related("person", "grid")
        .order_by("-earned", "id")[:limit]
    )


def public_clues(*, grid: OrganizationUnit):
    """The public version of a grid's clues: what, where in the grid, state — no reporter, no personal data."""
    return (
        Clue.objects.filter(grid__path__startswith=grid.path)
        .exclude(status__in=[ClueStatus.REJECTED, ClueStatus.MERGED])
        .select_related("category", "grid")
        .only("public_id", "category__name", "grid__name", "status", "submitted_at", "resolution", "description")
    )


def task_grids(*, user):
    """Grids where the user may post inspection tasks (for forms): units_queryset of the one permission path."""
    return units_queryset(user, InspectionTask, CHANGE).filter(kind=UnitKind.GRID)


def departments_for(grid: OrganizationUnit):
    """The departments a clue of `grid` can be dispatched to (services.common.serves_area): the agencies attached to the
    grid's area or above it, and its own township or street."""
    lineage = lineage_ids(grid)
    return OrganizationUnit.objects.filter(
        Q(kind=UnitKind.AGENCY, parent_id__in=lineage) | Q(kind__in=DEPARTMENT_KINDS, pk__in=lineage),
        kind__in=DEPARTMENT_KINDS,
        is_active=True,
    ).order_by("path")


# --- the sign-up's unit chooser (public) ------------------------------------------------------------------------------

# The chooser's levels, top down, with the kinds of each and the lookup from a grid up to its unit of that level: a
# grid sits under a village or community, that under a township, that under a county-level unit (ALLOWED_PARENTS), so
# each level is a fixed number of parents above the grid whatever the depth of the tree above the county.
SIGNUP_LEVELS = {
    "county": (COUNTY_LEVEL, "parent__parent__parent_id"),
    "township": (TOWNSHIP_LEVEL, "parent__parent_id"),
    "community": (VILLAGE_LEVEL, "parent_id"),
    "grid": ((UnitKind.GRID,), "pk"),
}


def signup_level(unit: OrganizationUnit) -> str | None:
    """The chooser level of a unit ("county", "township", "community", "grid"), or None."""
    return next((level for level, (kinds, _up) in SIGNUP_LEVELS.items() if unit.kind in kinds), None)


def _signup_level_units(level: str, parent: OrganizationUnit | None) -> list[OrganizationUnit]:
    """The active units of `level` (under `parent` if given) with an active grid below them through active units:
    one query, the distinct ancestors of the active grids (a semi-join on their ids), not one EXISTS per unit."""
    kinds, up = SIGNUP_LEVELS[level]
    grids = OrganizationUnit.objects.filter(kind=UnitKind.GRID, is_active=True)
    hops = up.count("__")  # the units between the grid and the chosen level's unit must be active too
    for hop in range(1, hops + 1):
        grids = grids.filter(**{"__".join(["parent"] * hop) + "__is_active": True})
    if parent is not None:
        grids = grids.filter(path__startswith=parent.path)
    qs = OrganizationUnit.objects.filter(kind__in=kinds, is_active=True, pk__in=grids.order_by().values(up))
    if parent is not None:
        qs = qs.filter(parent=parent)
    return list(qs.select_related("parent").order_by("path"))


def signup_units(parent: OrganizationUnit | None = None) -> list[OrganizationUnit]:
    """The choices of the sign-up's chooser under `parent`, each with a `label`: the active units of the next level
    with an active grid below them (through active units), so that no choice leads to an empty select.

    Without `parent`, the top of the chooser: the county-level units (county-level cities, districts, counties) when
    the grids span several of them, labelled with their prefecture when they lie in several prefectures; with one
    county-level unit, its townships (and streets, zones) straight away, as a county installation always had. Under
    a county-level unit its townships, under a township its villages and communities, under one of those its grids;
    under anything else none. Bounded cost: one query a level (two for the top with one county), whatever the size
    of the province.

    Public and not scoped (the page is anonymous): it lists only names of active units, the organization tree a
    resident sees on any notice board."""
    if parent is None:
        counties = _signup_level_units("county", None)
        if len(counties) == 1:
            return signup_units(counties[0])
        prefectures = {unit.parent_id for unit in counties if unit.parent and unit.parent.kind == UnitKind.PREFECTURE}
        for unit in counties:
            under_prefecture = unit.parent is not None and unit.parent.kind == UnitKind.PREFECTURE
            unit.label = f"{unit.parent.name} {unit.name}" if len(prefectures) > 1 and under_prefecture else unit.name
        return counties
    level = {"county": "township", "township": "community", "community": "grid"}.get(signup_level(parent) or "")
    if level is None:
        return []
    units = _signup_level_units(level, parent)
    for unit in units:
        unit.label = unit.name
    return units


def signup_chain(grid: OrganizationUnit) -> dict[str, int]:
    """The chooser's choices leading to `grid` ({level: unit id} for the county, township, community and grid), so a
    script can set the selects to a grid found otherwise (the phone's location; the page ignores the county where
    the chooser has no county step). Empty when the grid is not one of the choices (not active, or under an inactive
    unit)."""
    if grid.kind != UnitKind.GRID:
        return {}
    chain: dict[str, int] = {}
    for unit in OrganizationUnit.objects.ancestors_of(grid, include_self=True):
        level = signup_level(unit)
        if level is not None:
            if not unit.is_active:
                return {}
            chain[level] = unit.pk
    return chain if len(chain) == len(SIGNUP_LEVELS) else {}


# A unit's map draws at most this many clues, the latest first (a county's year is a few hundred; a province's
# years are millions, which no map page reads).
MAP_CLUE_LIMIT = 5000


def map_clues(*, user, unit, limit: int = MAP_CLUE_LIMIT) -> tuple[list[list], bool]:
    """The clues the user may see under `unit` that carry coordinates, latest first: [longitude, latitude, status,
    id] each, and whether more than `limit` were left out. One query on the clues' own path index."""
    rows = list(
        Clue.objects.restrict(user)
        .filter(grid_path__startswith=unit.path, latitude__isnull=False, longitude__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("longitude", "latitude", "status", "id")[: limit + 1]
    )
    points = [[float(lng), float(lat), status, pk] for lng, lat, status, pk in rows[:limit]]
    return points, len(rows) > limit


def map_stations(*, user, unit) -> list[dict]:
    """The open stations the user may see under `unit` that carry coordinates."""
    rows = (
        Station.objects.restrict(user)
        .filter(unit__path__startswith=unit.path, is_active=True, latitude__isnull=False, longitude__isnull=False)
        .order_by("name", "id")
        .values("id", "name", "kind", "longitude", "latitude")
    )
    return [dict(row, longitude=float(row["longitude"]), latitude=float(row["latitude"])) for row in rows]
