"""Write use-cases of the goals app: roll-up recomputation, targets and report confirmations."""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, require, require_at
from core import audit
from core.errors import ErrorCode as CoreCode
from core.errors import Invalid
from core.logs import timed
from organizations.errors import ErrorCode as OrgCode
from organizations.models import (
    ABOVE_COUNTY,
    COUNTY_LEVEL,
    PATH_STEP,
    TOWNSHIP_LEVEL,
    VILLAGE_LEVEL,
    OrganizationUnit,
    UnitKind,
)

from . import indicators as registry
from .defaults import table_for
from .errors import ErrorCode
from .models import ReportConfirmation, RollupValue, Target

# Ids, years and timings only: never a person's data (core/logs.py).
logger = logging.getLogger(__name__)

# Units that have a dashboard (and stored roll-ups): the province, prefectures, the county level (county-level
# cities, districts, counties), townships/streets/zones, villages/communities.
DASHBOARD_KINDS = (*ABOVE_COUNTY, *COUNTY_LEVEL, *TOWNSHIP_LEVEL, *VILLAGE_LEVEL)
# Scopes targets are set for: every level down to the township.
TARGET_KINDS = (*ABOVE_COUNTY, *COUNTY_LEVEL, *TOWNSHIP_LEVEL)
# The units expected to report each year (completeness).
REPORTING_KINDS = VILLAGE_LEVEL
LOCK_NAMESPACE = 71_000_000
# A recomputation slower than this (seconds) is logged as a warning with its root unit id and year.
SLOW_ROLLUP_SECONDS = 10.0


def _lock(root_id: int, year: int) -> None:
    """Serialize recomputations under one root for a year: whoever holds the lock reads the records after the
    previous writer committed, so the last write is always computed from the latest records."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE + year, root_id])


def _accumulate(contributions: dict, paths: set[str], ratio: bool) -> dict[str, list]:
    totals = {path: [Decimal(0), Decimal(0) if ratio else None] for path in paths}
    for path, figure in contributions.items():
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            total = totals.get(path[:end])
            if total is not None:
                total[0] += figure.numerator
                if ratio:
                    total[1] += figure.denominator or 0
    return totals


@transaction.atomic
def rollup_recompute(
    *, root: OrganizationUnit, year: int, units: list[OrganizationUnit], keys=None, source: str | None = None
) -> int:
    """Recompute and store every computable indicator for `units` (all under `root`) and `year` from the records;
    only those in `keys`, or computed from `source`'s records, when given.

    Idempotent: the rows are upserted on (indicator, unit, year); running it twice leaves the same rows.
    """
    with timed(
        logger, "roll-up", warn_after=SLOW_ROLLUP_SECONDS, root=root.pk, year=year, source=source or "all"
    ) as log:
        rows = _rollup_rows(root=root, year=year, units=units, keys=keys, source=source)
        log.update(units=len(units), rows=len(rows))
    return len(rows)


def _rollup_rows(*, root, year, units, keys, source) -> list[RollupValue]:
    _lock(root.pk, year)
    now = timezone.now()
    paths = {unit.path: unit for unit in units}
    rows = []
    for indicator in registry.all_indicators():
        if not indicator.has_source or (keys is not None and indicator.key not in keys):
            continue
        if source is not None and indicator.source != source:
            continue
        ratio = indicator.aggregation == registry.Aggregation.RATIO
        totals = _accumulate(indicator.compute(root, year), set(paths), ratio)
        for path, (numerator, denominator) in totals.items():
            rows.append(
                RollupValue(
                    indicator=indicator.key,
                    unit=paths[path],
                    year=year,
                    numerator=numerator,
                    denominator=denominator,
                    value=indicator.value_of(numerator, denominator),
                    computed_at=now,
                )
            )
    RollupValue.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["indicator", "unit", "year"],
        update_fields=["numerator", "denominator", "value", "computed_at"],
    )
    return rows


def rollup_chain(*, unit_id: int, year: int, source: str | None = None) -> int:
    """Recompute one unit and its ancestors only (the incremental path), for the indicators of `source` when given
    (the app whose records changed). A unit gone since is ignored."""
    unit = OrganizationUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        logger.info("roll-up skipped: unit %s no longer exists", unit_id)
        return 0
    chain = list(OrganizationUnit.objects.ancestors_of(unit, include_self=True).filter(kind__in=DASHBOARD_KINDS))
    if not chain:
        return 0
    top = OrganizationUnit.objects.ancestors_of(unit, include_self=True).first()
    return rollup_recompute(root=top, year=year, units=chain, source=source)


def rollup_year(*, year: int, root_id: int | None = None, source: str | None = None) -> int:
    """Full recompute of a year for every tree (or one root): what the nightly job runs (every source), and what a
    change touching many chains queues (its source only)."""
    roots = OrganizationUnit.objects.filter(parent__isnull=True)
    if root_id is not None:
        roots = roots.filter(pk=root_id)
    written = 0
    for root in roots:
        units = list(OrganizationUnit.objects.subtree(root).filter(kind__in=DASHBOARD_KINDS))
        if units:
            written += rollup_recompute(root=root, year=year, units=units, source=source)
    return written


def years_to_refresh(unit_ids) -> list[int]:
    """The years already computed for these units, and the current one: what a change without a year touches."""
    years = set(RollupValue.objects.filter(unit_id__in=unit_ids).values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years)


def chain_bottoms(unit_ids) -> dict[int, int]:
    """For each changed unit, the lowest unit with a dashboard at or above it (a grid's village): two queries."""
    paths = dict(OrganizationUnit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "path"))
    prefixes = {p[:end] for p in paths.values() for end in range(PATH_STEP, len(p) + 1, PATH_STEP)}
    dashboards = dict(
        OrganizationUnit.objects.filter(path__in=prefixes, kind__in=DASHBOARD_KINDS).values_list("path", "pk")
    )
    bottoms = {}
    for pk, path in paths.items():
        for end in range(len(path), 0, -PATH_STEP):
            if path[:end] in dashboards:
                bottoms[pk] = dashboards[path[:end]]
                break
    return bottoms


# Figures are kept for 2000–2100 only (the models' YEAR_RANGE).
ROLLUP_YEARS = (2000, 2100)


def years_in_range(years) -> list[int]:
    """The years a roll-up can be kept for: a change dated earlier (a member who joined in 1985) has no roll-up to
    refresh, and must not make one fail after the write has committed."""
    return [y for y in years if ROLLUP_YEARS[0] <= y <= ROLLUP_YEARS[1]]


def _clean_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise Invalid(_("Enter a year such as 2024."), code=CoreCode.INVALID_YEAR, field="year") from None
    if not 2000 <= year <= 2100:
        raise Invalid(_("The year must be between 2000 and 2100."), code=CoreCode.INVALID_YEAR, field="year")
    return year


def target_clean(*, indicator: str, unit: OrganizationUnit | None, year, value, actor) -> tuple[int, Decimal]:
    """Check a target before it is written (the portal form, the API and the Excel import all use this)."""
    definition = registry.get(indicator)
    errors = {}
    if definition is None:
        errors["indicator"] = ValidationError(_("Unknown indicator."), code=ErrorCode.UNKNOWN_INDICATOR)
    if unit is None:
        errors["unit"] = ValidationError(_("No unit with this code in your jurisdiction."), code=OrgCode.UNKNOWN_UNIT)
    elif unit.kind not in TARGET_KINDS:
        errors["unit"] = ValidationError(
            _("Targets are set for the province, a prefecture, a county-level unit, or a township, street or zone."),
            code=ErrorCode.TARGET_UNIT_KIND,
        )
    elif definition and definition.target_kinds and unit.kind not in definition.target_kinds:
        message = _("The target of %(indicator)s is set for: %(kinds)s.") % {
            "indicator": definition.name,
            "kinds": "、".join(str(UnitKind(kind).label) for kind in definition.target_kinds),
        }
        errors["unit"] = ValidationError(message, code=ErrorCode.TARGET_LEVEL)
    try:
        year = _clean_year(year)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        value = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["value"] = ValidationError(_("Enter a number."), code=CoreCode.INVALID_NUMBER)
    else:
        if value < 0:
            errors["value"] = ValidationError(_("A target cannot be negative."), code=ErrorCode.NEGATIVE_TARGET)
        elif definition and definition.measure == registry.Measure.PERCENT and value > 100:
            errors["value"] = ValidationError(
                _("A percentage target must lie between 0 and 100."), code=ErrorCode.PERCENT_OVER_100
            )
    if errors:
        raise ValidationError(errors)
    require_at(actor, CHANGE, Target, unit, _("Only organization-department staff may set targets here."))
    return year, value


@transaction.atomic
def target_set(*, indicator: str, unit: OrganizationUnit, year: int, value, actor, note: str = "") -> Target:
    """Set (create or change) the target of an indicator for a scope unit and year."""
    year, value = target_clean(indicator=indicator, unit=unit, year=year, value=value, actor=actor)
    target = Target.objects.select_for_update().filter(indicator=indicator, unit=unit, year=year).first()
    before = {"value": target.value, "note": target.note} if target else {}
    if target is None:
        target = Target(indicator=indicator, unit=unit, year=year)
    target.value, target.note = value, note or ""
    # Year range and value sign were checked by target_clean; the database constraints hold them under concurrency.
    target.full_clean(validate_unique=False, validate_constraints=False)
    target.save()
    audit.record(
        actor=actor, action="target.set", obj=target, unit=unit, changes=audit.diff(target, before, ["value", "note"])
    )
    return target


@transaction.atomic
def target_delete(*, target: Target, actor) -> None:
    """Remove a target (the figure then shows without one)."""
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    require(actor, CHANGE, target, _("Only organization-department staff may set targets here."))
    audit.record(
        actor=actor, action="target.delete", obj=target, unit=target.unit, changes={"value": str(target.value)}
    )
    target.delete()


@transaction.atomic
def report_confirm(*, source: str, unit: OrganizationUnit, year: int, actor) -> ReportConfirmation:
    """A village or community declares its records of `source` complete for the year (counts for completeness)."""
    if source not in registry.SOURCES:
        raise Invalid(_("Unknown data source."), code=ErrorCode.UNKNOWN_SOURCE, field="source")
    if unit.kind not in REPORTING_KINDS:
        raise Invalid(
            _("Only villages and communities confirm their yearly report."),
            code=ErrorCode.NOT_A_REPORTING_UNIT,
            field="unit",
        )
    year = _clean_year(year)
    if year > timezone.localdate().year:
        raise Invalid(_("A year that has not started cannot be confirmed."), code=ErrorCode.FUTURE_YEAR, field="year")
    require_at(actor, CHANGE, ReportConfirmation, unit, _("You may not confirm reports for this unit."))
    confirmation, created = ReportConfirmation.objects.get_or_create(
        source=source, unit=unit, year=year, defaults={"confirmed_by": actor if getattr(actor, "pk", None) else None}
    )
    if created:
        audit.record(actor=actor, action="report.confirm", obj=confirmation, unit=unit, changes={"source": source})
    return confirmation


def targets_load_defaults(*, unit: OrganizationUnit, actor, table: dict | None = None) -> int:
    """Load the default table that fits `unit`'s level as its targets (`defaults.table_for`: the Jingzhou plan at a
    prefecture, its share at a county-level unit); existing targets of those rows are overwritten."""
    table = table or table_for(unit.kind)
    if table is None:
        raise Invalid(
            _("No default targets fit this level: the Jingzhou plan loads at a prefecture, its share at a county."),
            code=ErrorCode.NO_DEFAULT_TARGETS,
            field="unit",
        )
    count = 0
    with transaction.atomic():
        for key, by_year in table.items():
            for year, value in by_year.items():
                target_set(indicator=key, unit=unit, year=year, value=value, actor=actor, note=_("Jingzhou plan"))
                count += 1
    return count
