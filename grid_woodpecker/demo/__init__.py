"""Demo data of the grid woodpeckers: about 4,120 woodpeckers (docs/domain.md), Red Beehive stations with goods, and
a year of clues of which about 298 were handled, driven through the same services a user calls.

Woodpeckers are registered with the bulk builder (`demo/bulk.py`, volume); the clues go one by one through
submit → accept → handle/dispatch → resolve → rate, so histories, points and cards are real. Only their timestamps
are moved back afterwards (a demo cannot wait a year), by plain updates that touch nothing the services decide.
"""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from accounts.permissions import SYSTEM
from cadres.validators import id_check_digit
from organizations import geo
from organizations.models import OrganizationUnit, UnitBoundary, UnitKind

from .. import tasks
from ..models import Clue, ClueEvent, ClueStatus, PointsEntry, Rating, StationKind, Woodpecker, WoodpeckerGroup
from ..services import clues, config, inspections, open311_keys, points, stations, woodpeckers
from .bulk import clues_import_history, woodpeckers_bulk_create

TOTAL_WOODPECKERS = 4120
REPORTERS = 40  # woodpeckers with a login who file the demo clues
HANDLED = 298  # the seeds: problems classified, handled and answered in the platform's first period
HISTORY_HANDLED, HISTORY_REJECTED = 240, 10  # imported from the earlier platform in bulk
REJECTED, MERGED, OPEN_WORK, WAITING = 4, 8, 18, 6  # with the rest, driven through the closed-loop services

CATEGORIES = [
    ("lights", "路灯损坏", 5, "421081A02"),
    ("rubbish", "垃圾堆放", 2, "421081A02"),
    ("fire_exit", "消防通道堵塞", 1, "421081A05"),
    ("unsafe_building", "房屋安全隐患", 7, "421081A03"),
    ("road", "道路破损", 10, "421081A03"),
    ("property", "物业管理问题", 7, None),
    ("dispute", "邻里矛盾纠纷", 5, None),
    ("parking", "乱停乱放", 3, "421081A02"),
]
PROBLEMS = {
    "lights": ["{b}门口路灯不亮", "{b}旁边的路灯晚上一直闪", "{b}楼道灯坏了很久"],
    "rubbish": ["{b}垃圾桶满了没人清运", "{b}后面有人乱倒建筑垃圾", "{b}附近绿化带里堆满垃圾"],
    "fire_exit": ["{b}消防通道被电动车堵住", "{b}楼道里堆放杂物堵塞通道"],
    "unsafe_building": ["{b}外墙瓷砖脱落有危险", "{b}屋顶漏水墙体开裂"],
    "road": ["{b}前面路面塌陷", "{b}出口人行道砖松动"],
    "property": ["{b}电梯经常停运", "{b}小区门禁坏了一周"],
    "dispute": ["{b}楼上装修噪音扰民", "{b}邻居占用公共过道"],
    "parking": ["{b}门口车辆乱停堵路", "{b}共享单车堆在路口"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红春梅海燕文斌宇浩凯鹏飞雪琴"
GROUPS = [
    (WoodpeckerGroup.DELIVERY_RIDER, 18),
    (WoodpeckerGroup.COURIER, 10),
    (WoodpeckerGroup.MEMBER_WITHOUT_POST, 22),
    (WoodpeckerGroup.IN_SERVICE_MEMBER, 20),
    (WoodpeckerGroup.RESIDENT, 25),
    (WoodpeckerGroup.TWO_NEW_MEMBER, 5),
]
GOODS = [
    ("矿泉水(箱)", "12.00"),
    ("洗衣液", "15.00"),
    ("食用油 5L", "45.00"),
    ("大米 10kg", "40.00"),
    ("毛巾", "5.00"),
    ("雨衣", "25.00"),
    ("充电宝租借券", "5.00"),
]


class _Ids:
    """Unique, valid demo ID numbers (GB 11643 check digit) drawn from the seeded generator."""

    def __init__(self, rng):
        self.rng, self.seen = rng, set()

    def next(self) -> str:
        while True:
            year = self.rng.randint(1960, 2004)
            first17 = (
                f"421081{year}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}{self.rng.randint(0, 999):03d}"
            )
            number = first17 + id_check_digit(first17)
            if number not in self.seen:
                self.seen.add(number)
                return number


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _group(rng) -> str:
    return rng.choices([g for g, _w in GROUPS], weights=[w for _g, w in GROUPS])[0]


# The demo's year is 2024, like the other apps' (the figures of docs/domain.md): the handled work is dated up to
# this day; the work still open in the queues is dated in the last days before today.
DEMO_YEAR_END = datetime(2024, 12, 28, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class _Places:
    """Points inside units' outlines (organizations/demo_boundaries.py) for the clues and stations, so the map shows
    them where they belong. Their own generator: the demo's other draws stay as they were."""

    def __init__(self):
        self.rng = random.Random("demo-places")  # nosec B311: demo data, not a secret
        self.shapes = {b.unit_id: geo.from_geojson(b.geometry) for b in UnitBoundary.objects.all()}

    def at(self, unit_id) -> dict:
        """latitude and longitude inside the unit's outline, or nothing when it has none."""
        shape = self.shapes.get(unit_id)
        if shape is None:
            return {}
        lng, lat = geo.point_inside(shape, self.rng)
        return {"latitude": Decimal(f"{lat:.6f}"), "longitude": Decimal(f"{lng:.6f}")}


def build(ctx):
    rng, city = ctx.rng, ctx.city
    places = _Places()
    now = timezone.now()
    categories = _categories(city)
    points.policy_set(unit=city, effective_from=date(2023, 1, 1), actor=SYSTEM)
    grids = list(OrganizationUnit.objects.filter(kind=UnitKind.GRID).order_by("path"))
    demo_user = ctx.users["woodpecker"]
    demo_grid = demo_user.role_assignments.get(role="woodpecker").unit
    ids = _Ids(rng)
    reporters = _reporters(rng, ids, grids, demo_user, demo_grid)
    me = reporters[0]
    _volume(rng, ids, grids, len(reporters))
    _stations(rng, city, demo_grid, places)
    _history(rng, reporters, categories, places)
    backdate = _closed_loop(rng, reporters, categories, now, places)
    _backdate(backdate)
    tasks.auto_close_unrated_clues()
    tasks.flag_overdue_clues()
    _waiting_work(ctx, categories, demo_user=demo_user, demo_grid=demo_grid, me=me, now=now, places=places)


def _categories(city) -> list:
    units = {u.code: u for u in OrganizationUnit.objects.filter(kind=UnitKind.AGENCY)}
    return [
        config.category_create(
            unit=city, code=code, name=name, deadline_days=days, default_department=units.get(dept), actor=SYSTEM
        )
        for code, name, days, dept in CATEGORIES
    ]


def _reporters(rng, ids, grids, demo_user, demo_grid) -> list[Woodpecker]:
    """The demo woodpecker (first) and the reporters with logins who file the demo clues."""
    me = woodpeckers.woodpecker_create(
        name="李晓",
        id_number=ids.next(),
        mobile="13972000001",
        grid=demo_grid,
        group=WoodpeckerGroup.DELIVERY_RIDER,
        user=demo_user,
        actor=SYSTEM,
    )
    township = demo_grid.parent.parent
    reporter_grids = [g for g in grids if g.path.startswith(township.path)]
    reporters = [me]
    for i in range(REPORTERS):
        grid = demo_grid if i < 4 else rng.choice(reporter_grids if i < 20 else grids)
        reporters.append(
            woodpeckers.woodpecker_create(
                name=_name(rng),
                id_number=ids.next(),
                mobile=f"139{72000100 + i:08d}",
                grid=grid,
                group=_group(rng),
                username=f"wp{i + 1:03d}",
                actor=SYSTEM,
                is_lead=i % 10 == 0,
                lead_duties="带领本网格啄木鸟每周巡查一次" if i % 10 == 0 else "",
            )
        )
    return reporters


def _volume(rng, ids, grids, registered: int) -> None:
    """The rest of the woodpeckers through the bulk builder, registered and confirmed over 2023-2024."""
    rows = [
        {
            "name": _name(rng),
            "id_number": ids.next(),
            "mobile": f"13{rng.randint(500000000, 999999999)}",
            "grid": rng.choice(grids),
            "group": _group(rng),
        }
        for _ in range(TOTAL_WOODPECKERS - registered)
    ]
    woodpeckers_bulk_create(rows=rows, actor=SYSTEM)
    # A dozen statements, not one per woodpecker.
    for month in range(1, 13):
        joined = datetime(2023 + month % 2, month, 15, 10, tzinfo=DEMO_YEAR_END.tzinfo)
        Woodpecker.objects.annotate(bucket=F("id") % 12).filter(bucket=month - 1).update(
            registered_at=joined, confirmed_at=joined
        )


def _stations(rng, city, demo_grid, places) -> None:
    """Red Beehive stations (30+) and love supermarkets, with goods; one near the demo woodpecker."""
    townships = list(
        OrganizationUnit.objects.filter(
            parent=city, kind__in=[UnitKind.TOWNSHIP, UnitKind.STREET, UnitKind.DEVELOPMENT_ZONE]
        ).order_by("path")
    )
    communities = list(OrganizationUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("path"))
    station_units = [demo_grid.parent] + [c for c in communities if c != demo_grid.parent] + townships[:10]
    for n, unit in enumerate(station_units[:34]):
        kind = StationKind.LOVE_SUPERMARKET if n % 4 == 3 else StationKind.RED_BEEHIVE
        label = "爱心超市" if kind == StationKind.LOVE_SUPERMARKET else "红色蜂巢驿站"
        station = stations.station_create(
            unit=unit,
            name=f"{unit.name}{label}",
            kind=kind,
            actor=SYSTEM,
            address=f"{unit.name}党群服务中心",
            services="遮阳、取暖、饮水、充电、急救" if kind == StationKind.RED_BEEHIVE else "",
            **places.at(unit.pk),
        )
        for name, price in rng.sample(GOODS, 4) if n else GOODS:
            stations.goods_create(
                station=station, name=name, price_yuan=Decimal(price), stock=rng.randint(5, 40), actor=SYSTEM
            )


def _history(rng, reporters, categories, places) -> None:
    """The first months of clues come from the earlier platform, loaded in bulk with their history and points."""
    history = []
    for index in range(HISTORY_HANDLED + HISTORY_REJECTED):
        reporter = reporters[0] if index % 30 == 0 else rng.choice(reporters)
        category = rng.choice(categories)
        history.append(
            {
                "reporter": reporter,
                "category": category,
                "description": rng.choice(PROBLEMS[category.code]).format(b=reporter.grid.name),
                "submitted_at": DEMO_YEAR_END - timedelta(days=rng.randint(120, 345), hours=rng.randint(0, 12)),
                "outcome": ClueStatus.CLOSED if index < HISTORY_HANDLED else ClueStatus.REJECTED,
                "resolution": "已现场处置并回访",
                "reject_reason": "经核实信息不实",
                **places.at(reporter.grid_id),
            }
        )
    clues_import_history(rows=history, actor=SYSTEM)


def _closed_loop(rng, reporters, categories, now, places) -> dict:
    """The recent months through the closed loop, step by step. Returns when each clue should have started."""
    plan = ["handled"] * (HANDLED - HISTORY_HANDLED) + ["rejected"] * REJECTED + ["merged"] * MERGED
    plan += ["open"] * OPEN_WORK + ["waiting"] * WAITING
    rng.shuffle(plan)
    backdate = {}
    earlier = []
    for index, outcome in enumerate(plan):
        reporter = reporters[0] if index % 12 == 0 else rng.choice(reporters)
        category = rng.choice(categories)
        text = rng.choice(PROBLEMS[category.code]).format(b=reporter.grid.name)
        clue = clues.clue_submit(
            actor=reporter.user,
            category=category,
            description=text,
            check_limits=False,
            **places.at(reporter.grid_id),
        )
        if outcome in ("handled", "rejected", "merged"):
            backdate[clue.pk] = DEMO_YEAR_END - timedelta(days=rng.randint(20, 110), hours=rng.randint(0, 12))
        else:
            backdate[clue.pk] = now - timedelta(days=rng.randint(0, 15), hours=rng.randint(0, 12))
        if outcome != "waiting" and _triage(clue, outcome, earlier):
            _work(rng, clue, outcome, reporter)
    return backdate


def _triage(clue, outcome: str, earlier: list) -> bool:
    """Merge, reject or accept a new clue; True when it was accepted (and goes on to be worked on)."""
    if outcome == "merged" and earlier:
        original = next((c for c in reversed(earlier) if c.grid_id == clue.grid_id), None)
        if original is not None:
            clues.clue_merge(clue=clue, original=original, actor=SYSTEM)
            return False
    if outcome in ("rejected", "merged"):
        clues.clue_reject(clue=clue, reason="经核实不属于本网格问题或信息不实", actor=SYSTEM)
        return False
    clues.clue_accept(clue=clue, actor=SYSTEM)
    earlier.append(clue)
    return True


def _work(rng, clue, outcome: str, reporter) -> None:
    """Handle an accepted clue (community or department), resolve it unless it stays open, and have it rated."""
    if clue.category.default_department_id and rng.random() < 0.45:
        clues.clue_dispatch(clue=clue, department=clue.category.default_department, actor=SYSTEM)
        clues.clue_start(clue=clue, actor=SYSTEM)
    else:
        clues.clue_handle_in_community(clue=clue, actor=SYSTEM)
    if outcome == "open":
        return
    clues.clue_resolve(clue=clue, resolution="已现场处置并回访", actor=SYSTEM)
    roll = rng.random()
    if roll < 0.08:  # unsatisfied once, handled again
        clues.clue_rate(clue=clue, rating=Rating.UNSATISFIED, reason="问题还没彻底解决", actor=reporter.user)
        clues.clue_resolve(clue=clue, resolution="再次处置,已彻底解决", actor=SYSTEM)
        clues.clue_rate(clue=clue, rating=Rating.SATISFIED, actor=reporter.user)
    elif roll < 0.85:
        clues.clue_rate(clue=clue, rating=Rating.SATISFIED, actor=reporter.user)
    # the rest stay resolved and unrated: the auto-close job closes the old ones


def _backdate(backdate: dict) -> None:
    """Move the timestamps back to when the work would have happened (the services stamp "now"); the job
    functions then do what the beat schedule would have done meanwhile."""
    for clue in Clue.objects.filter(pk__in=list(backdate)).select_related("category"):
        start = backdate[clue.pk]
        accepted = start + timedelta(hours=6)
        resolved = accepted + timedelta(days=max(1, clue.category.deadline_days - 1))
        fields = {"submitted_at": start}
        if clue.accepted_at:
            fields.update(accepted_at=accepted, deadline=accepted + timedelta(days=clue.category.deadline_days))
        if clue.resolved_at:
            fields["resolved_at"] = resolved
        if clue.rated_at:
            fields.update(rated_at=resolved + timedelta(days=1), closed_at=resolved + timedelta(days=1))
        Clue.objects.filter(pk=clue.pk).update(**fields)
        ClueEvent.objects.filter(clue_id=clue.pk).update(created_at=start)
        PointsEntry.objects.filter(clue_id=clue.pk).update(created_at=accepted)


def _waiting_work(ctx, categories, *, demo_user, demo_grid, me, now, places) -> None:
    """Work waiting for the demo staff: a clue in the grid worker's triage queue, an inspection task, an award,
    and the hotline's Open311 key."""
    clues.clue_submit(
        actor=demo_user,
        category=categories[0],
        description=f"{demo_grid.name}3栋楼道灯不亮",
        check_limits=False,
        **places.at(demo_grid.pk),
    )
    today = now.date()
    inspections.task_create(
        grid=demo_grid,
        title="消防通道挑刺找茬",
        description="检查各楼栋消防通道是否畅通",
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=12),
        actor=ctx.users["community"],
    )
    points.points_adjust(
        woodpecker=me, points=20, reason="2024年度优秀啄木鸟奖励", actor=SYSTEM, idempotency_key="demo:award:me"
    )
    if "external" in ctx.users:
        _key, raw = open311_keys.open311_key_create(
            name="12345政务服务便民热线", user=ctx.users["external"], unit=ctx.city, actor=SYSTEM
        )
        if ctx.stdout:
            ctx.stdout.write(f"Open311 api_key of '12345热线' (shown once): {raw}")
