"""Reads for the goal dashboards. Every one starts from the user's scoped querysets."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import PATH_STEP, OrganizationUnit

from . import indicators as registry
from .models import ReportConfirmation, RollupValue, Target
from .services import DASHBOARD_KINDS, REPORTING_KINDS

MET, ON_TRACK, BEHIND, NO_TARGET, NO_DATA = "met", "on_track", "behind", "no_target", "no_data"
STATUS_LABELS = {
    MET: _("Met"),
    ON_TRACK: _("On track"),
    BEHIND: _("Behind"),
    NO_TARGET: _("No target"),
    NO_DATA: _("No data source yet"),
}
STATUS_BADGES = {MET: "ok", ON_TRACK: "ok", BEHIND: "bad", NO_TARGET: "", NO_DATA: "warn"}


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
    behind: otherwise (a past year that missed its target is behind)."""
    if not indicator.has_source:
        return NO_DATA
    if target is None:
        return NO_TARGET
    if value is None:
        return BEHIND if target.value > 0 else MET
    if value >= target.value:
        return MET
    fraction = elapsed_fraction(year, today)
    if fraction < 1 and value >= target.value * fraction:
        return ON_TRACK
    return BEHIND


@dataclass
class Completeness:
    expected: int
    reported: int
    missing: list = field(default_factory=list)

    @property
    def percent(self):
        return None if not self.expected else round(self.reported * 100 / self.expected)


def reported_unit_ids(*, source: str, unit: OrganizationUnit, year: int) -> set[int]:
    """Units under `unit` whose records of `source` count as reported for the year. A source whose own records say
    so registers a function in `SOURCE_REPORTED`; the others use the units' report confirmations."""
    custom = registry.SOURCE_REPORTED.get(source)
    if custom is not None:
        return set(custom(unit, year))
    return set(
        ReportConfirmation.objects.filter(source=source, year=year, unit__path__startswith=unit.path).values_list(
            "unit_id", flat=True
        )
    )


def completeness(*, unit: OrganizationUnit, year: int, source: str) -> Completeness:
    """How many of the reporting units (villages and communities) under `unit` reported `source` for the year,
    and which have not."""
    kinds = registry.SOURCE_REPORTING_KINDS.get(source, REPORTING_KINDS)
    expected = list(OrganizationUnit.objects.subtree(unit).filter(kind__in=kinds, is_active=True).order_by("path"))
    reported = reported_unit_ids(source=source, unit=unit, year=year)
    missing = [u for u in expected if u.pk not in reported]
    return Completeness(expected=len(expected), reported=len(expected) - len(missing), missing=missing)


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


def dashboard_rows(*, user, unit: OrganizationUnit, year: int, today: date | None = None) -> list[DashboardRow]:
    """Every indicator for a unit and year: stored value, target, status and completeness (few queries)."""
    rollups = {r.indicator: r for r in RollupValue.objects.restrict(user).filter(unit=unit, year=year)}
    targets = {t.indicator: t for t in Target.objects.restrict(user).filter(unit=unit, year=year)}
    by_source: dict[str, Completeness] = {}
    rows = []
    for indicator in registry.all_indicators():
        if indicator.has_source and indicator.source not in by_source:
            by_source[indicator.source] = completeness(unit=unit, year=year, source=indicator.source)
        rollup = rollups.get(indicator.key)
        target = targets.get(indicator.key)
        status = status_of(indicator, rollup.value if rollup else None, target, year, today)
        rows.append(DashboardRow(indicator, rollup, target, status, by_source.get(indicator.source)))
    return rows


def computed_at(rows: list[DashboardRow]):
    """The oldest computation time among the unit's figures (what the page says the figures are as of)."""
    times = [row.rollup.computed_at for row in rows if row.rollup]
    return min(times) if times else None


def history(*, user, unit: OrganizationUnit, years: list[int]) -> dict[str, dict]:
    """Values and targets of every indicator over `years` for one unit: two queries."""
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
        for i in registry.all_indicators()
        if i.has_source
    }


def children_table(*, user, unit: OrganizationUnit, year: int, rank_by: str):
    """The unit's children (in scope, with dashboards) and their values of every computable indicator, ranked by
    `rank_by` (highest first, units without a figure last)."""
    children = list(dashboard_units(user=user).filter(parent=unit).order_by("sort_order", "code"))
    values: dict[int, dict[str, Decimal | None]] = {child.pk: {} for child in children}
    for unit_id, key, value in (
        RollupValue.objects.restrict(user)
        .filter(unit__in=children, year=year)
        .values_list("unit_id", "indicator", "value")
    ):
        values[unit_id][key] = value
    rows = [(child, values[child.pk]) for child in children]
    rows.sort(key=lambda row: (row[1].get(rank_by) is None, -(row[1].get(rank_by) or 0)))
    return rows


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
