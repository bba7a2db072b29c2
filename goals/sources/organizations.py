"""Figures read from the organization tree: demonstration titles by year, smart-service platforms, weak-and-lax
rectification. Each function: (root unit, year) -> {unit path: Figure}, one grouped query."""

from datetime import date

from django.db.models import Exists, OuterRef, Q

from organizations.models import (
    VILLAGE_LEVEL,
    DemonstrationTitle,
    DemonstrationTitleKind,
    OrganizationUnit,
    PartyOrganization,
    UnitKind,
)

from . import counts_by_path, ratio_by_path

TITLE_PATH = "party_org__unit__path"


def _titles(title: str):
    def compute(root, year):
        return counts_by_path(DemonstrationTitle.objects.filter(year=year, title=title), TITLE_PATH, root)

    compute.__name__ = f"titles_{title}"
    return compute


demonstration_counties = _titles(DemonstrationTitleKind.COUNTY)
demonstration_townships = _titles(DemonstrationTitleKind.TOWNSHIP)
demonstration_streets = _titles(DemonstrationTitleKind.STREET)
demonstration_villages = _titles(DemonstrationTitleKind.VILLAGE)
demonstration_communities = _titles(DemonstrationTitleKind.COMMUNITY)
smart_platform = _titles(DemonstrationTitleKind.SMART_PLATFORM)


def demonstration_village_share(root, year):
    """Villages holding 示范村 (communities holding 示范社区) that year, over every active village and community."""
    titled = DemonstrationTitle.objects.filter(party_org__unit=OuterRef("pk"), year=year).filter(
        Q(title=DemonstrationTitleKind.VILLAGE, party_org__unit__kind=UnitKind.VILLAGE)
        | Q(title=DemonstrationTitleKind.COMMUNITY, party_org__unit__kind=UnitKind.COMMUNITY)
    )
    units = OrganizationUnit.objects.filter(kind__in=VILLAGE_LEVEL, is_active=True).annotate(titled=Exists(titled))
    return ratio_by_path(units, "path", root, Q(titled=True))


def weak_lax_rectified(root, year):
    """Party organizations whose weak-and-lax rectification was accepted during the year."""
    return counts_by_path(PartyOrganization.objects.filter(rectified_on__year=year), "unit__path", root)


def weak_lax_rectification_rate(root, year):
    """Accepted during the year, over those under rectification in the year (started by its end, not accepted
    before it starts)."""
    under = PartyOrganization.objects.filter(rectification_started_on__lte=date(year, 12, 31)).filter(
        Q(rectified_on__isnull=True) | Q(rectified_on__gte=date(year, 1, 1))
    )
    return ratio_by_path(under, "unit__path", root, Q(rectified_on__year=year))
