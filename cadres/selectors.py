"""Reads of the cadres app. Every one starts from the user's scoped queryset (`Model.objects.restrict(user)`)."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Rank

from accounts.permissions import REVEAL
from core import crypto
from core.params import ID_MAX
from organizations.models import OrganizationUnit, UnitKind

from .models import (
    ACTIVE_RESERVE_STAGES,
    COLLEGE_OR_ABOVE,
    CadrePost,
    CapabilityAssessment,
    DevelopmentRecord,
    DevelopmentStage,
    MemberTransfer,
    PartyMember,
    Person,
    PostKind,
    ReserveCadre,
    ReservePost,
    TrainingAttendance,
)
from .validators import parse_resident_id


def looks_like_id_number(query: str) -> bool:
    try:
        parse_resident_id(query)
    except Exception:  # noqa: BLE001 - any invalid value is simply not an ID number
        return False
    return True


def _revealable(user):
    """The people whose full ID number `user` may see: only they can be found by it, so a role that sees masked
    numbers cannot test guessed numbers against the search (an oracle that would rebuild them)."""
    return Person.objects.restrict(user, REVEAL).values("pk")


def search_person(qs, *, user, query: str, prefix: str = ""):
    """Rows of `qs` whose person (`prefix`: the lookup to it, "" for people) has this full ID number — found
    through the keyed hash, among the people the user may see in full — or whose name contains `query`."""
    query = (query or "").strip()
    if query and looks_like_id_number(query):
        pk = f"{prefix}__in" if prefix else "pk__in"
        return qs.filter(**{f"{prefix}{'__' if prefix else ''}id_number_hash": crypto.search_hash(query)}).filter(
            **{pk: _revealable(user)}
        )
    if query:
        return qs.filter(**{f"{prefix}{'__' if prefix else ''}name__icontains": query})
    return qs


def people_search(*, user, query: str = "", unit=None):
    """People in scope; a full ID number finds its person through the keyed hash, anything else searches names."""
    qs = search_person(Person.objects.restrict(user).select_related("unit"), user=user, query=query)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs


PICKER_LIMIT = 20


def people_for_picker(*, user, query: str, limit: int = PICKER_LIMIT):
    """The person picker's search: people in scope whose name contains `query`, namesakes ordered by unit. Names
    only: an ID number typed here finds nobody (it is never a way to test numbers)."""
    query = (query or "").strip()[:50]
    if not query or looks_like_id_number(query):
        return Person.objects.none()
    qs = Person.objects.restrict(user).filter(name__icontains=query).select_related("unit")
    return qs.order_by("name", "unit__path", "id")[:limit]


def person_for_picker(*, user, pk):
    """The person with this id if the user may see them, else None (an id outside the scope is not told apart from
    one that does not exist)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= ID_MAX:
        return None
    return Person.objects.restrict(user).select_related("unit").filter(pk=pk).first()


def people_for_picker_by_ids(*, user, ids):
    """The people among `ids` the user may see (in the order given); ids outside the scope are left out."""
    wanted = []
    for given in ids:
        try:
            pk = int(given)
        except (TypeError, ValueError):
            continue
        if 0 < pk <= ID_MAX and pk not in wanted:
            wanted.append(pk)
    if not wanted:
        return []
    found = {p.pk: p for p in Person.objects.restrict(user).select_related("unit").filter(pk__in=wanted)}
    return [found[pk] for pk in wanted if pk in found]


def person_in_scope_by_id_number(*, user, id_number: str):
    """The person with this full ID number if the user may see them, else None."""
    return Person.objects.restrict(user).filter(id_number_hash=crypto.search_hash(id_number)).first()


def members_list(*, user, query: str = "", status: str = "", flag: str = "", unit=None):
    qs = PartyMember.objects.restrict(user).select_related("person", "unit", "floating_managing_unit")
    qs = search_person(qs, user=user, query=query, prefix="person")
    if status:
        qs = qs.filter(status=status)
    if flag in ("is_floating", "is_in_service", "without_post", "is_household"):
        qs = qs.filter(**{flag: True})
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("unit__path", "person__name", "id")


def political_birthdays(*, user, month: int):
    """Members whose joining anniversary falls in `month`, grouped by branch: [(unit, [members])]."""
    groups = defaultdict(list)
    qs = PartyMember.objects.restrict(user).filter(joined_on__month=month).select_related("person", "unit")
    for member in qs.order_by("unit__path", "joined_on__day", "person__name"):
        groups[member.unit].append(member)
    return list(groups.items())


def development_list(*, user, stage: str = "", query: str = "", pending: bool = False):
    qs = DevelopmentRecord.objects.restrict(user).select_related("person", "unit")
    if stage:
        qs = qs.filter(stage=stage)
    if query:
        qs = qs.filter(person__name__icontains=query)
    if pending:
        qs = qs.filter(steps__status="proposed")
    return qs.order_by("unit__path", "person__name", "id")


def development_figures(*, user, year: int) -> dict:
    """The yearly figures: members developed (admitted as probationary) in `year` and activists held now."""
    qs = DevelopmentRecord.objects.restrict(user)
    return {
        "developed": qs.filter(admitted_on__year=year).count(),
        "activists": qs.filter(stage=DevelopmentStage.ACTIVIST).count(),
        "targets": qs.filter(stage=DevelopmentStage.TARGET).count(),
    }


def posts_list(*, user, post: str = "", query: str = "", current: bool = True):
    qs = CadrePost.objects.restrict(user).select_related("person", "unit")
    if current:
        qs = qs.filter(ended_on__isnull=True)
    if post:
        qs = qs.filter(post=post)
    if query:
        qs = qs.filter(Q(person__name__icontains=query) | Q(unit__name__icontains=query))
    return qs.order_by("unit__path", "committee", "post", "id")


def cadre_figures(*, user, year: int) -> dict:
    """One-shoulder rate of village/community secretaries and the share of village cadres with a college degree
    or above among posts held at the end of `year`."""
    end = date(year, 12, 31)
    held = (
        CadrePost.objects.restrict(user)
        .filter(unit__kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY], started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
    )
    secretaries = held.filter(post=PostKind.SECRETARY)
    n_sec = secretaries.count()
    n_one = secretaries.filter(is_one_shoulder=True).count()
    cadres = held.exclude(post__in=[PostKind.FIRST_SECRETARY, PostKind.WORK_TEAM_MEMBER])
    n_cadres = cadres.values("person").distinct().count()
    n_college = cadres.filter(person__education__in=COLLEGE_OR_ABOVE).values("person").distinct().count()
    return {
        "secretaries": n_sec,
        "one_shoulder": n_one,
        "one_shoulder_rate": round(100 * n_one / n_sec, 1) if n_sec else None,
        "cadres": n_cadres,
        "college": n_college,
        "college_share": round(100 * n_college / n_cadres, 1) if n_cadres else None,
    }


def assessment_ranking(*, user, year: int):
    """Secretaries' assessments of `year` ranked by score (1 = best; equal scores share a rank)."""
    return (
        CapabilityAssessment.objects.restrict(user)
        .filter(year=year)
        .select_related("person", "unit")
        .annotate(rank=Window(expression=Rank(), order_by=F("score").desc()))
        .order_by("rank", "unit__path")
    )


def reserves_list(*, user, stage: str = "", post_for: str = "", query: str = ""):
    qs = ReserveCadre.objects.restrict(user).select_related("person", "unit")
    if stage:
        qs = qs.filter(stage=stage)
    if post_for:
        qs = qs.filter(post_for=post_for)
    if query:
        qs = qs.filter(Q(person__name__icontains=query) | Q(unit__name__icontains=query))
    return qs.order_by("unit__path", "person__name", "id")


def reserve_figures(*, user) -> dict:
    qs = ReserveCadre.objects.restrict(user).filter(stage__in=ACTIVE_RESERVE_STAGES)
    return {
        "secretary": qs.filter(post_for=ReservePost.SECRETARY).count(),
        "other": qs.filter(post_for=ReservePost.OTHER).count(),
    }


def _under_30_birth_limit(on: date) -> date:
    """People born after this date are under 30 on `on`."""
    try:
        return on.replace(year=on.year - 30)
    except ValueError:
        return on.replace(year=on.year - 30, day=28)


def villages_missing_young_reserve(*, user, on: date):
    """The under-30 rule: villages in scope with no reserve cadre under 30 held in reserve on `on`, per township.

    Returns [(township, [villages])] and counts, in two queries.
    """
    villages = OrganizationUnit.objects.restrict(user).filter(kind=UnitKind.VILLAGE, is_active=True)
    limit = _under_30_birth_limit(on)
    covered = set(
        ReserveCadre.objects.restrict(user)
        .filter(stage__in=ACTIVE_RESERVE_STAGES, person__birth_date__gt=limit, unit__kind=UnitKind.VILLAGE)
        .values_list("unit_id", flat=True)
    )
    missing = [v for v in villages.select_related("parent").order_by("path") if v.pk not in covered]
    groups = defaultdict(list)
    for village in missing:
        groups[village.parent].append(village)
    total = villages.count()
    return {
        "groups": sorted(groups.items(), key=lambda item: item[0].path),
        "villages": total,
        "missing": len(missing),
        "covered": total - len(missing),
    }


def training_figures(*, user, year: int) -> dict:
    attendances = TrainingAttendance.objects.restrict(user).filter(session__starts_on__year=year)
    return {
        "sessions": attendances.values("session").distinct().count(),
        "person_times": attendances.count(),
        "people": attendances.values("person").distinct().count(),
    }


def secretaries_not_trained(*, user, year: int):
    """Coverage of the target group "village/community secretaries": the sitting ones not trained in `year`."""
    trained = TrainingAttendance.objects.filter(session__starts_on__year=year).values("person_id")
    secretaries = CadrePost.objects.restrict(user).filter(
        post=PostKind.SECRETARY, ended_on__isnull=True, unit__kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]
    )
    total = secretaries.count()
    missing = secretaries.exclude(person_id__in=trained).select_related("person", "unit").order_by("unit__path")
    return {"total": total, "missing": missing, "covered": total - missing.count()}


def transfers_list(*, user, status: str = ""):
    qs = MemberTransfer.objects.restrict(user).select_related("member__person", "from_unit", "to_unit")
    if status:
        qs = qs.filter(status=status)
    return qs


def unit_counts(*, user) -> dict:
    return dict(PartyMember.objects.restrict(user).values_list("status").annotate(n=Count("id")).order_by())
