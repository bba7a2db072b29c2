"""The indicator registry: every yearly figure the dashboards show, defined once in code (DHIS2's indicators).

An indicator has a key, a Chinese name, a unit of measure, the app whose records it reads (`source`), how it rolls up
(`SUM` of counts, or `RATIO`: Σ numerators / Σ denominators recomputed at every level — never an average of
percentages) and a compute function. `compute(scope, year)` returns the contributions of the records in `scope` for
`year` as {unit path: Figure}, from one grouped query; the roll-up (`goals/rollup.py`) adds them up the tree. The
scope is a unit (the records under it), None (every tree: the full recompute) or `Units` (the records at exactly
these unit ids: what an incremental recompute reads).
An indicator whose source app has not landed yet has `compute=None` and shows "no data source yet".

Indicators can also be declared at run time: staff declare a numeric field of a periodic report form as an indicator
in the portal (`goals.FormIndicator`, key `form:<id>`, source "reporting"). A loader registered with `@dynamic`
(`goals/sources/reporting.py`) turns the active declarations into `Indicator`s; every look-up below (`get`,
`all_indicators`, `for_level`, `of_source`…) sees them. They are read with one query the first time a request, a
Celery task or a roll-up asks (`reset_dynamic` at each start, and when a declaration is saved), never per look-up.

This module imports nothing of the sources: each indicator is declared beside its compute function in
`goals/sources/<source app>.py` with the `@indicator(...)` decorator, which registers it here, and
`goals.apps.GoalsConfig.ready()` imports `goals.sources` once so that every declaration has run.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.permissions import VIEW, units_for
from organizations.models import ABOVE_COUNTY, COUNTY_LEVEL, TOWNSHIP_LEVEL, VILLAGE_LEVEL, OrganizationUnit


class Measure(models.TextChoices):
    COUNT = "count", _("count")
    PEOPLE = "people", _("persons")  # a count of people: 人, not 个
    PERCENT = "percent", _("percent")
    YUAN = "yuan", _("yuan")
    PERSON_TIMES = "person_times", _("person-times")


class Aggregation(models.TextChoices):
    SUM = "sum", _("sum")
    RATIO = "ratio", _("numerator / denominator")


@dataclass(frozen=True)
class Figure:
    """A contribution: a count (denominator None) or a numerator over a denominator."""

    numerator: Decimal = Decimal(0)
    denominator: Decimal | None = None


# The levels an indicator shows at (`Indicator.levels`), by the unit kinds of each level. A figure about villages
# (a share of villages, titles awarded to villages) says nothing on one village's own dashboard; a figure about
# townships or counties (demonstration townships, demonstration counties) nothing below them. Every figure is still
# computed and rolled up at every level: the levels only choose what a dashboard lists.
EVERY_LEVEL = (*ABOVE_COUNTY, *COUNTY_LEVEL, *TOWNSHIP_LEVEL, *VILLAGE_LEVEL)
FROM_TOWNSHIP = (*ABOVE_COUNTY, *COUNTY_LEVEL, *TOWNSHIP_LEVEL)
FROM_COUNTY = (*ABOVE_COUNTY, *COUNTY_LEVEL)


class Units(frozenset):
    """A compute scope: the records at exactly these unit ids (not below them)."""


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    measure: str
    aggregation: str
    source: str
    compute: Callable | None = None
    description: str = ""
    sort: int = 100
    # The unit kinds a target of this indicator fits (empty: every kind that takes targets). Demonstration counties
    # count county-level units: their target is a prefecture's or the province's, never a county's.
    target_kinds: tuple = ()
    # The unit kinds whose dashboards list this indicator (its children table, charts, exports and API too); empty:
    # every level. A target fits only where the indicator shows.
    levels: tuple = ()
    # What a target handed down to the children is shared by (`goals.bases`): villages, members, grids…
    base: str = "equal"
    # The unit path an indicator belongs to (a form-backed one: its form's unit); empty: every tree. It is listed
    # only on the dashboards of that unit, the units under it and those above it, and only to users whose
    # jurisdiction lies on that line (`on_line`, `for_unit`, `for_user`): a township's form is no business of its
    # sibling's.
    line: str = ""

    def shows_at(self, kind: str) -> bool:
        return not self.levels or kind in self.levels

    def on_line(self, path: str) -> bool:
        """Whether a unit at `path` (or a jurisdiction rooted there) lies under or above the indicator's unit."""
        return not self.line or path.startswith(self.line) or self.line.startswith(path)

    def shows_on(self, unit) -> bool:
        return self.shows_at(unit.kind) and self.on_line(unit.path)

    def targets_at(self, kind: str) -> bool:
        """Whether a target of this indicator fits a unit of `kind` (its target kinds, and where it shows)."""
        return self.shows_at(kind) and (not self.target_kinds or kind in self.target_kinds)

    @property
    def measure_label(self) -> str:
        """The unit a figure is counted in (个, 人, 元, 人次; a percentage shows its own "%")."""
        return "" if self.measure == Measure.PERCENT else str(Measure(self.measure).label)

    @property
    def has_source(self) -> bool:
        return self.compute is not None

    def value_of(self, numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
        """The figure shown: the count, or the percentage Σnum/Σden×100 (None when nothing to divide by)."""
        if self.aggregation == Aggregation.SUM:
            return Decimal(numerator).quantize(Decimal("0.01"))
        if not denominator:
            return None
        return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))


REGISTRY: dict[str, Indicator] = {}

# The apps indicators read, and the reporting level whose units are expected to report each year.
SOURCES = {
    "organizations": _("Organization system"),
    "cadres": _("Party members and cadres"),
    "grid_woodpecker": _("Grid woodpeckers"),
    "collective_economy": _("Village collective economy"),
    "reporting": _("Periodic reports"),
}

# Sources whose own records carry a 'reported' notion register here: source -> f(unit, year) -> unit ids.
SOURCE_REPORTED: dict[str, Callable] = {}
# The kinds of unit expected to report each source (default: villages and communities).
SOURCE_REPORTING_KINDS: dict[str, tuple] = {"collective_economy": ("village",)}


def source_label(source: str) -> str:
    return str(SOURCES.get(source, source))


def register(indicator: Indicator) -> Indicator:
    """Add (or replace, for tests) an indicator in the registry."""
    REGISTRY[indicator.key] = indicator
    return indicator


def indicator(
    key: str,
    name,
    measure: str,
    aggregation: str,
    source: str,
    *,
    description="",
    sort: int = 100,
    target_kinds=(),
    levels=(),
    base: str = "equal",
) -> Callable[[Callable], Callable]:
    """Declare the decorated function as the compute function of an indicator and register it:

    @indicator("clues_handled", _("Clues handled"), Measure.COUNT, Aggregation.SUM, "grid_woodpecker", sort=49)
    def clues_handled(root, year): ...
    """

    def declare(compute: Callable) -> Callable:
        register(
            Indicator(
                key,
                name,
                measure,
                aggregation,
                source,
                compute,
                description=description,
                sort=sort,
                target_kinds=tuple(target_kinds),
                levels=tuple(levels),
                base=base,
            )
        )
        return compute

    return declare


def reported(source: str) -> Callable[[Callable], Callable]:
    """Declare the decorated `f(unit, year) -> unit ids` as the units that reported `source` for the year."""

    def declare(function: Callable) -> Callable:
        SOURCE_REPORTED[source] = function
        return function

    return declare


# Loaders of the indicators declared at run time (`dynamic`), and each thread's memo of what they returned.
_loaders: list[Callable[[], list[Indicator]]] = []
_memo = threading.local()


def dynamic(loader: Callable[[], list[Indicator]]) -> Callable[[], list[Indicator]]:
    """Register `loader() -> [Indicator]`: indicators declared at run time (read from the database)."""
    if loader not in _loaders:
        _loaders.append(loader)
    return loader


def reset_dynamic(*args, **kwargs) -> None:
    """Forget the indicators declared at run time: the next look-up reads them again (a request, a task or a
    roll-up starts with this; so does a saved declaration). Takes any arguments, to be a signal receiver."""
    _memo.declared = None


def _declared() -> dict[str, Indicator]:
    declared = getattr(_memo, "declared", None)
    if declared is None:
        declared = {i.key: i for loader in _loaders for i in loader()}
        _memo.declared = declared
    return declared


def _every() -> dict[str, Indicator]:
    return {**REGISTRY, **_declared()} if _loaders else REGISTRY


def of_source(source: str) -> list[str]:
    """The keys of the indicators computed from `source`'s records (what a change there recomputes)."""
    return [i.key for i in all_indicators() if i.source == source]


def unregister(key: str) -> None:
    REGISTRY.pop(key, None)


def get(key: str) -> Indicator | None:
    found = REGISTRY.get(key)
    return found if found is not None or not _loaders else _declared().get(key)


def all_indicators() -> list[Indicator]:
    return sorted(_every().values(), key=lambda i: (i.sort, i.key))


def for_level(kind: str) -> list[Indicator]:
    """The indicators a dashboard of a unit of `kind` lists, in their order."""
    return [i for i in all_indicators() if i.shows_at(kind)]


def for_unit(unit) -> list[Indicator]:
    """The indicators the dashboard of `unit` lists, in their order: those of its level on its line."""
    return [i for i in all_indicators() if i.shows_on(unit)]


def for_user(user) -> list[Indicator]:
    """The indicators a user may know of: every one declared in code, and those declared on a form whose unit lies
    on the line of the user's jurisdiction (under or above it)."""
    every = all_indicators()
    if not any(i.line for i in every):
        return every
    paths = units_for(user, OrganizationUnit, VIEW)
    return [i for i in every if not i.line or any(i.on_line(path) for path in paths)]


def label(key: str) -> str:
    indicator = get(key)
    return str(indicator.name) if indicator else key


def choices() -> list[tuple[str, str]]:
    return [(i.key, i.name) for i in all_indicators()]
