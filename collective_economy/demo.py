"""Demo collective economy: three years (2022–2024) of approved income for every administrative village, targets,
the doubling plan, a reward scheme and its 2024 rewards, projects and a project competition.

Everything is drawn from ctx.rng. The distribution is chosen so that in 2024, as in the Shishou seeds, 92% of the
villages (141 of 153) are over 100,000 yuan and more than half over 200,000; the reward scheme is then applied by
the same computation users run, aiming near Shishou's 517,000 yuan to 22 villages in 10 townships.
"""

from decimal import Decimal

from organizations.models import OrganizationUnit, UnitKind

from . import services
from .models import DevelopmentModel, IncomeBasis, ProjectStatus, RewardRuleKind

YEARS = (2022, 2023, 2024)
UNDER_100K = 12  # 141 of 153 over 100,000 yuan: 92%
OVER_200K_PLAIN = 60  # plus the 22 rewarded villages (all over 200,000): 82 of 153
REWARDED_VILLAGES = 22
REWARDED_TOWNSHIPS = 10
SOURCES = {
    DevelopmentModel.RESOURCE: "集体土地发包、水面养殖承包",
    DevelopmentModel.INDUSTRY: "村办粮食烘干、农产品加工分红",
    DevelopmentModel.COOPERATIVE: "土地股份合作社、强村公司合作分红",
    DevelopmentModel.ASSET: "标准厂房、门面出租",
}
PROJECT_NAMES = ["稻虾共作基地", "粮食烘干中心", "光伏发电项目", "标准厂房租赁", "农机服务合作社", "乡村旅游民宿"]
PARTNERS = ["石首市强村公司", "荆州农业发展有限公司", "本村种养殖合作社", "湖北某农产品有限公司"]


def _yuan(rng, low: int, high: int) -> Decimal:
    """A random amount in yuan with cents, drawn as integer cents (never through floats)."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _plan_incomes(rng, villages, townships_by_id):
    """(2023 total, 2024 total) per village pk, by tier."""
    townships = sorted({v.parent_id for v in villages})
    chosen_townships = rng.sample(townships, REWARDED_TOWNSHIPS)
    quota = {t: 2 for t in chosen_townships}
    for t in rng.sample(chosen_townships, REWARDED_VILLAGES - 2 * REWARDED_TOWNSHIPS):
        quota[t] += 1
    rewarded = []
    for t in chosen_townships:
        rewarded += rng.sample([v for v in villages if v.parent_id == t], quota[t])
    rewarded_ids = {v.pk for v in rewarded}
    others = [v for v in villages if v.pk not in rewarded_ids]
    rng.shuffle(others)
    low, high, mid = (
        others[:UNDER_100K],
        others[UNDER_100K : UNDER_100K + OVER_200K_PLAIN],
        others[UNDER_100K + OVER_200K_PLAIN :],
    )
    plan = {}
    for v in low:
        now = _yuan(rng, 40_000, 99_000)
        plan[v.pk] = (now - _yuan(rng, -10_000, 20_000), now)
    for v in mid:
        now = _yuan(rng, 100_000, 199_000)
        plan[v.pk] = (now - _yuan(rng, -15_000, 40_000), now)
    for v in high:  # over 200,000 both years, growth under the 50,000 minimum: no reward
        now = _yuan(rng, 250_000, 1_200_000)
        plan[v.pk] = (now - _yuan(rng, -20_000, 45_000), now)
    crossers = set(rng.sample(sorted(rewarded_ids), REWARDED_VILLAGES // 2))
    for v in rewarded:
        if v.pk in crossers:  # from under 200,000 to over it, with strong growth
            now = _yuan(rng, 215_000, 320_000)
            growth = _yuan(rng, max(100_000, int(now) - 190_000), 160_000)
        else:  # already over 200,000, growing by far more than the minimum
            now = _yuan(rng, 550_000, 1_300_000)
            growth = _yuan(rng, 150_000, 320_000)
        plan[v.pk] = (now - growth, now)
    return plan


def build(ctx):
    actor = ctx.users["orgdept"]
    rng = ctx.rng
    city = ctx.city
    villages = list(OrganizationUnit.objects.filter(kind=UnitKind.VILLAGE, path__startswith=city.path).order_by("code"))
    rows = _income_rows(rng, villages)
    services.income_reports_bulk_record(rows=rows, actor=actor)

    services.threshold_defaults_apply(unit=city, actor=actor)
    services.threshold_target_set(
        unit=city, year=2024, threshold=Decimal("100000.00"), target_share=Decimal("90.00"), actor=actor
    )
    services.doubling_plan_set(unit=city, base_year=2022, target_year=2025, actor=actor)
    _reward_scheme(city, actor)
    rewards = services.rewards_compute(scope=city, year=2024, actor=actor)
    _projects_and_competition(rng, villages, city, actor)
    _secretary_correction(ctx)
    if ctx.stdout:
        total = sum((r.amount for r in rewards), Decimal("0.00"))
        townships = len({r.village.parent_id for r in rewards})
        ctx.stdout.write(
            f"Collective economy: {len(rows)} income reports; 2024 rewards {total} yuan "
            f"to {len(rewards)} villages in {townships} townships."
        )


def _income_rows(rng, villages) -> list[dict]:
    """Three years of income reports per village (incomes planned by `_plan_incomes`; a few debts grow in 2024)."""
    plan = _plan_incomes(rng, villages, None)
    debt_growers = {v.pk for v in rng.sample(villages, 6)}
    rows = []
    for village in villages:
        income_2023, income_2024 = plan[village.pk]
        income_2022 = (income_2023 * rng.randint(80, 105) / 100).quantize(Decimal("0.01"))
        model = rng.choice(DevelopmentModel.values)
        debt = _yuan(rng, 0, 300_000)
        assets = _yuan(rng, 500_000, 5_000_000)
        for year, total in zip(YEARS, (income_2022, income_2023, income_2024), strict=True):
            if year > YEARS[0]:
                grows = year == 2024 and village.pk in debt_growers
                debt = (debt * (rng.randint(105, 140) if grows else rng.randint(80, 100)) / 100).quantize(
                    Decimal("0.01")
                )
                assets = (assets * rng.randint(100, 112) / 100).quantize(Decimal("0.01"))
            rows.append(
                dict(
                    village=village,
                    year=year,
                    total_income=total,
                    operating_income=(total * rng.randint(55, 95) / 100).quantize(Decimal("0.01")),
                    income_sources=SOURCES[model],
                    development_model=model,
                    assets=assets,
                    debt=debt,
                )
            )
    return rows


def _reward_scheme(city, actor) -> None:
    services.reward_scheme_create(
        unit=city,
        name="石首市村级集体经济经营性绩效与村干部报酬挂钩奖励办法",
        effective_year=2024,
        village_cap=Decimal("30000.00"),
        rules=[
            dict(
                kind=RewardRuleKind.THRESHOLD_CROSSING,
                basis=IncomeBasis.TOTAL,
                threshold=Decimal("200000.00"),
                amount=Decimal("15000.00"),
            ),
            dict(
                kind=RewardRuleKind.GROWTH,
                basis=IncomeBasis.TOTAL,
                rate=Decimal("0.1000"),
                min_growth=Decimal("50000.00"),
                cap=Decimal("20000.00"),
            ),
        ],
        actor=actor,
    )


def _projects_and_competition(rng, villages, city, actor) -> None:
    projects = []
    for village in rng.sample(villages, 30):
        name = rng.choice(PROJECT_NAMES)
        projects.append(
            services.project_create(
                village=village,
                actor=actor,
                name=f"{village.name}{name}",
                development_model=rng.choice(DevelopmentModel.values),
                investment=_yuan(rng, 200_000, 3_000_000),
                partners=rng.choice(PARTNERS),
                status=rng.choice([ProjectStatus.OPERATING, ProjectStatus.OPERATING, ProjectStatus.BUILDING]),
                start_year=rng.choice(YEARS),
            )
        )
    competition = services.competition_create(unit=city, year=2024, name="村级集体经济项目擂台比武", actor=actor)
    for project in projects[:12]:
        services.project_score_set(
            competition=competition, project=project, reviewer=actor, score=Decimal(rng.randint(6000, 9800)) / 100
        )


def _secretary_correction(ctx) -> None:
    """Something for the demo township to review: the demo secretary corrects the village's 2024 report."""
    secretary = ctx.users.get("secretary")
    if secretary is None:
        return
    village = secretary.role_assignments.get().unit
    current = village.income_reports.get(year=2024, status="approved")
    services.income_report_correct(
        report=current,
        actor=secretary,
        reason="补录年底到账的厂房租金",
        total_income=current.total_income + Decimal("12000.00"),
        operating_income=current.operating_income + Decimal("12000.00"),
    )
