"""Write use-cases of the goals app: roll-up recomputation, targets and report confirmations."""

import logging
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import CHANGE, require, require_at
from core import audit, events, history
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

from . import bases, rollup
from . import indicators as registry
from .defaults import table_for
from .errors import ErrorCode
from .models import ReportConfirmation, RollupRun, RollupValue, Target

audit.ACTION_LABELS.update(
    {
        "target.set": gettext_lazy("Target set"),
        "target.delete": gettext_lazy("Target deleted"),
        "target.hand_down": gettext_lazy("Target handed down"),
        "report.confirm": gettext_lazy("Records confirmed complete"),
    }
)
# A confirmation's data source by its name in the change history ("数据来源：党员和干部", not "cadres").
history.VALUE_LABELS.update({("source", key): label for key, label in registry.SOURCES.items()})

# Ids, years and timings only: never a person's data (core/logs.py).
logger = logging.getLogger(__name__)

# Units that have a dashboard (and stored roll-ups): every territorial kind from the village up (goals/rollup.py):
# the province, prefectures, the county level (county-level cities, districts, counties), townships, villages.
DASHBOARD_KINDS = rollup.DASHBOARD_KINDS
# Scopes targets are set for: every level down to the township.
TARGET_KINDS = (*ABOVE_COUNTY, *COUNTY_LEVEL, *TOWNSHIP_LEVEL)
# The units expected to report each year (completeness).
REPORTING_KINDS = VILLAGE_LEVEL
LOCK_NAMESPACE = 71_000_000
# A recomputation slower than this (seconds) is logged as a warning with its root unit id and year.
SLOW_ROLLUP_SECONDS = 10.0
# Figures are kept for 2000–2100 only (the models' YEAR_RANGE).
ROLLUP_YEARS = (2000, 2100)
# How many differing figures a check names in its log line (indicator keys and unit ids only).
CHECK_SAMPLE = 10


def _lock(root_ids, year: int) -> None:
    """Serialize recomputations under each root for a year (in id order): whoever holds the lock reads the records
    (and the stored figures of the chain's siblings) after the previous writer committed, so the last write is always
    computed from the latest records. JIT compilation is off for the transaction: it cost the grouped queries more
    than it saved (up to 0.85 s each at province scale). The commit does not wait for the WAL flush
    (synchronous_commit off, for this transaction only): the figures are derived from records that were committed
    durably, a crash can lose at most the last fraction of a second of them, and the nightly full recompute puts
    them back; the flush was a third of an incremental roll-up's time (bench/RESULTS.md, goal 3). `work_mem` is
    raised to settings.ROLLUP_WORK_MEM for the transaction, so that a full recompute's grouped queries and hash
    joins over millions of records do not spill to disk."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL work_mem = %s", [settings.ROLLUP_WORK_MEM])
            for root_id in sorted(root_ids):
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE + year, root_id])


def _out_of_range(year: int, unit_id) -> bool:
    if ROLLUP_YEARS[0] <= year <= ROLLUP_YEARS[1]:
        return False
    logger.info("roll-up skipped: year %s is outside %s–%s (unit %s)", year, *ROLLUP_YEARS, unit_id or "all")
    return True


def _rows(totals: dict, year: int, now) -> list[RollupValue]:
    return [
        RollupValue(
            indicator=key,
            unit_id=unit_id,
            year=year,
            numerator=numerator,
            denominator=denominator,
            value=registry.get(key).value_of(numerator, denominator),
            computed_at=now,
        )
        for (key, unit_id), (numerator, denominator) in totals.items()
    ]


def _upsert(rows: list[RollupValue]) -> None:
    RollupValue.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["indicator", "unit", "year"],
        update_fields=["numerator", "denominator", "value", "computed_at", "updated_at"],
    )


def _dashboard_line(unit: OrganizationUnit) -> tuple[int, list[OrganizationUnit]]:
    """The id of `unit`'s tree root and its dashboard chain (itself included, root first): one query."""
    line = list(OrganizationUnit.objects.ancestors_of(unit, include_self=True))
    return line[0].pk, [u for u in line if u.kind in DASHBOARD_KINDS]


def rollup_chain(*, unit_id: int, year: int, source: str | None = None) -> int:
    """Recompute one unit and its dashboard ancestors (the incremental path) for the indicators of `source` when
    given (the app whose records changed): the records the chain's units own and the stored figures of their other
    children, never the whole tree (`rollup.chain_totals`). A unit gone since, or a year outside the kept range, is
    skipped. Idempotent: the rows are upserted on (indicator, unit, year)."""
    if _out_of_range(year, unit_id):
        return 0
    registry.reset_dynamic()  # the indicators declared in the portal as they stand now
    unit = OrganizationUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        logger.info("roll-up skipped: unit %s no longer exists", unit_id)
        return 0
    top, chain = _dashboard_line(unit)
    if not chain:
        return 0
    with (
        timed(logger, "roll-up", warn_after=SLOW_ROLLUP_SECONDS, root=top, year=year, source=source or "all") as log,
        transaction.atomic(),
    ):
        _lock([top], year)
        totals = rollup.chain_totals(year=year, indicators=rollup.indicators_of(source=source), chain=chain)
        _upsert(_rows(totals, year, timezone.now()))
        log.update(unit=unit_id, rows=len(totals))
        events.emit(
            events.ROLLUP_UPDATED, unit_id=unit.pk, data={"year": year, "source": source or "", "rows": len(totals)}
        )
    return len(totals)


def rollup_year(
    *, year: int, root_id: int | None = None, source: str | None = None, keys=None, check: bool = False
) -> int:
    """Full recompute of a year for every tree at once (or the subtree of `root_id`, then its ancestors' chain), of
    `source`'s indicators (or `keys`) when given: what the nightly job runs as a check (`check`: a figure that
    differs from the stored one is logged as a warning, since the incremental path should have kept it), and what a
    change touching many chains queues. Stores only the figures that differ and marks the others as computed now.
    Announces `rollup.updated` once per tree and year whose figures changed (`_announce`). Returns the figures
    computed."""
    if _out_of_range(year, root_id):
        return 0
    registry.reset_dynamic()
    root = OrganizationUnit.objects.filter(pk=root_id).first() if root_id is not None else None
    if root_id is not None and root is None:
        return 0
    top, above = _dashboard_line(root) if root else (None, [])
    with (
        timed(
            logger, "roll-up", warn_after=SLOW_ROLLUP_SECONDS, root=root_id or "all", year=year, source=source or "all"
        ) as log,
        transaction.atomic(),
    ):
        _lock(
            [top] if root else OrganizationUnit.objects.filter(parent__isnull=True).values_list("pk", flat=True), year
        )
        indicators = rollup.indicators_of(source=source, keys=keys)
        totals = rollup.full_totals(year=year, indicators=indicators, root=root)
        changed = _store_differences(totals, year, [i.key for i in indicators], root)
        if keys is None:  # every figure of the source (or of every source) was checked
            RollupRun.objects.update_or_create(
                year=year, source=source or "", root=root, defaults={"finished_at": timezone.now()}
            )
        # A subtree below the top (a county under its prefecture): its ancestors add up its new figures.
        above = [u for u in above if u.pk != root.pk] if root else []
        if above:
            _upsert(_rows(rollup.chain_totals(year=year, indicators=indicators, chain=above), year, timezone.now()))
        log.update(rows=len(totals), changed=len(changed))
        _announce(changed, year, source, root)
    _report(changed, year, source, check)
    return len(totals)


def _store_differences(totals: dict, year: int, keys: list[str], root) -> dict:
    """Upsert the figures that differ from the stored ones (or are not stored yet); the others are left as they
    are (the run's time is kept once, in `RollupRun`). Returns {(key, unit id): stored figure or None} of those
    written."""
    stored_rows = RollupValue.objects.filter(year=year, indicator__in=keys)
    if root is not None:
        stored_rows = stored_rows.filter(unit__path__startswith=root.path)
    now = timezone.now()
    stored = {
        (key, unit_id): (numerator, denominator, value)
        for key, unit_id, numerator, denominator, value in stored_rows.values_list(
            "indicator", "unit_id", "numerator", "denominator", "value"
        )
    }
    changed = {}
    for (key, unit_id), (numerator, denominator) in totals.items():
        before = stored.get((key, unit_id))
        if before != (numerator, denominator, registry.get(key).value_of(numerator, denominator)):
            changed[key, unit_id] = before
    _upsert(_rows({k: totals[k] for k in changed}, year, now))
    return changed


def _announce(changed: dict, year: int, source, root) -> None:
    """`rollup.updated` for a full recompute, after its commit: one event per tree (its top unit; or `root` when one
    subtree was recomputed) and year whose stored figures changed, with how many and of which indicators — never one
    per figure, so a province's night stays a handful of webhook deliveries. Nothing when nothing changed."""
    if not changed:
        return
    if root is not None:
        top_of = dict.fromkeys({unit_id for _key, unit_id in changed}, root.pk)
    else:
        tops = dict(OrganizationUnit.objects.filter(parent__isnull=True).values_list("path", "pk"))
        paths = OrganizationUnit.objects.filter(pk__in={unit_id for _key, unit_id in changed}).values_list("pk", "path")
        top_of = {pk: tops.get(path[:PATH_STEP]) for pk, path in paths}
    by_top: dict[int, list[str]] = {}
    for key, unit_id in changed:
        top = top_of.get(unit_id)
        if top is not None:
            by_top.setdefault(top, []).append(key)
    for top, keys in sorted(by_top.items()):
        data = {"year": year, "source": source or "", "changed": len(keys), "indicators": sorted(set(keys))}
        events.emit(events.ROLLUP_UPDATED, unit_id=top, data=data)


def _report(changed: dict, year: int, source, check: bool) -> None:
    differing = sorted(k for k, before in changed.items() if before is not None)
    new = len(changed) - len(differing)
    if differing and check:
        logger.warning(
            "roll-up check: %d figures of year %s differed from the stored ones (source %s), e.g. %s",
            len(differing),
            year,
            source or "all",
            differing[:CHECK_SAMPLE],
        )
    elif changed:
        logger.info(
            "roll-up of year %s (source %s): %d figures changed, %d new", year, source or "all", len(differing), new
        )


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
    elif definition and not definition.on_line(unit.path):
        errors["indicator"] = ValidationError(_("Unknown indicator."), code=ErrorCode.UNKNOWN_INDICATOR)
    elif definition and not definition.targets_at(unit.kind):
        kinds = [k for k in TARGET_KINDS if definition.targets_at(k)]
        message = _("The target of %(indicator)s is set for: %(kinds)s.") % {
            "indicator": definition.name,
            "kinds": "、".join(str(UnitKind(kind).label) for kind in kinds),
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
    """Set (create or change) the target of an indicator for a scope unit and year. A target handed down to the
    scope and set again by hand keeps where it came from, its rule then "manual"."""
    year, value = target_clean(indicator=indicator, unit=unit, year=year, value=value, actor=actor)
    return _target_write(
        indicator=indicator, unit=unit, year=year, value=value, note=note, actor=actor, action="target.set"
    )


def _target_write(*, indicator, unit, year, value, note, actor, action, origin=None) -> Target:
    target = Target.objects.select_for_update().filter(indicator=indicator, unit=unit, year=year).first()
    before = (
        {"value": target.value, "note": target.note, "origin": target.origin, "rule": target.rule} if target else {}
    )
    if target is None:
        target = Target(indicator=indicator, unit=unit, year=year)
    target.value, target.note = value, note or ""
    if origin is not None:
        target.origin, target.rule = origin
    elif target.origin_id is not None:
        target.rule = MANUAL
    # Year range and value sign were checked by target_clean; the database constraints hold them under concurrency.
    target.full_clean(validate_unique=False, validate_constraints=False)
    target.save()
    changes = audit.diff(target, before, ["value", "note", "origin", "rule"])
    audit.record(actor=actor, action=action, obj=target, unit=unit, changes=changes)
    return target


# How a target is handed down to the children of its scope (`target_hand_down`).
SHARE, SAME, MANUAL = "share", "same", "manual"
HAND_DOWN_RULES = {
    SHARE: gettext_lazy("Shared by the children's base figure"),
    SAME: gettext_lazy("The same percentage for each child"),
    MANUAL: gettext_lazy("Set for each child"),
}


# A target's hand-down rule in the change history ("分解方式由（空）改为 按行政村数分解", not "share:villages").
history.VALUE_LABELS.update(
    {("rule", SAME): HAND_DOWN_RULES[SAME], ("rule", MANUAL): HAND_DOWN_RULES[MANUAL]}
    | {
        ("rule", f"{SHARE}:{key}"): format_lazy(gettext_lazy("Shared by {base}"), base=label)
        for key, (label, _kinds) in bases.BASES.items()
    }
    | {("rule", f"{SHARE}:{bases.EQUAL}"): bases.BASES[bases.EQUAL][0]}  # 平均分配, not "按平均分配分解"
)


def hand_down_children(target: Target) -> list[OrganizationUnit]:
    """The active children of a target's scope that a target of its indicator fits, in their order."""
    definition = registry.get(target.indicator)
    if definition is None:
        return []
    children = OrganizationUnit.objects.filter(parent_id=target.unit_id, is_active=True, kind__in=TARGET_KINDS)
    return [u for u in children.order_by("sort_order", "code") if definition.targets_at(u.kind)]


def split(total: Decimal, weights: dict, step: Decimal) -> dict:
    """Share `total` between the keys of `weights` in proportion to them, in whole `step`s, so that the parts add
    up to `total` exactly (largest remainder: every part is rounded down, and the steps left over go one each to the
    largest remainders, the first in order on a tie). A total that is not a whole number of steps is shared in
    cents."""
    if total % step:
        step = Decimal("0.01")
    steps = int(total / step)
    weight = sum(weights.values())
    quotas = {key: Decimal(steps) * w / weight for key, w in weights.items()}
    parts = {key: int(q.to_integral_value(rounding=ROUND_FLOOR)) for key, q in quotas.items()}
    left = steps - sum(parts.values())
    order = sorted(quotas, key=lambda key: -(quotas[key] - parts[key]))  # stable: ties keep the children's order
    for key in order[:left]:
        parts[key] += 1
    return {key: (Decimal(n) * step).quantize(Decimal("0.01")) for key, n in parts.items()}


def _hand_down_values(target, definition, children, *, rule, base, values) -> tuple[dict, str]:
    percent = definition.measure == registry.Measure.PERCENT
    if rule == SAME:
        if not percent:
            raise Invalid(
                _("A count is shared between the children, never given to each of them whole."),
                code=ErrorCode.HAND_DOWN_RULE,
                field="rule",
            )
        return {child.pk: target.value for child in children}, SAME
    if rule == SHARE:
        if percent:
            raise Invalid(
                _("A percentage is not shared: hand down the same percentage, or set each child's."),
                code=ErrorCode.HAND_DOWN_RULE,
                field="rule",
            )
        base = base or definition.base
        if base not in bases.BASES:
            raise Invalid(_("Unknown base figure."), code=ErrorCode.HAND_DOWN_RULE, field="base")
        weights = bases.counts(base, children)
        if not sum(weights.values()):
            raise Invalid(
                _("The units under this scope have no %(base)s to share the target by.") % {"base": bases.label(base)},
                code=ErrorCode.HAND_DOWN_NO_BASE,
                field="base",
            )
        step = Decimal("0.01") if definition.measure == registry.Measure.YUAN else Decimal(1)
        return split(target.value, weights, step), f"{SHARE}:{base}"
    if rule == MANUAL:
        given = {child.pk: (values or {}).get(child.pk) for child in children}
        given = {pk: v for pk, v in given.items() if v not in (None, "")}
        if not given:
            raise Invalid(_("Enter a value for at least one unit."), code=ErrorCode.HAND_DOWN_RULE, field="values")
        return given, MANUAL
    raise Invalid(_("Unknown hand-down rule."), code=ErrorCode.HAND_DOWN_RULE, field="rule")


@transaction.atomic
def target_hand_down(*, target: Target, actor, rule: str, base: str | None = None, values=None) -> list[Target]:
    """Hand a scope's target down to its children (the townships of a county, the counties of a prefecture), each
    child's target recorded with its origin and rule and audited (`target.hand_down`), in one transaction: a count
    shared by the children's base figure (`bases`, the indicator's own by default) in whole units that add up to
    the parent's, a percentage the same for each, or the values set child by child (`values`: {unit id: value}).
    An existing target of a child is overwritten. Only organization-department staff of the parent scope."""
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    require(actor, CHANGE, target, _("Only organization-department staff may set targets here."))
    definition = registry.get(target.indicator)
    if definition is None:
        raise Invalid(_("Unknown indicator."), code=ErrorCode.UNKNOWN_INDICATOR, field="indicator")
    children = hand_down_children(target)
    if not children:
        raise Invalid(
            _("No unit under this scope takes a target of this indicator."),
            code=ErrorCode.HAND_DOWN_NO_CHILDREN,
            field="rule",
        )
    shares, rule_used = _hand_down_values(target, definition, children, rule=rule, base=base, values=values)
    by_pk = {child.pk: child for child in children}
    cleaned, errors = {}, {}
    for pk, value in shares.items():
        try:
            cleaned[pk] = target_clean(
                indicator=target.indicator, unit=by_pk[pk], year=target.year, value=value, actor=actor
            )[1]
        except ValidationError as exc:
            # Each child's refusal keeps its code (a negative value, a level the indicator does not show at).
            refusals = (
                [e for es in exc.error_dict.values() for e in es] if hasattr(exc, "error_dict") else exc.error_list
            )
            errors[f"value_{pk}"] = [ValidationError(e.message, code=e.code, params=e.params) for e in refusals]
    if errors:
        raise ValidationError(errors)
    note = _("Handed down from %(unit)s") % {"unit": target.unit.name}
    return [
        _target_write(
            indicator=target.indicator,
            unit=by_pk[pk],
            year=target.year,
            value=value,
            note=note,
            actor=actor,
            action="target.hand_down",
            origin=(target, rule_used),
        )
        for pk, value in cleaned.items()
    ]


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
    prefecture, its pace fitted to a county-level unit's own base); existing targets of those rows are overwritten."""
    table = table or table_for(unit)
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
