"""Reads of the collective economy. Every read starts from the user's scoped queryset; a whole township or city
is computed from a fixed handful of queries (villages, reports, targets), never one query per village.

Which villages count: active administrative villages (UnitKind.VILLAGE), not urban communities. A village without
an approved report for the year is MISSING: it stays in the denominator of "share of all villages" and is listed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from accounts.permissions import VIEW, restrict, units_for
from organizations.models import PATH_STEP, OrganizationUnit, UnitKind

from .models import (
    CENT,
    OPEN_STATUSES,
    DoublingPlan,
    IncomeReport,
    Project,
    ProjectScore,
    ReportStatus,
    RewardScheme,
    ThresholdTarget,
    VillageReward,
)
from .rewards import village_reward

DEFAULT_THRESHOLDS = (Decimal("100000.00"), Decimal("200000.00"))
HUNDRED = Decimal(100)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole as a percentage quantized to 0.01, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def _prefixes(unit, *, include_self=True) -> list[str]:
    return [unit.path[: i * PATH_STEP] for i in range(1, unit.depth + (2 if include_self else 1))]


def villages_in(*, user, scope):
    """The administrative villages under `scope` the user may see, with their township: one query."""
    return (
        OrganizationUnit.objects.restrict(user)
        .filter(kind=UnitKind.VILLAGE, is_active=True, path__startswith=scope.path)
        .select_related("parent")
        .order_by("path")
    )


def _reports_by_village(*, user, village_ids, years, statuses) -> dict:
    rows = (
        IncomeReport.objects.restrict(user)
        .filter(village_id__in=village_ids, year__in=list(years), status__in=list(statuses))
        .order_by("year", "version")
    )
    out: dict = defaultdict(dict)
    for report in rows:
        out[(report.village_id, report.status in OPEN_STATUSES)][report.year] = report
    return out


def targets_for(*, scope, year) -> dict[Decimal, ThresholdTarget]:
    """The target per threshold in force for `scope` and `year`: its own, else the nearest one set above it.

    Targets set above the user's scope apply to it, so they are read along the scope's ancestors (one query)."""
    targets: dict[Decimal, ThresholdTarget] = {}
    rows = ThresholdTarget.objects.filter(unit__path__in=_prefixes(scope), year=year).select_related("unit")
    for target in sorted(rows, key=lambda t: len(t.unit.path)):
        targets[target.threshold] = target  # deeper units override
    return targets


def targets_visible(*, user):
    """Targets set in the user's jurisdiction and those set above it (which apply to it), by scope and year."""
    paths = units_for(user, ThresholdTarget, VIEW)
    prefixes = {path[: i * PATH_STEP] for path in paths for i in range(1, len(path) // PATH_STEP)}
    return (
        ThresholdTarget.objects.filter(
            Q(pk__in=ThresholdTarget.objects.restrict(user).values("pk")) | Q(unit__path__in=prefixes)
        )
        .select_related("unit")
        .order_by("unit__path", "year", "threshold")
    )


def doubling_plan_for(*, scope, year) -> DoublingPlan | None:
    """The doubling plan in force for `scope` in `year` (its own or the nearest above it), or None."""
    rows = DoublingPlan.objects.filter(unit__path__in=_prefixes(scope), base_year__lt=year).select_related("unit")
    rows = sorted(rows, key=lambda p: (len(p.unit.path), p.base_year))
    return rows[-1] if rows else None


@dataclass
class VillageRow:
    village: OrganizationUnit
    report: IncomeReport | None
    previous: IncomeReport | None
    pending: IncomeReport | None
    base: IncomeReport | None = None
    thresholds_met: dict = field(default_factory=dict)

    @property
    def missing(self) -> bool:
        return self.report is None

    @property
    def growth(self) -> Decimal | None:
        if self.report is None or self.previous is None:
            return None
        return self.report.total_income - self.previous.total_income

    @property
    def growth_pct(self) -> Decimal | None:
        if self.growth is None or not self.previous.total_income:
            return None
        return percent(self.growth, self.previous.total_income)

    @property
    def debt_growth(self) -> Decimal | None:
        if self.report is None or self.previous is None:
            return None
        return self.report.debt - self.previous.debt

    @property
    def debt_grew(self) -> bool:
        return self.debt_growth is not None and self.debt_growth > 0

    @property
    def base_multiple(self) -> Decimal | None:
        if self.report is None or self.base is None or not self.base.total_income:
            return None
        return (self.report.total_income / self.base.total_income).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ThresholdShare:
    threshold: Decimal
    over: int
    reported: int
    villages: int
    target: ThresholdTarget | None

    @property
    def share_of_reported(self):
        return percent(self.over, self.reported)

    @property
    def share_of_all(self):
        return percent(self.over, self.villages)

    @property
    def target_met(self) -> bool | None:
        """Judged on the share of ALL villages: a missing report never helps a scope reach its target."""
        if self.target is None:
            return None
        share = self.share_of_all
        return share is not None and share >= self.target.target_share


@dataclass
class IncomeTable:
    scope: OrganizationUnit
    year: int
    rows: list[VillageRow]
    shares: list[ThresholdShare]
    doubling_plan: DoublingPlan | None = None

    @property
    def missing(self) -> list[VillageRow]:
        return [row for row in self.rows if row.missing]

    @property
    def reported(self) -> list[VillageRow]:
        return [row for row in self.rows if not row.missing]

    @property
    def debt_flags(self) -> list[VillageRow]:
        return [row for row in self.rows if row.debt_grew]

    @property
    def total_income(self) -> Decimal:
        return sum((row.report.total_income for row in self.reported), Decimal("0.00"))


def _shares(rows, thresholds, targets) -> list[ThresholdShare]:
    reported = [row for row in rows if row.report is not None]
    return [
        ThresholdShare(
            threshold=threshold,
            over=sum(1 for row in reported if row.report.total_income >= threshold),
            reported=len(reported),
            villages=len(rows),
            target=targets.get(threshold),
        )
        for threshold in thresholds
    ]


def income_table(*, user, scope, year: int) -> IncomeTable:
    """Every village under `scope` for `year`: its approved report, the year before, a pending report, growth,
    thresholds met, debt growth; and the threshold shares of reported villages and of all villages.

    A fixed number of queries whatever the number of villages: villages, reports, targets, doubling plan."""
    villages = list(villages_in(user=user, scope=scope))
    targets = targets_for(scope=scope, year=year)
    plan = doubling_plan_for(scope=scope, year=year)
    thresholds = sorted(set(DEFAULT_THRESHOLDS) | set(targets))
    years = {year, year - 1} | ({plan.base_year} if plan else set())
    reports = _reports_by_village(
        user=user,
        village_ids=[v.pk for v in villages],
        years=years,
        statuses=[ReportStatus.APPROVED, *OPEN_STATUSES],
    )
    rows = []
    for village in villages:
        approved = reports.get((village.pk, False), {})
        row = VillageRow(
            village=village,
            report=approved.get(year),
            previous=approved.get(year - 1),
            pending=reports.get((village.pk, True), {}).get(year),
            base=approved.get(plan.base_year) if plan else None,
        )
        if row.report is not None:
            row.thresholds_met = {t: row.report.total_income >= t for t in thresholds}
        rows.append(row)
    return IncomeTable(scope=scope, year=year, rows=rows, shares=_shares(rows, thresholds, targets), doubling_plan=plan)


@dataclass
class TownshipSummary:
    township: OrganizationUnit
    rows: list[VillageRow]
    shares: list[ThresholdShare]
    reward_total: Decimal = Decimal("0.00")
    rewarded: int = 0

    @property
    def missing(self):
        return [row for row in self.rows if row.missing]

    @property
    def debt_flags(self):
        return [row for row in self.rows if row.debt_grew]

    @property
    def total_income(self) -> Decimal:
        return sum((row.report.total_income for row in self.rows if row.report), Decimal("0.00"))


def city_overview(*, user, city, year: int) -> tuple[IncomeTable, list[TownshipSummary]]:
    """The city's table and one summary per township (computed from the same rows: no query per township)."""
    table = income_table(user=user, scope=city, year=year)
    by_township: dict[int, list[VillageRow]] = defaultdict(list)
    townships = {}
    for row in table.rows:
        by_township[row.village.parent_id].append(row)
        townships[row.village.parent_id] = row.village.parent
    township_targets = {
        (t.unit_id, t.threshold): t
        for t in ThresholdTarget.objects.filter(unit_id__in=list(townships), year=year).select_related("unit")
    }
    city_targets = {share.threshold: share.target for share in table.shares}
    rewards = defaultdict(lambda: [Decimal("0.00"), 0])
    for village_id, amount in (
        restrict(VillageReward.objects.all(), user)
        .filter(year=year, village_id__in=[row.village.pk for row in table.rows])
        .values_list("village_id", "amount")
    ):
        rewards[village_id][0] += amount
        rewards[village_id][1] += 1
    thresholds = [share.threshold for share in table.shares]
    summaries = []
    for township_id, rows in by_township.items():
        targets = {t: township_targets.get((township_id, t)) or city_targets.get(t) for t in thresholds}
        summary = TownshipSummary(township=townships[township_id], rows=rows, shares=_shares(rows, thresholds, targets))
        for row in rows:
            amount, n = rewards.get(row.village.pk, (Decimal("0.00"), 0))
            summary.reward_total += amount
            summary.rewarded += n
        summaries.append(summary)
    summaries.sort(key=lambda s: (s.township.sort_order, s.township.path))
    return table, summaries


def village_history(*, user, village) -> list[IncomeReport]:
    """The village's current approved report for every year, oldest first."""
    return list(
        IncomeReport.objects.restrict(user).filter(village=village, status=ReportStatus.APPROVED).order_by("year")
    )


def village_versions(*, user, village):
    """Every version of every report of the village, newest first, with who submitted and reviewed it."""
    return (
        IncomeReport.objects.restrict(user)
        .filter(village=village)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-year", "-version")
    )


def reports_awaiting_review(*, user):
    """Submitted reports the user may review (their change scope), oldest first."""
    return (
        IncomeReport.objects.restrict(user, "change")
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("village", "village__parent", "previous")
        .order_by("submitted_at")
    )


def scheme_for(*, scope, year: int) -> RewardScheme | None:
    """The reward scheme in force for `scope` in `year`: the latest effective year ≤ `year` of the nearest unit
    above (or at) the scope that has one."""
    schemes = RewardScheme.objects.filter(unit__path__in=_prefixes(scope), effective_year__lte=year).select_related(
        "unit"
    )
    schemes = sorted(schemes, key=lambda s: (len(s.unit.path), s.effective_year))
    return schemes[-1] if schemes else None


@dataclass
class RewardLine:
    village: OrganizationUnit
    amount: Decimal
    lines: list[str]


def rewards_preview(*, user, scope, year: int) -> tuple[RewardScheme | None, list[RewardLine]]:
    """Each village's reward for `year` under the scheme in force, with its explanation (nothing written)."""
    scheme = scheme_for(scope=scope, year=year)
    if scheme is None:
        return None, []
    rules = list(scheme.rules.all())
    table = income_table(user=user, scope=scope, year=year)
    out = []
    for row in table.rows:
        result = village_reward(rules=rules, village_cap=scheme.village_cap, current=row.report, previous=row.previous)
        out.append(RewardLine(village=row.village, amount=result.amount, lines=result.lines))
    return scheme, out


def rewards_for(*, user, scope, year: int):
    """The computed rewards of villages under `scope` for `year`."""
    return (
        VillageReward.objects.restrict(user)
        .filter(year=year, village__path__startswith=scope.path)
        .select_related("village", "village__parent", "scheme")
        .order_by("village__path")
    )


def reward_totals(rewards) -> dict:
    """Totals per township and for all: {"townships": [(township, villages, amount)], "villages", "amount"}."""
    per: dict = {}
    for reward in rewards:
        township = reward.village.parent
        entry = per.setdefault(township.pk, [township, 0, Decimal("0.00")])
        entry[1] += 1
        entry[2] += reward.amount
    townships = sorted(per.values(), key=lambda e: (e[0].sort_order, e[0].path))
    return {
        "townships": townships,
        "villages": sum(e[1] for e in townships),
        "amount": sum((e[2] for e in townships), Decimal("0.00")),
    }


def projects_visible(*, user):
    return Project.objects.restrict(user).select_related("village", "village__parent")


@dataclass
class RankedProject:
    rank: int
    project: Project
    average: Decimal
    reviewers: int


def competition_ranking(*, user, competition) -> list[RankedProject]:
    """Projects of a competition ranked by their average score (ties share a rank): one query."""
    per: dict = {}
    scores = (
        ProjectScore.objects.restrict(user)
        .filter(competition=competition)
        .select_related("project", "project__village")
        .filter(~Q(project__isnull=True))
    )
    for score in scores:
        entry = per.setdefault(score.project_id, [score.project, Decimal("0"), 0])
        entry[1] += score.score
        entry[2] += 1
    averaged = [
        (project, (total / n).quantize(CENT, rounding=ROUND_HALF_UP), n) for project, total, n in per.values() if n
    ]
    averaged.sort(key=lambda e: (-e[1], e[0].name))
    ranked, rank, last = [], 0, None
    for index, (project, average, n) in enumerate(averaged, start=1):
        if average != last:
            rank, last = index, average
        ranked.append(RankedProject(rank=rank, project=project, average=average, reviewers=n))
    return ranked
