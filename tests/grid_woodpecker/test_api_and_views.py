"""API and portal pages: the loop over HTTP, errors in the API's one body, rate limits, phone pages."""

import pytest
from django.urls import reverse

from accounts.permissions import SYSTEM
from core.models import ImportJob
from grid_woodpecker.models import Clue, ClueStatus, PointsAccount, Woodpecker, WoodpeckerStatus
from grid_woodpecker.services.clues import clue_accept, clue_dispatch, clue_submit
from grid_woodpecker.services.points import points_adjust
from grid_woodpecker.services.woodpeckers import woodpecker_deactivate
from tests.core import sheet_helpers as sheets
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db
API = "/api/v1/grid_woodpecker/"


def test_api_loop_submit_accept_and_points(api_for, wp_world):
    woodpecker_api = api_for(wp_world["wp_user"])
    response = woodpecker_api.post(
        f"{API}clues/",
        {"category": wp_world["category"].pk, "description": "路灯不亮了请修", "photos": [helpers.png_upload()]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    clue_id = response.json()["id"]
    assert len(response.json()["photos"]) == 1
    staff_api = api_for(wp_world["gridworker"])
    accepted = staff_api.post(f"{API}clues/{clue_id}/accept/", {"note": "属实"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    refused = staff_api.post(f"{API}clues/{clue_id}/accept/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "clue_transition_not_allowed"
    me = woodpecker_api.get(f"{API}accounts/").json()["results"]
    assert [row["balance"] for row in me] == [10]
    history = woodpecker_api.get(f"{API}clues/{clue_id}/history/").json()
    assert [e["to_status"] for e in history] == ["submitted", "accepted"]


def test_api_reject_without_reason_gives_field_error(api_for, wp_world):
    clue = clue_submit(
        actor=wp_world["wp_user"], category=wp_world["category"], description="路灯不亮了请修", check_limits=False
    )
    response = api_for(wp_world["gridworker"]).post(f"{API}clues/{clue.pk}/reject/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]


def test_api_rate_limit_is_429_with_message(api_for, wp_world):
    api = api_for(wp_world["wp_user"])
    for _ in range(5):
        assert (
            api.post(f"{API}clues/", {"category": wp_world["category"].pk, "description": "路灯不亮了请修"}).status_code
            == 201
        )
    response = api.post(f"{API}clues/", {"category": wp_world["category"].pk, "description": "路灯不亮了请修"})
    assert response.status_code == 429 and response.json()["detail"]


def test_api_redeem_and_counter_confirm(api_for, wp_world, county):
    points_adjust(woodpecker=wp_world["woodpecker"], points=10, reason="奖励", actor=SYSTEM)
    _station, goods = helpers.station_with_goods(county["community_a"])
    response = api_for(wp_world["wp_user"]).post(f"{API}redemptions/", {"goods": goods.pk}, format="json")
    assert response.status_code == 201 and response.json()["points"] == 10
    confirm = api_for(wp_world["community"]).post(f"{API}redemptions/{response.json()['id']}/confirm/")
    assert confirm.status_code == 200 and confirm.json()["status"] == "confirmed"
    again = api_for(wp_world["wp_user"]).post(f"{API}redemptions/", {"goods": goods.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "insufficient_points"


def test_department_handler_sees_only_dispatched_clues(api_for, wp_world, county):
    clue = clue_submit(
        actor=wp_world["wp_user"], category=wp_world["category"], description="路灯不亮了请修", check_limits=False
    )
    api = api_for(wp_world["handler"])
    assert api.get(f"{API}clues/{clue.pk}/").status_code == 404
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue_dispatch(clue=clue, department=county["agency"], actor=wp_world["gridworker"])
    assert api.get(f"{API}clues/{clue.pk}/").status_code == 200
    assert api.post(f"{API}clues/{clue.pk}/start/").json()["status"] == "in_progress"
    assert api.post(f"{API}clues/{clue.pk}/resolve/", {"resolution": "已修复"}).json()["status"] == "resolved"


def test_triage_page_accepts_clue_and_woodpecker_sees_points(client_for, wp_world):
    clue = clue_submit(
        actor=wp_world["wp_user"], category=wp_world["category"], description="井盖缺失很危险", check_limits=False
    )
    client = client_for(wp_world["community"])
    assert "井盖缺失很危险" in client.get(reverse("grid_woodpecker:triage")).content.decode()
    client.post(reverse("grid_woodpecker:clue_action", args=[clue.pk, "accept"]), {"note": ""})
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.ACCEPTED
    assert PointsAccount.objects.get(woodpecker=wp_world["woodpecker"]).balance == 10
    client = client_for(wp_world["wp_user"])
    assert client.get(reverse("grid_woodpecker:points")).status_code == 200
    assert client.get(reverse("grid_woodpecker:clue_detail", args=[clue.pk])).status_code == 200


def test_woodpecker_cannot_open_neighbours_clue(client_for, wp_world, county):
    neighbour = helpers.woodpecker(county["grid_ac"])
    theirs = clue_submit(
        actor=neighbour.user, category=wp_world["category"], description="井盖缺失很危险", check_limits=False
    )
    response = client_for(wp_world["wp_user"]).get(reverse("grid_woodpecker:clue_detail", args=[theirs.pk]))
    assert response.status_code == 404


def test_oversight_and_leaderboard_pages_render(client_for, users, wp_world):
    clue = clue_submit(
        actor=wp_world["wp_user"], category=wp_world["category"], description="井盖缺失很危险", check_limits=False
    )
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    client = client_for(users["staff_a"])
    assert client.get(reverse("grid_woodpecker:oversight")).status_code == 200
    board = client.get(reverse("grid_woodpecker:leaderboard")).content.decode()
    assert "张**" in board


def test_import_woodpeckers_dry_run_reports_rows_and_writes_nothing(client_for, users, county):
    client = client_for(users["staff_a"])
    good = f"甲,{helpers.id_number()},13900000001,{county['grid_ac'].code},resident,0,"
    bad = f"乙,123,,{county['grid_b1'].code},pilot,0,"
    sheet = "name,id_number,mobile,grid_code,group,is_lead,lead_duties\n" + good + "\n" + bad + "\n"
    _response, job = sheets.upload(client, "woodpeckers", "w.csv", sheet.encode())
    # Rows by their sheet line (the header is line 1), columns by their Chinese header.
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "身份证号码"), (3, "网格编码"), (3, "队员类别")}
    sheets.confirm(client, job)
    assert job.status == ImportJob.Status.FAILED and Woodpecker.objects.count() == 0
    ok_sheet = "name,id_number,mobile,grid_code,group,is_lead,lead_duties\n" + good + "\n"
    _response, job = sheets.upload(client, "woodpeckers", "w.csv", ok_sheet.encode())
    assert job.errors == [] and Woodpecker.objects.count() == 0
    sheets.confirm(client, job)
    assert Woodpecker.objects.get().status == WoodpeckerStatus.ACTIVE
    export = client.get(reverse("sheets:export", args=["woodpeckers", "xlsx"]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_hot_pages_have_bounded_queries(client_for, wp_world, django_assert_max_num_queries):
    for i in range(6):
        clue = clue_submit(
            actor=wp_world["wp_user"],
            category=wp_world["category"],
            description=f"井盖缺失很危险{i}",
            check_limits=False,
        )
        clue_accept(clue=clue, actor=wp_world["gridworker"])
    staff = client_for(wp_world["community"])
    with django_assert_max_num_queries(15):
        assert staff.get(reverse("grid_woodpecker:community_queue")).status_code == 200
    woodpecker = client_for(wp_world["wp_user"])
    with django_assert_max_num_queries(20):
        assert woodpecker.get(reverse("grid_woodpecker:points")).status_code == 200
    with django_assert_max_num_queries(20):
        assert woodpecker.get(reverse("grid_woodpecker:me")).status_code == 200


def test_admin_category_change_goes_through_service(client_for, users, county):
    from core.models import AuditEntry
    from grid_woodpecker.models import ClueCategory

    category = helpers.category(county["village_a1"], code="x1", name="旧名")
    client = client_for(users["staff_a"])
    url = reverse("admin:grid_woodpecker_cluecategory_change", args=[category.pk])
    response = client.post(
        url, {"unit": county["village_a1"].pk, "code": "x1", "name": "新名", "deadline_days": 4, "is_active": "on"}
    )
    assert response.status_code == 302
    assert ClueCategory.objects.get(pk=category.pk).name == "新名"
    assert AuditEntry.objects.filter(action="clue_category.update").exists()


def test_import_goods_reports_bad_rows_and_writes_nothing(client_for, users, county):
    from grid_woodpecker.models import Goods

    station, _goods = helpers.station_with_goods(county["village_a1"])
    outside, _other = helpers.station_with_goods(county["village_b1"])
    before = Goods.objects.count()
    sheet = (
        "id,station,name,price_yuan,stock,is_active\n"
        f",{station.pk},大米,20.00,5,1\n"
        f",{outside.pk},食用油,30.00,5,1\n"
        f",{station.pk},毛巾,0,-1,1\n"
    )
    client = client_for(users["staff_a"])
    _response, job = sheets.upload(client, "goods", "g.csv", sheet.encode())
    assert {(e["row"], e["column"]) for e in job.errors} >= {(3, "站点编号"), (4, "价格（元）"), (4, "库存")}
    sheets.confirm(client, job)
    assert Goods.objects.count() == before


def test_deactivated_woodpecker_loses_role_and_cannot_file(wp_world):
    woodpecker_deactivate(woodpecker=wp_world["woodpecker"], reason="搬离本网格", actor=wp_world["gridworker"])
    user = wp_world["wp_user"]
    user.__dict__.pop("_role_names", None)
    assert not user.has_role("woodpecker")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        clue_submit(actor=user, category=wp_world["category"], description="路灯不亮了请修", check_limits=False)


def test_clue_page_actions_say_what_happened(client_for, wp_world, county):
    """The declared clue actions: the message says what the service did; bad input changes nothing; the page asks
    before the irreversible ones."""
    clue = clue_submit(
        actor=wp_world["wp_user"], category=wp_world["category"], description="楼道堆满杂物", check_limits=False
    )
    client = client_for(wp_world["community"])
    page = client.get(reverse("grid_woodpecker:clue_detail", args=[clue.pk])).content.decode()
    assert 'data-confirm="确定驳回该线索？' in page
    action = reverse("grid_woodpecker:clue_action", args=[clue.pk, "reject"])
    followed = client.post(action, {"reason": ""}, follow=True).content.decode()
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.SUBMITTED and "线索已驳回" not in followed
    action = reverse("grid_woodpecker:clue_action", args=[clue.pk, "accept"])
    followed = client.post(action, {"note": ""}, follow=True).content.decode()
    assert "线索已受理，已为上报人记 10 分，并已通知上报人。" in followed
    action = reverse("grid_woodpecker:clue_action", args=[clue.pk, "dispatch"])
    followed = client.post(action, {"department": county["agency"].pk}, follow=True).content.decode()
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.DISPATCHED
    assert f"线索已派发至{county['agency'].name}" in followed
    action = reverse("grid_woodpecker:clue_action", args=[clue.pk, "merge"])
    assert client.post(action, {"duplicate_of": 10**9}).status_code == 404  # an earlier clue out of sight: 404


def test_admin_station_and_goods_are_created_and_changed_through_the_services(client_for, users, county):
    from core.models import AuditEntry
    from grid_woodpecker.models import Goods, Station

    client = client_for(users["staff_a"])
    response = client.post(
        reverse("admin:grid_woodpecker_station_add"),
        {"unit": county["village_a1"].pk, "name": "新驿站", "kind": "red_beehive", "address": "", "services": ""},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    station = Station.objects.get(name="新驿站")
    assert AuditEntry.objects.filter(action="station.create", object_id=str(station.pk)).exists()
    _station, goods = helpers.station_with_goods(county["village_a1"])
    response = client.post(
        reverse("admin:grid_woodpecker_goods_change", args=[goods.pk]),
        {"station": goods.station_id, "name": "新洗衣液", "price_yuan": "6.00", "stock": 4, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Goods.objects.get(pk=goods.pk).name == "新洗衣液"
    entry = AuditEntry.objects.get(action="goods.update", object_id=str(goods.pk))
    assert entry.changes["name"] == ["洗衣液", "新洗衣液"] and entry.unit_id == county["village_a1"].pk
