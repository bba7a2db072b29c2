"""Idempotency keys belong to their account (ledger) or woodpecker (redemptions): another township's key is neither
found nor blocked, and concurrent retries with one key return the first result, on PostgreSQL with real threads."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.permissions import SYSTEM
from grid_woodpecker.models import Goods, PointsAccount, PointsEntry, Redemption
from grid_woodpecker.services.points import points_adjust
from grid_woodpecker.services.redemptions import redemption_reserve
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/grid_woodpecker"
RETRIES = 16


def race(calls):
    """Run the calls at once, each in its own thread with its own database connection."""
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
        t.join(60)
    return results


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _adjust(user, woodpecker, key, points=5):
    body = {"woodpecker": woodpecker.pk, "points": points, "reason": "活动奖励", "idempotency_key": key}
    return _api(user).post(f"{API}/accounts/adjust/", body, format="json")


def test_adjust_key_of_another_township_is_not_found_nor_reused(county, users):
    mine = helpers.woodpecker(county["grid_ac"])
    theirs = helpers.woodpecker(county["grid_b1"])
    first = _adjust(users["staff_b"], theirs, "shared-key", points=7)
    assert first.status_code == 201
    second = _adjust(users["staff_a"], mine, "shared-key", points=3)
    assert second.status_code == 201
    body = second.json()
    assert body["id"] != first.json()["id"] and body["points"] == 3  # a new entry in my own ledger
    assert PointsAccount.objects.get(woodpecker=mine).balance == 3
    assert PointsAccount.objects.get(woodpecker=theirs).balance == 7


def test_redemption_key_of_another_woodpecker_is_not_found_nor_reused(county):
    _station, goods = helpers.station_with_goods(county["community_a"], price="1.00", stock=5)
    peckers = [helpers.woodpecker(county["grid_ac"]) for _ in range(2)]
    for wp in peckers:
        points_adjust(woodpecker=wp, points=50, reason="奖励", actor=SYSTEM)
    first = redemption_reserve(woodpecker=peckers[0], goods=goods, actor=peckers[0].user, idempotency_key="k")
    second = redemption_reserve(woodpecker=peckers[1], goods=goods, actor=peckers[1].user, idempotency_key="k")
    assert first.pk != second.pk and second.woodpecker_id == peckers[1].pk
    again = redemption_reserve(woodpecker=peckers[0], goods=goods, actor=peckers[0].user, idempotency_key="k")
    assert again.pk == first.pk
    assert Goods.objects.get(pk=goods.pk).stock == 3


def test_sixteen_concurrent_adjust_retries_with_one_key_post_once(county, users):
    woodpecker = helpers.woodpecker(county["grid_ac"])
    results = race([lambda: _adjust(users["staff_a"], woodpecker, "retry-me")] * RETRIES)
    statuses = [getattr(r, "status_code", r) for r in results]
    assert all(isinstance(s, int) and 200 <= s < 300 for s in statuses), statuses
    assert len({r.json()["id"] for r in results}) == 1
    assert PointsEntry.objects.filter(account__woodpecker=woodpecker).count() == 1
    assert PointsAccount.objects.get(woodpecker=woodpecker).balance == 5


def test_sixteen_concurrent_redemption_retries_with_one_key_reserve_once(county):
    _station, goods = helpers.station_with_goods(county["community_a"], price="1.00", stock=20)
    woodpecker = helpers.woodpecker(county["grid_ac"])
    points_adjust(woodpecker=woodpecker, points=100, reason="奖励", actor=SYSTEM)
    body = {"goods": goods.pk, "quantity": 1, "idempotency_key": "redeem-once"}
    results = race([lambda: _api(woodpecker.user).post(f"{API}/redemptions/", body, format="json")] * RETRIES)
    statuses = [getattr(r, "status_code", r) for r in results]
    assert all(isinstance(s, int) and 200 <= s < 300 for s in statuses), statuses
    assert len({r.json()["id"] for r in results}) == 1
    assert Redemption.objects.filter(woodpecker=woodpecker).count() == 1
    assert Goods.objects.get(pk=goods.pk).stock == 19
    assert PointsAccount.objects.get(woodpecker=woodpecker).balance == 100 - Redemption.objects.get().points
