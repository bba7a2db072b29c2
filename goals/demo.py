"""Demo goals: the Jingzhou table as Jingzhou's targets; Shishou's fitted to its own villages, communities, townships
and streets (`defaults.fitted_table`) and handed down to its townships (`services.target_hand_down`: counts shared
by each township's villages or communities, percentages the same); demonstration titles and weak-and-lax
rectifications for 2022–2024 (docs/domain.md: 10 of 10 rectified in 2024), then a full recompute of the whole tree
(Hubei → Jingzhou → its counties, Shishou alone with records)."""

from datetime import date

from accounts.permissions import SYSTEM
from organizations.models import (
    DemonstrationTitle,
    DemonstrationTitleKind,
    OrganizationUnit,
    PartyOrganization,
    PartyOrgStatus,
    UnitKind,
)

from . import indicators as registry
from . import services
from .models import ReportConfirmation, Target

YEARS = (2022, 2023, 2024)
# Titles held in the demo county each year (cumulative: a title once earned is held again the next year).
DEMO_VILLAGE_TITLES = {2022: 12, 2023: 24, 2024: 36}
DEMO_COMMUNITY_TITLES = {2022: 3, 2023: 5, 2024: 8}
DEMO_TOWNSHIP_TITLES = {2022: 1, 2023: 2, 2024: 3}
DEMO_SMART_STREETS = {2022: 1, 2023: 2, 2024: 2}
# Weak-and-lax organizations: (started, accepted among them) per year; one left over from 2022 is accepted in 2023,
# so 2022 has 8 of 9, 2023 10 of 10 and 2024 10 of 10 (the last as in docs/domain.md).
WEAK_LAX = {2022: (9, 8), 2023: (9, 9), 2024: (10, 10)}
# The county's percentage targets besides the Jingzhou table's (set by its organization department).
COUNTY_PERCENT = {
    "demonstration_village_share": {2022: 7, 2023: 14, 2024: 22},
    "weak_lax_rectification_rate": {2022: 100, 2023: 100, 2024: 100},
}


def build(ctx):
    rng, city, actor = ctx.rng, ctx.city, ctx.users.get("orgdept") or SYSTEM
    units = list(OrganizationUnit.objects.subtree(city).select_related("party_org").order_by("path"))
    villages = [u for u in units if u.kind == UnitKind.VILLAGE]
    communities = [u for u in units if u.kind == UnitKind.COMMUNITY]
    townships = [u for u in units if u.kind in (UnitKind.TOWNSHIP, UnitKind.DEVELOPMENT_ZONE)]
    streets = [u for u in units if u.kind == UnitKind.STREET]
    rng.shuffle(villages)
    rng.shuffle(communities)
    rng.shuffle(townships)

    titles = []
    for year in YEARS:
        plan = [
            (villages[: DEMO_VILLAGE_TITLES[year]], DemonstrationTitleKind.VILLAGE),
            (communities[: DEMO_COMMUNITY_TITLES[year]], DemonstrationTitleKind.COMMUNITY),
            (townships[: DEMO_TOWNSHIP_TITLES[year]], DemonstrationTitleKind.TOWNSHIP),
            (streets[:1], DemonstrationTitleKind.STREET),
            (streets[: DEMO_SMART_STREETS[year]], DemonstrationTitleKind.SMART_PLATFORM),
        ]
        if year >= 2023:
            plan.append(([city], DemonstrationTitleKind.COUNTY))
        for holders, title in plan:
            titles += [DemonstrationTitle(party_org=u.party_org, year=year, title=title) for u in holders]
    # Bulk helper for the demo only: the same rows demonstration_title_grant writes, without one event per title.
    DemonstrationTitle.objects.bulk_create(titles)

    # Weak-and-lax: distinct villages each year, drawn from the end of the shuffled list (not the model villages).
    pool = villages[::-1]
    changed, left_over = [], []
    for year in YEARS:
        for po in left_over:
            po.status, po.rectified_on = PartyOrgStatus.NORMAL, date(year, 6, 30)
        left_over = []
        started, rectified = WEAK_LAX[year]
        batch, pool = pool[:started], pool[started:]
        for i, village in enumerate(batch):
            po = village.party_org
            po.status = PartyOrgStatus.WEAK_AND_LAX
            po.rectification_started_on = date(year, 3, 1 + i)
            if i < rectified:
                po.status = PartyOrgStatus.NORMAL
                po.rectified_on = date(year, 11, 1 + i)
            else:
                left_over.append(po)
            changed.append(po)
    PartyOrganization.objects.bulk_update(changed, ["status", "rectification_started_on", "rectified_on"])

    above = list(OrganizationUnit.objects.ancestors_of(city))  # Hubei, Jingzhou
    prefectures = [u for u in above if u.kind == UnitKind.PREFECTURE]
    for prefecture in prefectures:
        services.targets_load_defaults(unit=prefecture, actor=ctx.users.get("jingzhou") or SYSTEM)
    services.targets_load_defaults(unit=city, actor=actor)
    for key, by_year in COUNTY_PERCENT.items():
        for year, value in by_year.items():
            services.target_set(indicator=key, unit=city, year=year, value=value, actor=actor)
    # Every county target a township can carry goes down to the townships: counts shared by their own base.
    for target in Target.objects.filter(unit=city).select_related("unit").order_by("year", "indicator"):
        if services.hand_down_children(target):
            rule = (
                services.SAME if registry.get(target.indicator).measure == registry.Measure.PERCENT else services.SHARE
            )
            services.target_hand_down(target=target, actor=actor, rule=rule)

    # Villages confirm their organization records: every year complete but for a few late ones in 2024.
    reporting = [u for u in units if u.kind in services.REPORTING_KINDS]
    late = set(rng.sample([u.pk for u in reporting], 7))
    ReportConfirmation.objects.bulk_create(
        ReportConfirmation(source="organizations", unit=u, year=year, confirmed_by=None)
        for year in YEARS
        for u in reporting
        if not (year == 2024 and u.pk in late)
    )
    root = above[0] if above else city
    for year in YEARS:
        services.rollup_year(year=year, root_id=root.pk)
