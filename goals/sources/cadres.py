"""Figures read from party members and cadres. Each function: (root unit, year) -> {unit path: Figure}, one
grouped query. Stock figures (activists, reserves, posts) are taken as they stood on 31 December of the year."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cadres.models import (
    ACTIVE_RESERVE_STAGES,
    COLLEGE_OR_ABOVE,
    CadrePost,
    DevelopmentRecord,
    PartyMember,
    PostKind,
    ReserveCadre,
    TrainingAttendance,
)
from organizations.models import VILLAGE_LEVEL, OrganizationUnit, UnitKind

from ..indicators import EVERY_LEVEL, FROM_TOWNSHIP, Aggregation, Figure, Measure, Units, indicator
from .base import counts_by_path, ratio_by_path, within

SOURCE = "cadres"
COUNT, SUM, PERCENT, RATIO = Measure.COUNT, Aggregation.SUM, Measure.PERCENT, Aggregation.RATIO


def _end(year: int) -> date:
    return date(year, 12, 31)


@indicator(
    "members_developed",
    _("Party members developed"),
    Measure.PEOPLE,
    SUM,
    SOURCE,
    sort=40,
    levels=EVERY_LEVEL,
    base="members",
)
def members_developed(root, year):
    """Development records admitted as probationary members during the year (发展党员)."""
    return counts_by_path(DevelopmentRecord.objects.filter(admitted_on__year=year), "unit__path", root)


@indicator(
    "activists", _("Activists in reserve"), Measure.PEOPLE, SUM, SOURCE, sort=41, levels=EVERY_LEVEL, base="members"
)
def activists(root, year):
    """Activists in reserve on 31 December: activist by then, not yet a target, not disqualified."""
    end = _end(year)
    held = DevelopmentRecord.objects.filter(activist_on__lte=end).filter(
        Q(target_on__isnull=True) | Q(target_on__gt=end),
        Q(disqualified_on__isnull=True) | Q(disqualified_on__gt=end),
    )
    return counts_by_path(held, "unit__path", root)


@indicator(
    "training_person_times",
    _("Training person-times"),
    Measure.PERSON_TIMES,
    SUM,
    SOURCE,
    sort=42,
    levels=EVERY_LEVEL,
    base="members",
)
def training_person_times(root, year):
    """Attendances at training sessions starting in the year, counted at the attendee's unit."""
    return counts_by_path(TrainingAttendance.objects.filter(session__starts_on__year=year), "person__unit__path", root)


@indicator(
    "training_coverage", _("Training coverage of party members"), PERCENT, RATIO, SOURCE, sort=43, levels=EVERY_LEVEL
)
def training_coverage(root, year):
    """Party members (joined by year end) who attended at least one training that year, over all of them.

    A few members (an incremental recompute's `Units`) probe their attendances one by one. A subtree or every tree
    counts the trained members as a semi-join (`person_id IN (the year's attendees)` in WHERE: a hash join, which
    spills to disk in batches when it must) and the members in a second grouped query. Testing membership inside the
    count's FILTER instead is a subplan that PostgreSQL hashes only while the year's attendees fit in work_mem;
    past that it rescans them for every member (over ten minutes at 4 million members: bench/RESULTS.md, goal 2)."""
    attended = TrainingAttendance.objects.filter(session__starts_on__year=year)
    members = PartyMember.objects.filter(joined_on__lte=_end(year))
    if isinstance(root, Units):
        members = members.annotate(trained=Exists(attended.filter(person=OuterRef("person_id"))))
        return ratio_by_path(members, "unit__path", root, Q(trained=True))
    trained = counts_by_path(members.filter(person_id__in=attended.values("person_id")), "unit__path", root)
    return {
        path: Figure(trained[path].numerator if path in trained else Decimal(0), figure.numerator)
        for path, figure in counts_by_path(members, "unit__path", root).items()
    }


@indicator(
    "reserve_cadres",
    _("Reserve cadres"),
    Measure.PEOPLE,
    SUM,
    SOURCE,
    sort=44,
    levels=EVERY_LEVEL,
    base="village_level",
)
def reserve_cadres(root, year):
    """Reserve cadres held in reserve (in reserve or trained) who reached that stage by year end."""
    held = ReserveCadre.objects.filter(stage__in=ACTIVE_RESERVE_STAGES, stage_on__lte=_end(year))
    return counts_by_path(held, "unit__path", root)


@indicator(
    "villages_with_young_reserve",
    _("Share of villages with a reserve cadre under 30"),
    PERCENT,
    RATIO,
    SOURCE,
    sort=45,
    levels=FROM_TOWNSHIP,
)
def villages_with_young_reserve(root, year):
    """Villages with at least one reserve under 30 on 31 December, over all active villages (Jingzhou's rule)."""
    end = _end(year)
    young = ReserveCadre.objects.filter(
        unit=OuterRef("pk"),
        stage__in=ACTIVE_RESERVE_STAGES,
        stage_on__lte=end,
        person__birth_date__gt=date(year - 30, 12, 31),
    )
    villages = OrganizationUnit.objects.filter(kind=UnitKind.VILLAGE, is_active=True).annotate(young=Exists(young))
    return ratio_by_path(villages, "path", root, Q(young=True))


def _posts_held(year):
    end = _end(year)
    return CadrePost.objects.filter(unit__kind__in=VILLAGE_LEVEL, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    )


@indicator(
    "one_shoulder_rate",
    _("One-shoulder rate (secretary also chairs the villagers' committee)"),
    PERCENT,
    RATIO,
    SOURCE,
    sort=46,
    levels=FROM_TOWNSHIP,
)
def one_shoulder_rate(root, year):
    """Village and community secretaries who also chair the villagers' (residents') committee, over all of them."""
    secretaries = _posts_held(year).filter(post=PostKind.SECRETARY)
    return ratio_by_path(secretaries, "unit__path", root, Q(is_one_shoulder=True))


@indicator(
    "college_degree_share",
    _("Share of village cadres with a college degree or above"),
    PERCENT,
    RATIO,
    SOURCE,
    sort=47,
    levels=EVERY_LEVEL,
)
def college_degree_share(root, year):
    """Village and community cadres (people holding a committee post at year end) with a college degree or above."""
    cadres = _posts_held(year).exclude(post__in=[PostKind.FIRST_SECRETARY, PostKind.WORK_TEAM_MEMBER])
    rows = (
        within(cadres, "unit__path", root)
        .values("unit__path")
        .annotate(
            num=Count("person", filter=Q(person__education__in=COLLEGE_OR_ABOVE), distinct=True),
            den=Count("person", distinct=True),
        )
        .order_by()
    )
    return {row["unit__path"]: Figure(Decimal(row["num"]), Decimal(row["den"])) for row in rows}
