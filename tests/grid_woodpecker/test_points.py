"""The points ledger: entries sum to the balance, never negative, idempotent, reversals, policies, redemption."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.permissions import SYSTEM
from grid_woodpecker.demo.bulk import clues_import_history
from grid_woodpecker.models import EntryKind, Goods, PointsAccount, PointsEntry, RedemptionStatus
from grid_woodpecker.services.clues import clue_accept, clue_reject, clue_submit
from grid_woodpecker.services.points import points_adjust, points_earn_for_clue, points_expire_for_account, policy_set
from grid_woodpecker.services.redemptions import redemption_cancel, redemption_confirm, redemption_reserve
from grid_woodpecker.services.stations import goods_update
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db


def accepted_clue(world):
    clue = clue_submit(
        actor=world["wp_user"], category=world["category"], description="路灯不亮了请修", check_limits=False
    )
    return clue_accept(clue=clue, actor=world["gridworker"])


def balance(woodpecker):
    return PointsAccount.objects.get(woodpecker=woodpecker).balance


def ledger_sum(woodpecker):
    return PointsEntry.objects.filter(account__woodpecker=woodpecker).aggregate(s=Sum("points"))["s"] or 0


def test_accepted_clue_earns_ten_points_by_default(wp_world):
    clue = accepted_clue(wp_world)
    entry = PointsEntry.objects.get(clue=clue)
    assert (entry.kind, entry.points, entry.balance_after) == (EntryKind.EARN, 10, 10)
    assert balance(wp_world["woodpecker"]) == 10 == ledger_sum(wp_world["woodpecker"])


def test_earn_is_idempotent(wp_world):
    clue = accepted_clue(wp_world)
    again = points_earn_for_clue(clue=clue, actor=SYSTEM)
    assert again == PointsEntry.objects.get(clue=clue)
    assert balance(wp_world["woodpecker"]) == 10
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        PointsEntry.objects.create(
            account=again.account, kind="earn", points=10, balance_after=20, idempotency_key=again.idempotency_key
        )


def test_false_clue_reversed_by_entry_not_deletion(wp_world):
    clue = accepted_clue(wp_world)
    clue_reject(clue=clue, reason="经核实为虚假线索", actor=wp_world["gridworker"])
    kinds = list(PointsEntry.objects.filter(clue=clue).order_by("id").values_list("kind", "points"))
    assert kinds == [("earn", 10), ("reverse", -10)]
    assert balance(wp_world["woodpecker"]) == 0 == ledger_sum(wp_world["woodpecker"])
    clue.refresh_from_db()
    assert clue.found_false


def test_reversal_never_drives_balance_negative(wp_world, county):
    clue = accepted_clue(wp_world)
    _station, goods = helpers.station_with_goods(county["community_a"], price="4.00")
    redemption_reserve(woodpecker=wp_world["woodpecker"], goods=goods, actor=wp_world["wp_user"])  # 8 pts
    clue_reject(clue=clue, reason="虚假", actor=wp_world["gridworker"])
    assert balance(wp_world["woodpecker"]) == 0 == ledger_sum(wp_world["woodpecker"])
    assert PointsEntry.objects.get(kind="reverse").points == -2


def test_balance_check_constraint_holds(wp_world):
    accepted_clue(wp_world)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsAccount.objects.filter(woodpecker=wp_world["woodpecker"]).update(balance=-1)


def test_adjust_needs_reason_and_cannot_go_below_zero(wp_world, users):
    # Adjusting is a staff action (the community secretary no longer may: see test_permissions.py).
    wp = wp_world["woodpecker"]
    with pytest.raises(ValidationError):
        points_adjust(woodpecker=wp, points=5, reason="", actor=users["staff_a"])
    points_adjust(woodpecker=wp, points=5, reason="志愿服务奖励", actor=users["staff_a"])
    with pytest.raises(ValidationError) as err:
        points_adjust(woodpecker=wp, points=-6, reason="更正", actor=users["staff_a"])
    assert "积分不足" in err.value.messages[0] or "Not enough" in err.value.messages[0]
    assert balance(wp) == 5 == ledger_sum(wp)


def test_policy_change_leaves_old_points_intact(wp_world, county):
    first = accepted_clue(wp_world)
    policy_set(
        unit=county["city"],
        effective_from=timezone.localdate(),
        points_per_clue=20,
        points_per_yuan=Decimal("4"),
        actor=SYSTEM,
    )
    second = accepted_clue(wp_world)
    assert PointsEntry.objects.get(clue=first).points == 10
    assert PointsEntry.objects.get(clue=second).points == 20
    assert balance(wp_world["woodpecker"]) == 30
    policy_set(
        unit=county["city"], effective_from=timezone.localdate() + timedelta(days=30), points_per_clue=1, actor=SYSTEM
    )
    assert PointsEntry.objects.get(clue=second).points == 20
    with pytest.raises(ValidationError):
        policy_set(unit=county["city"], effective_from=timezone.localdate(), actor=SYSTEM)


def test_expiry_posts_expire_entry_once(wp_world, county):
    policy_set(unit=county["city"], effective_from=date(2020, 1, 1), expiry_days=30, actor=SYSTEM)
    accepted_clue(wp_world)
    account = PointsAccount.objects.get(woodpecker=wp_world["woodpecker"])
    later = timezone.localdate() + timedelta(days=40)
    assert points_expire_for_account(account_id=account.pk, actor=SYSTEM, today=later) == 10
    assert points_expire_for_account(account_id=account.pk, actor=SYSTEM, today=later) == 0
    assert balance(wp_world["woodpecker"]) == 0 == ledger_sum(wp_world["woodpecker"])


def test_redemption_reserve_confirm_and_cancel(wp_world, county):
    accepted_clue(wp_world)
    _station, goods = helpers.station_with_goods(county["community_a"], price="5.00", stock=2)
    wp = wp_world["woodpecker"]
    reserved = redemption_reserve(woodpecker=wp, goods=goods, actor=wp_world["wp_user"], idempotency_key="k1")
    assert reserved.points == 10 and balance(wp) == 0 and Goods.objects.get(pk=goods.pk).stock == 1
    assert redemption_reserve(woodpecker=wp, goods=goods, actor=wp_world["wp_user"], idempotency_key="k1") == reserved
    redemption_cancel(redemption=reserved, actor=wp_world["wp_user"])
    assert balance(wp) == 10 and Goods.objects.get(pk=goods.pk).stock == 2
    again = redemption_reserve(woodpecker=wp, goods=goods, actor=wp_world["wp_user"])
    redemption_confirm(redemption=again, actor=wp_world["community"])
    again.refresh_from_db()
    assert again.status == RedemptionStatus.CONFIRMED and balance(wp) == 0 == ledger_sum(wp)
    with pytest.raises(ValidationError):
        redemption_cancel(redemption=again, actor=wp_world["community"])


def test_redemption_refused_without_points_or_stock(wp_world, county):
    _station, goods = helpers.station_with_goods(county["community_a"], price="5.00", stock=1)
    with pytest.raises(ValidationError) as err:
        redemption_reserve(woodpecker=wp_world["woodpecker"], goods=goods, actor=wp_world["wp_user"])
    assert err.value.code == "insufficient_points"
    assert Goods.objects.get(pk=goods.pk).stock == 1
    goods_update(goods=goods, stock=0, actor=wp_world["community"])
    accepted_clue(wp_world)
    with pytest.raises(ValidationError) as err:
        redemption_reserve(woodpecker=wp_world["woodpecker"], goods=goods, actor=wp_world["wp_user"])
    assert err.value.code == "out_of_stock"
    assert balance(wp_world["woodpecker"]) == 10


def test_stock_check_constraint_holds(county):
    _station, goods = helpers.station_with_goods(county["community_a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Goods.objects.filter(pk=goods.pk).update(stock=-1)


def test_history_import_keeps_dates_and_ledger_sums(wp_world):
    from grid_woodpecker.models import Clue

    when = timezone.now() - timedelta(days=200)
    rows = [
        {
            "reporter": wp_world["woodpecker"],
            "category": wp_world["category"],
            "description": "旧平台线索一",
            "submitted_at": when,
            "outcome": "closed",
            "resolution": "已处理",
        },
        {
            "reporter": wp_world["woodpecker"],
            "category": wp_world["category"],
            "description": "旧平台线索二",
            "submitted_at": when,
            "outcome": "rejected",
            "reject_reason": "不实",
        },
    ]
    assert clues_import_history(rows=rows, actor=wp_world["gridworker"]) == 2
    closed = Clue.objects.get(description="旧平台线索一")
    assert closed.submitted_at == when and closed.events.count() == 5
    assert closed.events.first().created_at == when
    assert balance(wp_world["woodpecker"]) == 10 == ledger_sum(wp_world["woodpecker"])
    assert PointsEntry.objects.get(clue=closed).created_at == closed.accepted_at
