"""Two redemptions racing for the last item on PostgreSQL with real threads: one wins, one is refused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from grid_woodpecker.models import Goods, PointsAccount, PointsEntry, Redemption
from grid_woodpecker.services.clues import clue_accept, clue_submit
from grid_woodpecker.services.redemptions import redemption_reserve
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 — the test inspects what each side got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_redemptions_race_for_last_item(county):
    world = helpers.staff(county)
    category = helpers.category(county["city"])
    _station, goods = helpers.station_with_goods(county["community_a"], price="5.00", stock=1)
    peckers = [helpers.woodpecker(county["grid_ac"]) for _ in range(2)]
    for wp in peckers:
        clue = clue_submit(actor=wp.user, category=category, description="路灯不亮了请修", check_limits=False)
        clue_accept(clue=clue, actor=world["gridworker"])
    results = race([lambda wp=wp: redemption_reserve(woodpecker=wp, goods=goods, actor=wp.user) for wp in peckers])
    won = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(refused) == 1, results
    assert refused[0].code == "out_of_stock" and "库存" in refused[0].messages[0]
    assert Goods.objects.get(pk=goods.pk).stock == 0
    balances = sorted(PointsAccount.objects.filter(woodpecker__in=peckers).values_list("balance", flat=True))
    assert balances == [0, 10]
    assert PointsEntry.objects.aggregate(s=Sum("points"))["s"] == 10  # nothing lost, nothing spent twice


def test_two_redemptions_race_for_last_points(county):
    world = helpers.staff(county)
    category = helpers.category(county["city"])
    _station, goods = helpers.station_with_goods(county["community_a"], price="5.00", stock=5)
    wp = helpers.woodpecker(county["grid_ac"])
    clue = clue_submit(actor=wp.user, category=category, description="路灯不亮了请修", check_limits=False)
    clue_accept(clue=clue, actor=world["gridworker"])
    results = race([lambda: redemption_reserve(woodpecker=wp, goods=goods, actor=wp.user)] * 2)
    assert sum(isinstance(r, Redemption) for r in results) == 1, results
    assert [r.code for r in results if isinstance(r, ValidationError)] == ["insufficient_points"]
    assert PointsAccount.objects.get(woodpecker=wp).balance == 0
    assert Goods.objects.get(pk=goods.pk).stock == 4  # the refused side's stock hold was rolled back
