"""Reads for the goal dashboards. Every one starts from the user's scoped querysets."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import PATH_STEP, OrganizationUnit

from . import indicators as registry
from .models import ReportConfirmation, RollupRun, RollupValue, Target
from .services import DASHBOARD_KINDS, REPORTING_KINDS

MET, ON_TRACK, BEHIND, NO_TARGET, NO_DATA = "met", "on_track", "behind", "no_target", "no_data"
# A rate with nothing to divide (0/0: no clue accepted, no village yet): neither met nor behind.
EMPTY = "empty"
STATUS_LABELS = {
    MET: _("Met"),
    ON_TRACK: _("On track"),
    BEHIND: _("Behind"),
    NO_TARGET: _("No target"),
    NO_DATA: _("No data source yet"),
    EMPTY: _("No data"),
}
STATUS_BADGES = {MET: "ok", ON_TRACK: "ok", BEHIND: "bad", NO_TARGET: "", NO_DATA: "warn", EMPTY: ""}


def dashboard_units(*, user):
    return OrganizationUnit.objects.restrict(user).filter(kind__in=DASHBOARD_KINDS)


def dashboard_home_unit(*, user):
    """The highest dashboard unit in the user's jurisdiction (the city for the organization department)."""
    return dashboard_units(user=user).order_by("depth", "path").first()


def elapsed_fraction(year: int, today: date | None = None) -> Decimal:
    """How much of `year` has passed: 1 for a past year, 0 for a future one, days elapsed / days in year now."""
    today = today or timezone.localdate()
    if year < today.year:
        return Decimal(1)
    if year > today.year:
        return Decimal(0)
    days = 366 if calendar.isleap(year) else 365
    return Decimal(today.timetuple().tm_yday) / Decimal(days)


def status_of(indicator, value, target, year: int, today: date | None = None) -> str:
    """met: value ≥ target. on track: the year is not over and value ≥ target × elapsed fraction of the year.
    behind: otherwise (a past year that missed its target is behind). empty: a rate whose denominator is 0 (or
    not computed), which has no value to compare; a count without a figure counts 0."""
    if not indicator.has_source:
        return NO_DATA
    if target is None:
        return NO_TARGET
    if value is None and indicator.aggregation == registry.Aggregation.RATIO:
        return EMPTY
    if value is None:
        return BEHIND if target.value > 0 else MET
    if value >= target.value:
        return MET
    fraction = elapsed_fraction(year, today)
    if fraction < 1 and value >= target.value * fraction:
        return ON_TRACK
    return BEHIND


# How many of the units not reporting a dashboard page names (the rest are counted, and listed page by page by
# `goals:missing` and the API's `dashboard/{id}/missing/`).
MISSING_SHOWN = 50


@dataclass
class Completeness:
    expected: int
    reported: int
    missing: list = field(default_factory=list)  # the first MISSING_SHOWN by path, when the caller asked for them

    @property
    def percent(self):
        return None if not self.expected else round(self.reported * 100 / self.expected)

    @property
    def missing_count(self) -> int:
        return self.expected - self.reported


def _reported(*, source: str, unit: OrganizationUnit, year: int):
    """A queryset of the ids of the units under `unit` whose records of `source` count as reported for the year
    (used as a subquery: never loaded). A source whose own records say so registers a function in
    `SOURCE_REPORTED`; the others use the units' report confirmations."""
    custom = registry.SOURCE_REPORTED.get(source)
    if custom is not None:
        return custom(unit, year)
    return ReportConfirmation.objects.filter(source=source, year=year, unit__path__startswith=unit.path).values_list(
        "unit_id", flat=True
    )


def _reporting_kinds(source: str) -> tuple:
    return tuple(registry.SOURCE_REPORTING_KINDS.get(source, REPORTING_KINDS))


def expected_units(*, unit: OrganizationUnit, source: str):
    """The units under `unit` expected to report `source` each year (active villages and communities)."""
    return OrganizationUnit.objects.subtree(unit).filter(kind__in=_reporting_kinds(source), is_active=True)


def missing_units(*, unit: OrganizationUnit, year: int, source: str):
    """The expected units under `unit` that have not reported `source` for the year, by path (a queryset: page it)."""
    reported = _reported(source=source, unit=unit, year=year)
    return expected_units(unit=unit, source=source).exclude(pk__in=reported).order_by("path")


def completeness_by_source(*, unit: OrganizationUnit, year: int, sources, missing: int = 0) -> dict[str, Completeness]:
    """Expected and reported units under `unit` for each source, counted in one aggregate query (no unit is
    loaded), and the first `missing` not reporting (by path) in one bounded query per source when asked."""
    sources = list(dict.fromkeys(sources))
    if not sources:
        return {}
    counts = {}
    for i, source in enumerate(sources):
        kinds = Q(kind__in=_reporting_kinds(source))
        counts[f"expected_{i}"] = Count("pk", filter=kinds)
        counts[f"reported_{i}"] = Count("pk", filter=kinds & Q(pk__in=_reported(source=source, unit=unit, year=year)))
    kinds = {kind for source in sources for kind in _reporting_kinds(source)}
    totals = OrganizationUnit.objects.subtree(unit).filter(kind__in=kinds, is_active=True).aggregate(**counts)
    result = {}
    for i, source in enumerate(sources):
        expected, reported = totals[f"expected_{i}"], totals[f"reported_{i}"]
        named = (
            list(missing_units(unit=unit, year=year, source=source)[:missing])
            if missing and expected > reported
            else []
        )
        result[source] = Completeness(expected=expected, reported=reported, missing=named)
    return result


def completeness(*, unit: OrganizationUnit, year: int, source: str, missing: int = MISSING_SHOWN) -> Completeness:
    """How many of the reporting units (villages and communities) under `unit` reported `source` for the year,
    and the first `missing` of those that have not."""
    return completeness_by_source(unit=unit, year=year, sources=[source], missing=missing)[source]


@dataclass
class DashboardRow:
    indicator: registry.Indicator
    rollup: RollupValue | None
    target: Target | None
    status: str
    completeness: Completeness | None

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def badge(self):
        return STATUS_BADGES[self.status]

    @property
    def value(self):
        return self.rollup.value if self.rollup else None

    @property
    def source_label(self):
        return registry.source_label(self.indicator.source)


def dashboard_rows(
    *, user, unit: OrganizationUnit, year: int, today: date | None = None, missing: int = 0
) -> list[DashboardRow]:
    """Every indicator shown at the unit's level (`Indicator.levels`) for a unit and year: stored value, the target
    set for this unit or handed down to it (never a larger scope's), status and completeness (a fixed number of
    queries, whatever the number of indicators or of units below; `missing`: how many non-reporting units to name
    per source)."""
    shown = registry.for_unit(unit)
    keys = [i.key for i in shown]
    rollups = {
        r.indicator: r for r in RollupValue.objects.restrict(user).filter(unit=unit, year=year, indicator__in=keys)
    }
    targets = {t.indicator: t for t in Target.objects.restrict(user).filter(unit=unit, year=year, indicator__in=keys)}
    sources = [i.source for i in shown if i.has_source]
    by_source = completeness_by_source(unit=unit, year=year, sources=sources, missing=missing)
    rows = []
    for indicator in shown:
        rollup = rollups.get(indicator.key)
        target = targets.get(indicator.key)
        status = status_of(indicator, rollup.value if rollup else None, target, year, today)
        rows.append(DashboardRow(indicator, rollup, target, status, by_source.get(indicator.source)))
    return rows


def computed_at(rows: list[DashboardRow], *, unit: OrganizationUnit, year: int):
    """What the page says the unit's figures are as of: for each figure, the later of the time it was last written
    and the last full recompute that checked it (`RollupRun`: of its source or of every source, over every tree or
    under a root on the unit's line); the oldest of those. One query."""
    prefixes = [unit.path[:end] for end in range(PATH_STEP, len(unit.path) + 1, PATH_STEP)]
    runs: dict[str, object] = {}
    for source, finished in (
        RollupRun.objects.filter(year=year)
        .filter(Q(root__isnull=True) | Q(root__path__in=prefixes))
        .values_list("source", "finished_at")
    ):
        runs[source] = max(finished, runs.get(source, finished))
    times = []
    for row in rows:
        if row.rollup is None:
            continue
        checked = [t for t in (runs.get(row.indicator.source), runs.get("")) if t is not None]
        times.append(max([row.rollup.computed_at, *checked]))
    return min(times) if times else None


def history(*, user, unit: OrganizationUnit, years: list[int]) -> dict[str, dict]:
    """Values and targets over `years` of every indicator shown at the unit's level, for one unit: two queries."""
    values: dict[str, dict] = {}
    for key, year, value in (
        RollupValue.objects.restrict(user).filter(unit=unit, year__in=years).values_list("indicator", "year", "value")
    ):
        values.setdefault(key, {})[year] = value
    goals: dict[str, dict] = {}
    for key, year, value in (
        Target.objects.restrict(user).filter(unit=unit, year__in=years).values_list("indicator", "year", "value")
    ):
        goals.setdefault(key, {})[year] = value

    def as_float(v):
        return None if v is None else float(v)

    return {
        i.key: {
            "values": [as_float(values.get(i.key, {}).get(y)) for y in years],
            "targets": [as_float(goals.get(i.key, {}).get(y)) for y in years],
        }
        for i in registry.for_unit(unit)
        if i.has_source
    }


def children_columns(*, unit: OrganizationUnit, children) -> list[registry.Indicator]:
    """The computable indicators the children table lists: those shown at the unit's level and at its children's."""
    kinds = {child.kind for child in children}
    return [i for i in registry.for_unit(unit) if i.has_source and any(i.shows_at(kind) for kind in kinds)]


def children_table(*, user, unit: OrganizationUnit, year: int, rank_by: str):
    """The unit's children (in scope, with dashboards) and their values of every computable indicator, ranked by
    `rank_by` (highest first, units without a figure last). Which of the values are listed: `children_columns`."""
    children = list(dashboard_units(user=user).filter(parent=unit).order_by("sort_order", "code"))
    values: dict[int, dict[str, Decimal | None]] = {child.pk: {} for child in children}
    for unit_id, key, value in (
        RollupValue.objects.restrict(user)
        .filter(unit__in=children, year=year)
        .values_list("unit_id", "indicator", "value")
    ):
        values[unit_id][key] = value
    return rank_children([(child, values[child.pk]) for child in children], rank_by)


def rank_children(rows: list, rank_by: str) -> list:
    """The children table's rows ranked by `rank_by`: highest first, units without a figure last."""
    return sorted(rows, key=lambda row: (row[1].get(rank_by) is None, -(row[1].get(rank_by) or 0)))


def children_not_reporting(*, unit: OrganizationUnit, year: int, children) -> set[int]:
    """The ids of `children` (units directly under `unit`) with no unit under them that reported any source for the
    year: a prefecture's counties not on the portal yet, a township's silent villages. One query, whatever the
    number of children: the reporting units (report confirmations, and each source's own notion) grouped by their
    ancestor one level below `unit`."""
    confirmed_sources = [source for source in registry.SOURCES if source not in registry.SOURCE_REPORTED]
    reported = Q(
        pk__in=ReportConfirmation.objects.filter(
            source__in=confirmed_sources, year=year, unit__path__startswith=unit.path
        ).values("unit_id")
    )
    for source, custom in registry.SOURCE_REPORTED.items():
        if source in registry.SOURCES:
            reported |= Q(pk__in=custom(unit, year))
    child_of = {child.path: child.pk for child in children}
    paths = (
        OrganizationUnit.objects.filter(reported, path__startswith=unit.path)
        .annotate(child_path=Substr("path", 1, len(unit.path) + PATH_STEP))
        .values_list("child_path", flat=True)
        .distinct()
    )
    return set(child_of.values()) - {child_of[path] for path in paths if path in child_of}


def latest_year(*, unit: OrganizationUnit) -> int | None:
    return RollupValue.objects.filter(unit=unit).order_by("-year").values_list("year", flat=True).first()


def years_available(*, unit: OrganizationUnit) -> list[int]:
    """Years with figures or targets for the unit, and the current year, newest first."""
    years = set(RollupValue.objects.filter(unit=unit).values_list("year", flat=True).distinct())
    years |= set(Target.objects.filter(unit=unit).values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def targets_visible(*, user):
    return Target.objects.restrict(user).select_related("unit")
