from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import ADJUST, CHANGE, COUNTER, HANDLE, RATE, SYSTEM, TRIAGE, VIEW
from core import crypto
from grid_woodpecker import selectors
from grid_woodpecker.models import (
    CANCEL,
    REDEEM,
    TAKE,
    AbuseListEntry,
    Clue,
    ClueCategory,
    ClueEvent,
    CluePhoto,
    Goods,
    InspectionTask,
    Open311Key,
    PointsAccount,
    PointsEntry,
    PointsPolicy,
    Redemption,
    RedemptionStatus,
    Station,
    Woodpecker,
    WoodpeckerStatus,
)
from grid_woodpecker.photos import clean_photo
from grid_woodpecker.services.clues import (
    clue_accept,
    clue_dispatch,
    clue_handle_in_community,
    clue_resolve,
    clue_submit,
)
from grid_woodpecker.services.config import abuse_list_add, category_question_save
from grid_woodpecker.services.inspections import task_create
from grid_woodpecker.services.open311_keys import open311_key_create
from grid_woodpecker.services.points import points_adjust, policy_set
from grid_woodpecker.services.public_media import clue_photo_clear
from grid_woodpecker.services.redemptions import redemption_reserve
from grid_woodpecker.services.stations import goods_create, station_create
from organizations.models import OrganizationUnit, UnitKind
from tests import roles
from tests.grid_woodpecker import helpers
from tests.scope import Act, ScopeCase

API = "/api/v1/grid_woodpecker/"
GRIDS = {"unit_key_in": "grid_a1", "unit_key_out": "grid_b1"}


def make_woodpecker(county, users, grid):
    return helpers.woodpecker(grid, name=f"{grid.name}啄木鸟")


def make_clue(county, users, grid, photo=False):
    category = ClueCategory.objects.filter(unit=county["city"]).first() or helpers.category(county["city"])
    wp = make_woodpecker(county, users, grid)
    return clue_submit(
        actor=wp.user,
        category=category,
        description=f"{grid.name}的路灯坏了",
        check_limits=False,
        photos=[helpers.png_upload()] if photo else [],
    )


def other_category(county, clue):
    """A category of the city the clue is not in (re-categorising asks for a change)."""
    others = ClueCategory.objects.filter(unit=county["city"]).exclude(pk=clue.category_id)
    return others.first() or helpers.category(county["city"], code="recat", name="改类")


# The clue's closed loop, step by step (the system actor), so each action is tried on a clue in its state.
def accepted(county, users, clue):
    return clue_accept(clue=clue, actor=SYSTEM)


def dispatched(county, users, clue):
    return clue_dispatch(clue=accepted(county, users, clue), department=county["agency"], actor=SYSTEM)


def in_hand(county, users, clue):
    return clue_handle_in_community(clue=accepted(county, users, clue), actor=SYSTEM)


def resolved(county, users, clue):
    return clue_resolve(clue=in_hand(county, users, clue), resolution="已修复", actor=SYSTEM)


def with_photo(county, users, clue):
    """The clue with one photo of its report (stored as the intake stores it: a metadata-free JPEG)."""
    content, width, height = clean_photo(helpers.png_upload())
    photo = CluePhoto(clue=clue, width=width, height=height)
    photo.image.save(content.name, content, save=False)
    photo.save()
    return clue


def with_public_photo(county, users, clue):
    clue = with_photo(county, users, clue)
    clue_photo_clear(clue=clue, photo=clue.photos.get(), confirmed=True, actor=SYSTEM)
    return clue


def photo_body(county, clue):
    return {"photo": clue.photos.get().pk, "confirmed": "on"}


def merge_body(county, clue):
    original = clue_submit(
        actor=clue.reporter.user, category=clue.category, description="同一处路灯", check_limits=False, photos=[]
    )
    return {"duplicate_of": original.pk, "note": "重复"}


CLUE_ACTIONS = (
    ("accept", TRIAGE, {"note": "受理"}),
    ("reject", TRIAGE, {"reason": "不属实"}),
    Act("merge", TRIAGE, merge_body),
    Act("handle", TRIAGE, {"note": "社区办理"}, prepare=accepted),
    Act("dispatch_to", TRIAGE, lambda county, clue: {"department": county["agency"].pk}, prepare=accepted),
    Act("start", HANDLE, {"note": "开始"}, prepare=dispatched),
    Act("resolve", HANDLE, {"resolution": "修好了"}, prepare=in_hand),
    # Only the reporter rates (nobody else, not even the superuser): the reporter proves the data valid.
    Act("rate", RATE, {"rating": "satisfied"}, prepare=resolved, prober=lambda world, clue: clue.reporter.user),
    Act("history", VIEW, method="get"),
    Act("duplicates", VIEW, method="get"),
)


def _page(route, name):
    return lambda obj: reverse(f"grid_woodpecker:{route}", args=[obj.pk, name])


def _clue_page(name, action, body=None, **kw):
    return Act(f"page {name}", action, body, url=_page("clue_action", name), **kw)


# The clue page's actions (grid_woodpecker/clue_actions.py: CLUE_ACTIONS), each in the state it needs.
CLUE_PAGE_ACTIONS = (
    _clue_page("accept", TRIAGE, {"note": "受理"}),
    _clue_page("reject", TRIAGE, {"reason": "不属实"}),
    _clue_page("merge", TRIAGE, merge_body),
    _clue_page("handle", TRIAGE, prepare=accepted),
    _clue_page("dispatch", TRIAGE, lambda county, clue: {"department": county["agency"].pk}, prepare=accepted),
    _clue_page("recategorize", TRIAGE, lambda county, clue: {"category": other_category(county, clue).pk}),
    _clue_page("start", HANDLE, prepare=dispatched),
    _clue_page("resolve", HANDLE, {"resolution": "修好了"}, prepare=in_hand),
    _clue_page("rate", RATE, {"rating": "satisfied"}, prepare=resolved, prober=lambda world, clue: clue.reporter.user),
    _clue_page("photo_clear", TRIAGE, photo_body, prepare=with_photo),
    _clue_page("photo_withdraw", TRIAGE, photo_body, prepare=with_public_photo),
)


def with_question(county, users, category):
    """The category with a question "q1" (the editor's pages act on one)."""
    question = {"code": "q1", "description": "问题一", "datatype": "string", "order": 1}
    return category_question_save(category=category, question=question, actor=SYSTEM)


def _question_page(route, code=None):
    return lambda category: reverse(f"grid_woodpecker:{route}", args=[category.pk, *([code] if code else [])])


QUESTION_BODY = {
    "code": "q2",
    "description": "问题二",
    "datatype": "singlevaluelist",
    "order": 2,
    "values-TOTAL_FORMS": "2",
    "values-INITIAL_FORMS": "0",
    "values-0-key": "a",
    "values-0-name": "甲",
    "values-1-key": "",
    "values-1-name": "",
}

# The category page's question editor (config_views.question_form, question_move, question_delete).
QUESTION_PAGES = (
    Act("page question add", CHANGE, QUESTION_BODY, url=_question_page("question_add")),
    Act("page question edit", CHANGE, QUESTION_BODY, prepare=with_question, url=_question_page("question_edit", "q1")),
    Act(
        "page question move",
        CHANGE,
        {"direction": "down"},
        prepare=with_question,
        url=_question_page("question_move", "q1"),
    ),
    Act("page question delete", CHANGE, prepare=with_question, url=_question_page("question_delete", "q1")),
)


def _taker(world, task):
    """A woodpecker of the task's grid: the one who may take it (the superuser is nobody's woodpecker)."""
    return helpers.woodpecker(task.grid, name=f"{task.grid.name}接单人").user


TASK_ACTIONS = (Act("take", TAKE, prober=_taker),)
TASK_PAGES = (
    Act("page take", TAKE, prober=_taker, url=lambda task: reverse("grid_woodpecker:task_take", args=[task.pk])),
)


def pending(county, users, woodpecker):
    Woodpecker.objects.filter(pk=woodpecker.pk).update(status=WoodpeckerStatus.PENDING)
    return woodpecker


def make_redemption(county, users, grid):
    wp = make_woodpecker(county, users, grid)
    points_adjust(woodpecker=wp, points=20, reason="测试", actor=SYSTEM)
    _station, goods = helpers.station_with_goods(grid.parent)
    return redemption_reserve(woodpecker=wp, goods=goods, actor=SYSTEM)


def _woodpecker_phone(county, redemption):
    """The counter's hand-over form: the woodpecker's own number, as found at the counter."""
    return {"phone": crypto.decrypt(redemption.woodpecker.person.mobile_encrypted)}


def goods_body(county, unit):
    station = station_create(unit=unit, name="爱心超市", kind="love_supermarket", actor=SYSTEM)
    return {"station": station.pk, "name": "大米", "price_yuan": "10.00", "stock": 5}


def _funded(county, users, goods):
    """The goods with every woodpecker of their township holding points enough to redeem them."""
    township = goods.station.unit.parent
    for woodpecker in Woodpecker.objects.filter(grid__path__startswith=township.path, status=WoodpeckerStatus.ACTIVE):
        points_adjust(woodpecker=woodpecker, points=100, reason="兑换测试", actor=SYSTEM)
    return goods


def _may_redeem(user, goods) -> bool:
    """A woodpecker redeems their own points (the matrix: REDEEM on their account) for goods of their township's
    catalogue (grid_woodpecker.selectors.goods_queryset_near)."""
    woodpecker = selectors.woodpecker_of(user)
    if woodpecker is None:
        return False
    near = selectors.goods_queryset_near(woodpecker=woodpecker).filter(pk=goods.pk).exists()
    return near and roles.expected(user, REDEEM, woodpecker.account)


def _redeemer(world, goods):
    """A woodpecker of the goods' village, who may redeem them (the superuser is nobody's woodpecker)."""
    unit = goods.station.unit
    grid = OrganizationUnit.objects.filter(kind=UnitKind.GRID, path__startswith=unit.path).order_by("path").first()
    return helpers.woodpecker(grid, name=f"{grid.name}兑换人").user


STOCK_BODY = {"delta": 2, "reason": "到货"}

GOODS_PAGES = (
    Act(
        "page redeem",
        REDEEM,
        prepare=_funded,
        prober=_redeemer,
        expect=_may_redeem,
        url=lambda goods: reverse("grid_woodpecker:redeem", args=[goods.pk]),
    ),
    Act("page stock", CHANGE, STOCK_BODY, url=lambda goods: reverse("grid_woodpecker:goods_stock", args=[goods.pk])),
)


def _waiting_at(county, users, station):
    """The station with a redemption waiting at its counter (a funded woodpecker of a grid under its unit)."""
    grid = OrganizationUnit.objects.filter(kind=UnitKind.GRID, path__startswith=station.unit.path).first()
    woodpecker = helpers.woodpecker(grid, name=f"{grid.name}取件人")
    points_adjust(woodpecker=woodpecker, points=20, reason="测试", actor=SYSTEM)
    goods = goods_create(station=station, name="香皂", price_yuan=Decimal("5.00"), stock=2, actor=SYSTEM)
    redemption_reserve(woodpecker=woodpecker, goods=goods, actor=SYSTEM)
    return station


def _code_waiting_at(county, station) -> dict:
    """The pickup code of the redemption waiting at the station (_waiting_at), as the woodpecker shows it."""
    waiting = Redemption.objects.filter(goods__station=station, status=RedemptionStatus.RESERVED).latest("id")
    return {"code": waiting.pickup_code}


STATION_PAGES = (
    Act(
        "page hand-out",
        COUNTER,
        _code_waiting_at,
        prepare=_waiting_at,
        url=lambda station: reverse("grid_woodpecker:hand_out", args=[station.pk]),
    ),
)


def _hand_out_body(county, redemption) -> dict:
    return {"station": redemption.goods.station_id, "pickup_code": redemption.pickup_code}


# The counter's hand-out by code is the station's counter (Station's COUNTER), not either side of the redemption.
HAND_OUT = Act(
    "hand_out",
    COUNTER,
    _hand_out_body,
    detail=False,
    expect=lambda user, redemption: roles.expected(user, COUNTER, redemption.goods.station),
)

CASES = [
    ScopeCase(
        name="woodpecker",
        model=Woodpecker,
        make=make_woodpecker,
        **GRIDS,
        ui_list=lambda: reverse("grid_woodpecker:woodpecker_list"),
        ui_detail=lambda obj: reverse("grid_woodpecker:woodpecker_detail", args=[obj.pk]),
        api_list=f"{API}woodpeckers/",
        api_update_data={"is_lead": True, "lead_duties": "巡查"},
        api_actions=(Act("confirm", CHANGE, prepare=pending), Act("deactivate", CHANGE, {"reason": "搬离"})),
        ui_actions=(
            Act("page confirm", CHANGE, prepare=pending, url=_page("woodpecker_action", "confirm")),
            Act("page deactivate", CHANGE, {"reason": "搬离"}, url=_page("woodpecker_action", "deactivate")),
        ),
        api_create_body=lambda county, grid: {
            "name": "新啄木鸟",
            "id_number": helpers.id_number(),
            "grid_code": grid.code,
            "group": "resident",
        },
        marker=lambda obj: obj.person.name,
    ),
    ScopeCase(
        name="clue",
        model=Clue,
        make=make_clue,
        **GRIDS,
        ui_list=lambda: reverse("grid_woodpecker:clue_list"),
        ui_detail=lambda obj: reverse("grid_woodpecker:clue_detail", args=[obj.pk]),
        api_list=f"{API}clues/",
        api_update_body=lambda county, clue: {"category": other_category(county, clue).pk, "note": "改类"},
        api_actions=CLUE_ACTIONS,
        ui_actions=CLUE_PAGE_ACTIONS,
        marker=lambda obj: obj.description,
    ),
    ScopeCase(
        name="clue_event",
        model=ClueEvent,
        make=lambda county, users, grid: make_clue(county, users, grid).events.get(),
        **GRIDS,
        api_list=f"{API}clue-events/",
    ),
    ScopeCase(
        name="clue_photo",
        model=CluePhoto,
        make=lambda county, users, grid: make_clue(county, users, grid, photo=True).photos.get(),
        **GRIDS,
        ui_detail=lambda obj: reverse("grid_woodpecker:photo", args=[obj.pk]),
    ),
    ScopeCase(
        name="clue_category",
        model=ClueCategory,
        make=lambda county, users, unit: helpers.category(unit, code=f"c{unit.pk}", name=f"{unit.name}分类"),
        api_list=f"{API}categories/",
        api_update_data={"name": "改名"},
        ui_list=lambda: reverse("grid_woodpecker:category_list"),
        ui_update=lambda obj: reverse("grid_woodpecker:category_edit", args=[obj.pk]),
        ui_update_data={"name": "改名", "deadline_days": 5, "is_active": "on"},
        ui_actions=QUESTION_PAGES,
        api_create_body=lambda county, unit: {"unit": unit.pk, "code": "fire", "name": "消防隐患", "deadline_days": 3},
    ),
    ScopeCase(
        name="inspection_task",
        model=InspectionTask,
        make=lambda county, users, grid: task_create(
            grid=grid,
            title=f"{grid.name}巡查",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=7),
            actor=users["admin"],
        ),
        **GRIDS,
        api_list=f"{API}tasks/",
        view_actions=(VIEW, TAKE),  # a woodpecker sees the tasks of their grid, to take them
        api_actions=TASK_ACTIONS,
        ui_actions=TASK_PAGES,
        api_update_data={"title": "改名"},
        api_create_body=lambda county, grid: {
            "grid": grid.pk,
            "title": "消防通道巡查",
            "starts_on": str(timezone.localdate()),
            "ends_on": str(timezone.localdate() + timedelta(days=3)),
        },
    ),
    ScopeCase(
        name="abuse_list_entry",
        model=AbuseListEntry,
        make=lambda county, users, unit: abuse_list_add(
            user=users["woodpecker_ac"], unit=unit, reason=f"{unit.name}刷单", actor=SYSTEM
        ),
        api_list=f"{API}abuse-list/",
        api_update_data={"reason": "改"},
        api_create_body=lambda county, unit: {
            "user": User.objects.get(username="woodpecker_ac").pk,
            "unit": unit.pk,
            "reason": "恶意刷单",
        },
    ),
    ScopeCase(
        name="points_policy",
        model=PointsPolicy,
        make=lambda county, users, unit: policy_set(unit=unit, effective_from=date(2025, 1, 1), actor=SYSTEM),
        api_list=f"{API}policies/",
        api_update_data={"points_per_clue": 99},
        api_create_body=lambda county, unit: {
            "unit": unit.pk,
            "effective_from": "2030-01-01",
            "points_per_clue": 10,
            "points_per_yuan": "2.00",
        },
    ),
    ScopeCase(
        name="points_account",
        model=PointsAccount,
        make=lambda county, users, grid: make_woodpecker(county, users, grid).account,
        **GRIDS,
        api_list=f"{API}accounts/",
        api_update_data={"balance": 999},
        api_actions=(
            # List-wide: adjusts the balance of the woodpecker named in the body.
            Act(
                "adjust",
                ADJUST,
                lambda county, obj: {"woodpecker": obj.woodpecker_id, "points": 5, "reason": "范围测试"},
                detail=False,
                expect=lambda user, obj: roles.expected_at(user, ADJUST, PointsAccount, obj.woodpecker.grid),
            ),
        ),
    ),
    ScopeCase(
        name="points_entry",
        model=PointsEntry,
        make=lambda county, users, grid: points_adjust(
            woodpecker=make_woodpecker(county, users, grid), points=5, reason="测试", actor=SYSTEM
        ),
        **GRIDS,
        api_list=f"{API}ledger/",
        api_update_data={"points": 999},
    ),
    ScopeCase(
        name="station",
        model=Station,
        make=lambda county, users, unit: station_create(
            unit=unit, name=f"{unit.name}红色蜂巢", kind="red_beehive", actor=SYSTEM
        ),
        api_list=f"{API}stations/",
        api_update_data={"name": "改名"},
        ui_list=lambda: reverse("grid_woodpecker:station_list"),
        ui_update=lambda obj: reverse("grid_woodpecker:station_edit", args=[obj.pk]),
        ui_update_data={"name": "改名", "kind": "red_beehive", "is_active": "on"},
        api_create_body=lambda county, unit: {"unit": unit.pk, "name": "红色蜂巢驿站", "kind": "red_beehive"},
        ui_actions=STATION_PAGES,
    ),
    ScopeCase(
        name="goods",
        model=Goods,
        make=lambda county, users, unit: helpers.station_with_goods(unit)[1],
        api_list=f"{API}goods/",
        api_update_data={"stock": 0},
        ui_list=lambda: reverse("grid_woodpecker:goods_list"),
        ui_update=lambda obj: reverse("grid_woodpecker:goods_edit", args=[obj.pk]),
        ui_update_data={"name": "改名", "price_yuan": "6", "is_active": "on"},
        marker=lambda goods: goods.station.unit.name,  # every station's goods of the builder have the same name
        api_create_body=goods_body,
        api_actions=(("stock", CHANGE, STOCK_BODY),),
        ui_actions=GOODS_PAGES,
    ),
    ScopeCase(
        name="redemption",
        model=Redemption,
        make=make_redemption,
        **GRIDS,
        api_list=f"{API}redemptions/",
        api_actions=(("confirm", COUNTER, {}), ("cancel", CANCEL, {}), HAND_OUT),
        ui_detail=lambda obj: reverse("grid_woodpecker:redemption_detail", args=[obj.pk]),
        ui_actions=(
            Act("page confirm", COUNTER, url=_page("redemption_action", "confirm"), body=_woodpecker_phone),
            Act("page cancel", CANCEL, url=_page("redemption_action", "cancel")),
        ),
        api_update_data={"quantity": 5},
    ),
    ScopeCase(
        name="open311_key",
        model=Open311Key,
        make=lambda county, users, unit: open311_key_create(
            name=f"{unit.name}热线", user=users["external"], unit=unit, actor=SYSTEM
        )[0],
    ),
]
