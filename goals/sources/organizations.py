"""Figures read from the organization tree: demonstration titles by year, smart-service platforms, weak-and-lax
rectification. Each function: (root unit, year) -> {unit path: Figure}, one grouped query."""

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import (
    ABOVE_COUNTY,
    COUNTY_LEVEL,
    VILLAGE_LEVEL,
    DemonstrationTitle,
    DemonstrationTitleKind,
    OrganizationUnit,
    PartyOrganization,
    UnitKind,
)

from ..indicators import FROM_COUNTY, FROM_TOWNSHIP, Aggregation, Measure, indicator
from .base import counts_by_path, ratio_by_path

SOURCE = "organizations"
TITLE_PATH = "party_org__unit__path"


def _titles(key: str, name, title: str, sort: int, *, levels: tuple, base: str):
    # The Jingzhou three-year table (docs/domain.md "Annual goals"): a count of one demonstration title a year,
    # listed at the levels above the units that hold it (a township's dashboard counts its demonstration villages).
    @indicator(key, name, Measure.COUNT, Aggregation.SUM, SOURCE, sort=sort, levels=levels, base=base)
    def compute(root, year):
        return counts_by_path(DemonstrationTitle.objects.filter(year=year, title=title), TITLE_PATH, root)

    compute.__name__ = f"titles_{title}"
    return compute


T = DemonstrationTitleKind


@indicator(
    "demonstration_counties",
    _("Demonstration counties (cities, districts)"),
    Measure.COUNT,
    Aggregation.SUM,
    SOURCE,
    description=_("County-level units (county-level cities, districts, counties) holding 示范县 for the year."),
    sort=10,
    target_kinds=ABOVE_COUNTY,
    levels=ABOVE_COUNTY,
    base="counties",
)
def demonstration_counties(root, year):
    """The prefecture's own indicator: county-level units holding 示范县 that year, counted on the prefecture and
    the province (on a county, 1 when it holds the title)."""
    titles = DemonstrationTitle.objects.filter(year=year, title=T.COUNTY, party_org__unit__kind__in=COUNTY_LEVEL)
    return counts_by_path(titles, TITLE_PATH, root)


demonstration_townships = _titles(
    "demonstration_townships", _("Demonstration townships"), T.TOWNSHIP, 11, levels=FROM_COUNTY, base="townships"
)
demonstration_streets = _titles(
    "demonstration_streets", _("Demonstration streets"), T.STREET, 12, levels=FROM_COUNTY, base="streets"
)
demonstration_villages = _titles(
    "demonstration_villages", _("Demonstration villages"), T.VILLAGE, 13, levels=FROM_TOWNSHIP, base="villages"
)
demonstration_communities = _titles(
    "demonstration_communities",
    _("Demonstration communities"),
    T.COMMUNITY,
    14,
    levels=FROM_TOWNSHIP,
    base="communities",
)
smart_platform = _titles(
    "smart_platform_streets",
    _("Streets with a comprehensive smart-service platform"),
    T.SMART_PLATFORM,
    15,
    levels=FROM_COUNTY,
    base="streets",
)


@indicator(
    "demonstration_village_share",
    _("Share of villages and communities holding a demonstration title"),
    Measure.PERCENT,
    Aggregation.RATIO,
    SOURCE,
    description=_("Villages holding 示范村 and communities holding 示范社区 for the year, over all of them."),
    sort=21,
    levels=FROM_TOWNSHIP,
)
def demonstration_village_share(root, year):
    """Villages holding 示范村 (communities holding 示范社区) that year, over every active village and community."""
    titled = DemonstrationTitle.objects.filter(party_org__unit=OuterRef("pk"), year=year).filter(
        Q(title=DemonstrationTitleKind.VILLAGE, party_org__unit__kind=UnitKind.VILLAGE)
        | Q(title=DemonstrationTitleKind.COMMUNITY, party_org__unit__kind=UnitKind.COMMUNITY)
    )
    units = OrganizationUnit.objects.filter(kind__in=VILLAGE_LEVEL, is_active=True).annotate(titled=Exists(titled))
    return ratio_by_path(units, "path", root, Q(titled=True))


@indicator(
    "weak_lax_rectified",
    _("Weak-and-lax organizations rectified"),
    Measure.COUNT,
    Aggregation.SUM,
    SOURCE,
    description=_("Party organizations whose rectification was accepted during the year."),
    sort=30,
    levels=FROM_TOWNSHIP,
    base="village_level",
)
def weak_lax_rectified(root, year):
    """Party organizations whose weak-and-lax rectification was accepted during the year."""
    return counts_by_path(PartyOrganization.objects.filter(rectified_on__year=year), "unit__path", root)


@indicator(
    "weak_lax_rectification_rate",
    _("Rectification rate of weak-and-lax organizations"),
    Measure.PERCENT,
    Aggregation.RATIO,
    SOURCE,
    description=_(
        "Accepted during the year, over those under rectification in the year (started by its end and "
        "not accepted before it)."
    ),
    sort=31,
    levels=FROM_TOWNSHIP,
)
def weak_lax_rectification_rate(root, year):
    """Accepted during the year, over those under rectification in the year (started by its end, not accepted
    before it starts)."""
    under = PartyOrganization.objects.filter(rectification_started_on__lte=date(year, 12, 31)).filter(
        Q(rectified_on__isnull=True) | Q(rectified_on__gte=date(year, 1, 1))
    )
    return ratio_by_path(under, "unit__path", root, Q(rectified_on__year=year))
