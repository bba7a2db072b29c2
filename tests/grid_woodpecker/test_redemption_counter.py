"""Redemption with confirmation, the pickup code and the station's counter: services, pages and API."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.permissions import SYSTEM
from core import crypto
from core.models import AuditEntry
from grid_woodpecker.models import Goods, PointsAccount, PointsEntry, Redemption, RedemptionStatus
from grid_woodpecker.services import counter as counter_service
from grid_woodpecker.services import redemptions as service
from grid_woodpecker.services.points import points_adjust
from grid_woodpecker.services.redemptions import (
    redemption_confirm,
    redemption_hand_out,
    redemption_reserve,
)
from grid_woodpecker.services.stations import goods_stock_adjust
from notifications.models import Notification
from notifications.text import carries_personal_number
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db
API = "/api/v1/grid_woodpecker/"


@pytest.fixture
def shop(wp_world, county):
    """A station of community A (its secretary keeps the counter) with 3 items at 5 yuan (10 points); the woodpecker
    of grid AC holds 20 points."""
    station, goods = helpers.station_with_goods(county["community_a"])
    station.address = "甲社区党群服务中心一楼"
    station.services = "周一至周五 9:00-17:00"
    station.save()
    points_adjust(woodpecker=wp_world["woodpecker"], points=20, reason="奖励", actor=SYSTEM)
    return {**wp_world, "station": station, "goods": goods, "keeper": wp_world["community"]}


def _balance(woodpecker) -> int:
    return PointsAccount.objects.get(woodpecker=woodpecker).balance


def _reserve(shop, **kwargs):
    return redemption_reserve(woodpecker=shop["woodpecker"], goods=shop["goods"], actor=shop["wp_user"], **kwargs)


def _code_of(exc: ValidationError) -> set:
    """The codes a service's refusal carries (a field error or a plain one)."""
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _phone(woodpecker) -> str:
    return crypto.decrypt(woodpecker.person.mobile_encrypted)


# --- services: the confirmation spends once and issues a code ------------------------------------------------------


def test_confirm_spends_once_and_issues_a_six_digit_code(shop):
    redemption = _reserve(shop)
    assert _balance(shop["woodpecker"]) == 10
    assert Goods.objects.get(pk=shop["goods"].pk).stock == 2
    assert re.fullmatch(r"\d{6}", redemption.pickup_code)
    assert redemption.pickup_code_hash == crypto.search_hash(redemption.pickup_code)
    assert redemption.pickup_code not in redemption.pickup_code_encrypted  # stored encrypted, not in clear
    note = Notification.objects.get(event="redemption.ready", recipient=shop["wp_user"])
    assert redemption.pickup_code in note.title and not carries_personal_number(note.title)
    assert note.url == reverse("grid_woodpecker:redemption_detail", args=[redemption.pk])


def test_the_same_confirmation_twice_spends_once(shop):
    first = _reserve(shop, idempotency_key="confirm-1")
    again = _reserve(shop, idempotency_key="confirm-1")
    assert first.pk == again.pk and Redemption.objects.count() == 1
    assert _balance(shop["woodpecker"]) == 10
    assert PointsEntry.objects.filter(kind="redeem").count() == 1


def test_insufficient_points_are_refused_and_nothing_is_written(shop):
    points_adjust(woodpecker=shop["woodpecker"], points=-15, reason="更正", actor=SYSTEM)
    entries = PointsEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        _reserve(shop)
    assert _code_of(refused.value) == {"insufficient_points"}
    assert Redemption.objects.count() == 0 and PointsEntry.objects.count() == entries
    assert Goods.objects.get(pk=shop["goods"].pk).stock == 3 and _balance(shop["woodpecker"]) == 5


def test_out_of_stock_is_refused_and_nothing_is_written(shop):
    Goods.objects.filter(pk=shop["goods"].pk).update(stock=0)
    with pytest.raises(ValidationError) as refused:
        _reserve(shop)
    assert _code_of(refused.value) == {"out_of_stock"}
    assert Redemption.objects.count() == 0 and _balance(shop["woodpecker"]) == 20


def test_codes_are_unique_among_the_station_s_waiting_redemptions(shop, monkeypatch):
    draws = iter([123456, 123456, 654321, 123456])
    monkeypatch.setattr(service.secrets, "randbelow", lambda _n: next(draws))
    first = _reserve(shop)
    second = _reserve(shop)  # 123456 is taken by the first, still waiting: drawn again
    assert (first.pickup_code, second.pickup_code) == ("123456", "654321")
    redemption_hand_out(station=shop["station"], code="123456", actor=shop["keeper"])
    points_adjust(woodpecker=shop["woodpecker"], points=10, reason="奖励", actor=SYSTEM)
    third = _reserve(shop)  # the first is handed out: its code is free again
    assert third.pickup_code == "123456"


# --- services: the counter ------------------------------------------------------------------------------------------


def test_hand_out_by_code_records_who_and_when(shop):
    redemption = _reserve(shop)
    done = redemption_hand_out(station=shop["station"], code=redemption.pickup_code, actor=shop["keeper"])
    assert done.pk == redemption.pk and done.status == RedemptionStatus.CONFIRMED
    assert done.settled_by == shop["keeper"] and done.settled_at is not None
    entry = AuditEntry.objects.get(action="redemption.confirm", object_id=str(redemption.pk))
    assert entry.actor == shop["keeper"] and entry.changes["verified_by"] == "code"
    with pytest.raises(ValidationError) as again:  # handed out: the code no longer opens anything
        redemption_hand_out(station=shop["station"], code=redemption.pickup_code, actor=shop["keeper"])
    assert _code_of(again.value) == {"pickup_code_wrong"}
    with pytest.raises(ValidationError) as settled:
        redemption_confirm(redemption=redemption, actor=shop["keeper"])
    assert _code_of(settled.value) == {"redemption_settled"}


def test_a_cancelled_redemption_is_not_handed_out(shop):
    redemption = _reserve(shop)
    service.redemption_cancel(redemption=redemption, actor=shop["wp_user"])
    with pytest.raises(ValidationError) as refused:
        redemption_hand_out(station=shop["station"], code=redemption.pickup_code, actor=shop["keeper"])
    assert _code_of(refused.value) == {"pickup_code_wrong"}
    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.CANCELLED


def test_a_code_of_another_station_is_wrong_here(shop, county):
    redemption = _reserve(shop)
    other, _goods = helpers.station_with_goods(county["community_a"])
    with pytest.raises(ValidationError):
        redemption_hand_out(station=other, code=redemption.pickup_code, actor=shop["keeper"])
    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.RESERVED


def test_wrong_codes_are_refused_then_the_station_is_throttled(shop, county):
    redemption = _reserve(shop)
    for _ in range(5):
        with pytest.raises(ValidationError) as wrong:
            redemption_hand_out(station=shop["station"], code=_wrong(redemption.pickup_code), actor=shop["keeper"])
        assert _code_of(wrong.value) == {"pickup_code_wrong"}
    assert service.pickup_locked(shop["station"]) > 0
    with pytest.raises(ValidationError) as locked:  # even the right code waits now
        redemption_hand_out(station=shop["station"], code=redemption.pickup_code, actor=shop["keeper"])
    assert _code_of(locked.value) == {"pickup_locked"}
    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.RESERVED
    other, _goods = helpers.station_with_goods(county["community_a"])
    assert service.pickup_locked(other) == 0  # counted per station


def test_hand_out_outside_the_scope_is_refused(shop, users):
    redemption = _reserve(shop)
    for outsider in (users["staff_b"], shop["wp_user"]):
        with pytest.raises(PermissionDenied):
            redemption_hand_out(station=shop["station"], code=redemption.pickup_code, actor=outsider)
    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.RESERVED
    assert service.pickup_locked(shop["station"]) == 0  # a refused user's tries do not count


# --- services: the stock ------------------------------------------------------------------------------------------


def test_stock_adjust_is_audited(shop):
    goods = goods_stock_adjust(goods=shop["goods"], delta=4, reason="到货", actor=shop["keeper"])
    assert goods.stock == 7 and Goods.objects.get(pk=goods.pk).stock == 7
    entry = AuditEntry.objects.get(action="goods.stock_adjust", object_id=str(goods.pk))
    assert entry.actor == shop["keeper"]
    assert entry.changes["stock"] == [3, 7] and entry.changes["delta"] == 4 and entry.changes["reason"] == "到货"
    assert goods_stock_adjust(goods=goods, delta=-7, reason="盘亏", actor=shop["keeper"]).stock == 0


@pytest.mark.parametrize(
    ("delta", "reason", "code"),
    [(-4, "损坏", "stock_negative"), (0, "盘点", "adjustment_zero"), (2, "  ", "note_required")],
)
def test_stock_adjust_refusals_write_nothing(shop, delta, reason, code):
    with pytest.raises(ValidationError) as refused:
        goods_stock_adjust(goods=shop["goods"], delta=delta, reason=reason, actor=shop["keeper"])
    assert _code_of(refused.value) == {code}
    assert Goods.objects.get(pk=shop["goods"].pk).stock == 3
    assert not AuditEntry.objects.filter(action="goods.stock_adjust").exists()


def test_stock_adjust_outside_the_scope_is_refused(shop, users):
    for outsider in (users["staff_b"], shop["wp_user"]):
        with pytest.raises(PermissionDenied):
            goods_stock_adjust(goods=shop["goods"], delta=1, reason="到货", actor=outsider)
    assert Goods.objects.get(pk=shop["goods"].pk).stock == 3


# --- pages: the confirmation ---------------------------------------------------------------------------------------


def _url(name, *args):
    return reverse(f"grid_woodpecker:{name}", args=args)


def test_the_goods_page_leads_to_a_confirmation_that_writes_nothing(shop, client_for):
    client = client_for(shop["wp_user"])
    points_page = client.get(_url("points")).content.decode()
    assert _url("redeem", shop["goods"].pk) in points_page and "<table" not in points_page.split("历史")[0]
    page = client.get(_url("redeem", shop["goods"].pk))
    body = page.content.decode()
    assert page.status_code == 200
    for text in ("洗衣液", "确认兑换", "取消", "甲社区党群服务中心一楼", "周一至周五", "红色蜂巢驿站"):
        assert text in body, text
    assert re.search(r'id="price">10<', body) and re.search(r'id="balance-before">20 ', body)
    assert re.search(r'id="balance-after">10 ', body) and "<table" not in body
    assert Redemption.objects.count() == 0 and _balance(shop["woodpecker"]) == 20


def test_confirming_spends_once_and_shows_the_code(shop, client_for):
    client = client_for(shop["wp_user"])
    page = client.get(_url("redeem", shop["goods"].pk)).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    first = client.post(_url("redeem", shop["goods"].pk), {"idempotency_key": key})
    second = client.post(_url("redeem", shop["goods"].pk), {"idempotency_key": key})  # a double tap
    redemption = Redemption.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == _url("redemption_detail", redemption.pk)
    assert _balance(shop["woodpecker"]) == 10
    detail = client.get(_url("redemption_detail", redemption.pk)).content.decode()
    assert redemption.pickup_code in detail and "取件码" in detail
    assert redemption.pickup_code in client.get(_url("points")).content.decode()
    staff_view = client_for(shop["keeper"]).get(_url("redemption_detail", redemption.pk))
    assert staff_view.status_code == 200 and redemption.pickup_code not in staff_view.content.decode()


def test_confirming_without_points_shows_a_chinese_message_and_writes_nothing(shop, client_for):
    client = client_for(shop["wp_user"])
    points_adjust(woodpecker=shop["woodpecker"], points=-15, reason="更正", actor=SYSTEM)
    page = client.get(_url("redeem", shop["goods"].pk)).content.decode()
    assert "积分不足" in page and "确认兑换</button>" not in page
    response = client.post(_url("redeem", shop["goods"].pk), {"idempotency_key": "k1"})
    assert response.status_code == 200 and "积分不足" in response.content.decode()
    assert Redemption.objects.count() == 0 and _balance(shop["woodpecker"]) == 5


def test_confirming_out_of_stock_shows_a_chinese_message(shop, client_for):
    client = client_for(shop["wp_user"])
    page = client.get(_url("redeem", shop["goods"].pk))  # shown while in stock; the last item goes meanwhile
    assert page.status_code == 200
    Goods.objects.filter(pk=shop["goods"].pk).update(stock=0)
    response = client.post(_url("redeem", shop["goods"].pk), {"idempotency_key": "k2"})
    assert response.status_code == 200 and "无库存" in response.content.decode()
    assert Redemption.objects.count() == 0 and _balance(shop["woodpecker"]) == 20


# --- pages: the counter ----------------------------------------------------------------------------------------------


def test_counter_hands_out_by_code_without_showing_codes(shop, client_for):
    redemption = _reserve(shop)
    client = client_for(shop["keeper"])
    overview = client.get(_url("counter")).content.decode()
    assert _url("counter_station", shop["station"].pk) in overview and "<table" not in overview
    page = client.get(_url("counter_station", shop["station"].pk)).content.decode()
    assert "洗衣液" in page and redemption.pickup_code not in page and "<table" not in page
    response = client.post(_url("hand_out", shop["station"].pk), {"code": redemption.pickup_code}, follow=True)
    assert "已发放" in response.content.decode()
    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.CONFIRMED


def test_counter_wrong_code_message_then_the_form_closes(shop, client_for):
    redemption = _reserve(shop)
    client = client_for(shop["keeper"])
    response = client.post(_url("hand_out", shop["station"].pk), {"code": "12"}, follow=True)
    assert "没有与此取件码对应的待领兑换" in response.content.decode()
    for _ in range(4):
        client.post(_url("hand_out", shop["station"].pk), {"code": _wrong(redemption.pickup_code)})
    page = client.get(_url("counter_station", shop["station"].pk)).content.decode()
    assert "错误次数过多" in page and _url("hand_out", shop["station"].pk) not in page
    response = client.post(_url("hand_out", shop["station"].pk), {"code": redemption.pickup_code}, follow=True)
    assert "错误次数过多" in response.content.decode()
    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.RESERVED


def test_counter_finds_by_phone_and_hands_out(shop, client_for, county):
    redemption = _reserve(shop)
    neighbour = helpers.woodpecker(county["grid_ac"], name="李邻居")
    client = client_for(shop["keeper"])
    phone = _phone(shop["woodpecker"])
    found = client.post(_url("counter_station", shop["station"].pk), {"phone": f"+86 {phone[:3]} {phone[3:]}"})
    body = found.content.decode()
    assert found.status_code == 200 and _url("redemption_action", redemption.pk, "confirm") in body
    assert redemption.pickup_code not in body
    other = client.post(_url("counter_station", shop["station"].pk), {"phone": _phone(neighbour)}).content.decode()
    assert "该手机号在本站点没有待领的兑换" in other
    bad = client.post(_url("counter_station", shop["station"].pk), {"phone": "12345"}).content.decode()
    assert "11" in bad and Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.RESERVED
    assert f'name="phone" value="{phone}"' in body  # the number found with goes back with the hand-over
    next_url = _url("counter_station", shop["station"].pk)
    confirm = _url("redemption_action", redemption.pk, "confirm")
    # A click alone, or another woodpecker's number, hands nothing out.
    for data in ({"next": next_url}, {"phone": _phone(neighbour), "next": next_url}, {"phone": "1", "next": next_url}):
        refused = client.post(confirm, data, follow=True)
        assert "该手机号不是这笔兑换的啄木鸟本人的" in refused.content.decode()
        assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.RESERVED
    response = client.post(confirm, {"phone": phone, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    done = Redemption.objects.get(pk=redemption.pk)
    assert done.status == RedemptionStatus.CONFIRMED and done.settled_by == shop["keeper"]
    entry = AuditEntry.objects.get(action="redemption.confirm", object_id=str(redemption.pk))
    assert entry.changes["verified_by"] == "phone"


def test_counter_phone_lookups_are_audited_masked_and_limited_per_keeper(shop, client_for, settings):
    """Each lookup leaves an audit row with the number masked and the count found; past the keeper's limit the page
    answers 429 with a Chinese message and finds nothing, while another keeper is not affected."""
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "counter_lookup": "2/10m"},
    }
    redemption = _reserve(shop)
    phone = _phone(shop["woodpecker"])
    client = client_for(shop["keeper"])
    url = _url("counter_station", shop["station"].pk)
    for _ in range(2):
        assert client.post(url, {"phone": phone}).status_code == 200
    entries = AuditEntry.objects.filter(action="counter.phone_lookup")
    assert entries.count() == 2
    assert entries.first().changes == {"phone": f"{phone[:3]}****{phone[-4:]}", "found": 1}
    assert phone not in str(list(entries.values_list("changes", flat=True)))
    refused = client.post(url, {"phone": phone})
    page = refused.content.decode()
    assert refused.status_code == 429 and "柜台按手机号查询次数过多" in page
    assert _url("redemption_action", redemption.pk, "confirm") not in page
    assert entries.count() == 2  # a refused lookup finds and records nothing
    # The limit is the keeper's own: another user who may keep the counter still looks up.
    assert counter_service.counter_phone_lookup(station=shop["station"], mobile=phone, actor=shop["gridworker"]) == [
        redemption
    ]
    assert entries.count() == 3


def test_counter_outside_the_scope_is_404(shop, users, client_for):
    redemption = _reserve(shop)
    client = client_for(users["staff_b"])
    assert client.get(_url("counter_station", shop["station"].pk)).status_code == 404
    assert client.post(_url("hand_out", shop["station"].pk), {"code": redemption.pickup_code}).status_code == 404
    assert client.post(_url("goods_stock", shop["goods"].pk), {"delta": 1, "reason": "到货"}).status_code == 404
    assert client.get(_url("redemption_detail", redemption.pk)).status_code == 404
    assert Redemption.objects.get(pk=redemption.pk).status == RedemptionStatus.RESERVED
    woodpecker = client_for(shop["wp_user"])  # sees their redemption, keeps no counter
    assert woodpecker.get(_url("counter_station", shop["station"].pk)).status_code == 404


def test_counter_adjusts_the_stock(shop, client_for):
    client = client_for(shop["keeper"])
    response = client.post(_url("goods_stock", shop["goods"].pk), {"delta": -2, "reason": "破损"}, follow=True)
    assert "库存现为1" in response.content.decode() and Goods.objects.get(pk=shop["goods"].pk).stock == 1
    response = client.post(_url("goods_stock", shop["goods"].pk), {"delta": -2, "reason": "破损"}, follow=True)
    assert "库存不能少于零" in response.content.decode() and Goods.objects.get(pk=shop["goods"].pk).stock == 1


# --- API --------------------------------------------------------------------------------------------------------------


def test_api_redeem_returns_the_code_to_the_woodpecker_only(shop, api_for):
    response = api_for(shop["wp_user"]).post(f"{API}redemptions/", {"goods": shop["goods"].pk}, format="json")
    assert response.status_code == 201
    data = response.json()
    redemption = Redemption.objects.get(pk=data["id"])
    assert data["pickup_code"] == redemption.pickup_code and data["station"] == shop["station"].pk
    staff = api_for(shop["keeper"]).get(f"{API}redemptions/{redemption.pk}/").json()
    assert staff["pickup_code"] is None


def test_api_hand_out_by_code(shop, api_for, users):
    redemption = _reserve(shop)
    api = api_for(shop["keeper"])
    body = {"station": shop["station"].pk, "pickup_code": _wrong(redemption.pickup_code)}
    wrong = api.post(f"{API}redemptions/hand_out/", body, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "pickup_code_wrong"
    outside = api_for(users["staff_b"]).post(
        f"{API}redemptions/hand_out/", {**body, "pickup_code": redemption.pickup_code}, format="json"
    )
    assert outside.status_code == 404
    done = api.post(f"{API}redemptions/hand_out/", {**body, "pickup_code": redemption.pickup_code}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    assert done.json()["settled_by"] == shop["keeper"].pk and done.json()["pickup_code"] is None


def test_api_hand_out_throttled_after_five_wrong_codes(shop, api_for):
    redemption = _reserve(shop)
    api = api_for(shop["keeper"])
    body = {"station": shop["station"].pk, "pickup_code": _wrong(redemption.pickup_code)}
    for _ in range(5):
        assert api.post(f"{API}redemptions/hand_out/", body, format="json").status_code == 400
    locked = api.post(f"{API}redemptions/hand_out/", {**body, "pickup_code": redemption.pickup_code}, format="json")
    assert locked.status_code == 429 and "错误次数过多" in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 0


def test_api_stock_adjust(shop, api_for):
    api = api_for(shop["keeper"])
    done = api.post(f"{API}goods/{shop['goods'].pk}/stock/", {"delta": 5, "reason": "到货"}, format="json")
    assert done.status_code == 200 and done.json()["stock"] == 8
    below = api.post(f"{API}goods/{shop['goods'].pk}/stock/", {"delta": -9, "reason": "盘亏"}, format="json")
    assert below.status_code == 400 and below.json()["code"] == "stock_negative"
    assert Goods.objects.get(pk=shop["goods"].pk).stock == 8


def test_a_confirmation_without_a_key_still_spends_once(shop, client_for):
    response = client_for(shop["wp_user"]).post(_url("redeem", shop["goods"].pk), {})
    assert response.status_code == 302 and Redemption.objects.count() == 1 and _balance(shop["woodpecker"]) == 10


def test_the_admin_does_not_show_the_code(shop, users, client_for):
    redemption = _reserve(shop)
    page = client_for(users["admin"]).get(reverse("admin:grid_woodpecker_redemption_change", args=[redemption.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert redemption.pickup_code not in body and redemption.pickup_code_hash not in body and "洗衣液" in body
