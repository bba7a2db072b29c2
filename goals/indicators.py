"""The indicator registry: every yearly figure the dashboards show, defined once in code (DHIS2's indicators).

An indicator has a key, a Chinese name, a unit of measure, the app whose records it reads (`source`), how it rolls up
(`SUM` of counts, or `RATIO`: Σ numerators / Σ denominators recomputed at every level — never an average of
percentages) and a compute function. `compute(root, year)` returns the contributions of the records under `root`
for `year` as {unit path: Figure}, from one grouped query; the roll-up adds up the contributions under each unit.
An indicator whose source app has not landed yet has `compute=None` and shows "no data source yet".
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    COUNT = "count", _("count")
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


def unregister(key: str) -> None:
    REGISTRY.pop(key, None)


def get(key: str) -> Indicator | None:
    return REGISTRY.get(key)


def all_indicators() -> list[Indicator]:
    return sorted(REGISTRY.values(), key=lambda i: (i.sort, i.key))


def label(key: str) -> str:
    indicator = REGISTRY.get(key)
    return str(indicator.name) if indicator else key


def choices() -> list[tuple[str, str]]:
    return [(i.key, i.name) for i in all_indicators()]


def _load():
    from .sources import cadres, organizations
    from .sources import collective_economy as economy
    from .sources import grid_woodpecker as woodpecker

    SOURCE_REPORTED["collective_economy"] = economy.reported_villages
    # Compute functions of the indicators registered below by key, for the sources that have landed.
    computed = {
        "members_developed": cadres.members_developed,
        "activists": cadres.activists,
        "training_person_times": cadres.training_person_times,
        "training_coverage": cadres.training_coverage,
        "reserve_cadres": cadres.reserve_cadres,
        "villages_with_young_reserve": cadres.villages_with_young_reserve,
        "one_shoulder_rate": cadres.one_shoulder_rate,
        "college_degree_share": cadres.college_degree_share,
        "woodpeckers": woodpecker.woodpeckers,
        "clues_handled": woodpecker.clues_handled,
        "clue_closure_rate": woodpecker.clue_closure_rate,
        "clue_satisfaction_rate": woodpecker.clue_satisfaction_rate,
        "villages_income_over_100k": economy.villages_over_100k,
        "reward_paid": economy.reward_paid,
    }

    M, A = Measure, Aggregation
    org = organizations
    # The Jingzhou three-year table (DOMAIN.md "Annual goals").
    for sort, (key, name, fn) in enumerate(
        [
            ("demonstration_counties", _("Demonstration counties (cities, districts)"), org.demonstration_counties),
            ("demonstration_townships", _("Demonstration townships"), org.demonstration_townships),
            ("demonstration_streets", _("Demonstration streets"), org.demonstration_streets),
            ("demonstration_villages", _("Demonstration villages"), org.demonstration_villages),
            ("demonstration_communities", _("Demonstration communities"), org.demonstration_communities),
            ("smart_platform_streets", _("Streets with a comprehensive smart-service platform"), org.smart_platform),
        ],
        start=10,
    ):
        register(Indicator(key, name, M.COUNT, A.SUM, "organizations", fn, sort=sort))
    register(
        Indicator(
            "villages_income_over_200k",
            _("Share of villages with collective income over 200,000 yuan"),
            M.PERCENT,
            A.RATIO,
            "collective_economy",
            economy.villages_over_200k,
            sort=20,
        )
    )
    register(
        Indicator(
            "demonstration_village_share",
            _("Share of villages and communities holding a demonstration title"),
            M.PERCENT,
            A.RATIO,
            "organizations",
            org.demonstration_village_share,
            description=_("Villages holding 示范村 and communities holding 示范社区 for the year, over all of them."),
            sort=21,
        )
    )
    register(
        Indicator(
            "weak_lax_rectified",
            _("Weak-and-lax organizations rectified"),
            M.COUNT,
            A.SUM,
            "organizations",
            org.weak_lax_rectified,
            description=_("Party organizations whose rectification was accepted during the year."),
            sort=30,
        )
    )
    register(
        Indicator(
            "weak_lax_rectification_rate",
            _("Rectification rate of weak-and-lax organizations"),
            M.PERCENT,
            A.RATIO,
            "organizations",
            org.weak_lax_rectification_rate,
            description=_(
                "Accepted during the year, over those under rectification in the year (started by its end and "
                "not accepted before it)."
            ),
            sort=31,
        )
    )
    # The Shishou figures; those without a compute function show "no data source yet".
    pending = [
        ("members_developed", _("Party members developed"), M.COUNT, A.SUM, "cadres"),
        ("activists", _("Activists in reserve"), M.COUNT, A.SUM, "cadres"),
        ("training_person_times", _("Training person-times"), M.PERSON_TIMES, A.SUM, "cadres"),
        ("training_coverage", _("Training coverage of party members"), M.PERCENT, A.RATIO, "cadres"),
        ("reserve_cadres", _("Reserve cadres"), M.COUNT, A.SUM, "cadres"),
        (
            "villages_with_young_reserve",
            _("Share of villages with a reserve cadre under 30"),
            M.PERCENT,
            A.RATIO,
            "cadres",
        ),
        (
            "one_shoulder_rate",
            _("One-shoulder rate (secretary also chairs the villagers' committee)"),
            M.PERCENT,
            A.RATIO,
            "cadres",
        ),
        (
            "college_degree_share",
            _("Share of village cadres with a college degree or above"),
            M.PERCENT,
            A.RATIO,
            "cadres",
        ),
        ("woodpeckers", _("Grid woodpeckers"), M.COUNT, A.SUM, "grid_woodpecker"),
        ("clues_handled", _("Clues handled"), M.COUNT, A.SUM, "grid_woodpecker"),
        ("clue_closure_rate", _("Clue closure rate"), M.PERCENT, A.RATIO, "grid_woodpecker"),
        ("clue_satisfaction_rate", _("Clue satisfaction rate"), M.PERCENT, A.RATIO, "grid_woodpecker"),
        (
            "villages_income_over_100k",
            _("Share of villages with collective income over 100,000 yuan"),
            M.PERCENT,
            A.RATIO,
            "collective_economy",
        ),
        ("reward_paid", _("Performance rewards paid to village cadres"), M.YUAN, A.SUM, "collective_economy"),
    ]
    for sort, (key, name, measure, aggregation, source) in enumerate(pending, start=40):
        register(Indicator(key, name, measure, aggregation, source, computed.get(key), sort=sort))


_load()
