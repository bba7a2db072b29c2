"""The woodpecker app on the one permission path: for each action the right role in scope succeeds, a role without
the action is refused (PermissionDenied / 403), and outside the view scope the record is not found (404)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import ADJUST, COUNTER, HANDLE, RATE, SYSTEM, TRIAGE, can, units_for
from accounts.roles import Role
from core.models import AuditEntry
from grid_woodpecker.models import (
    Clue,
    ClueCategory,
    ClueStatus,
    PointsAccount,
    PointsEntry,
    Rating,
    Redemption,
    RedemptionStatus,
    Woodpecker,
)
from grid_woodpecker.services.clues import (
    clue_accept,
    clue_dispatch,
    clue_handle_in_community,
    clue_resolve,
    clue_submit,
)
from grid_woodpecker.services.config import category_create
from grid_woodpecker.services.inspections import task_create
from grid_woodpecker.services.points import points_adjust
from grid_woodpecker.services.redemptions import redemption_reserve
from grid_woodpecker.services.stations import station_create
from grid_woodpecker.services.supervision import AUTO_CLOSE_DAYS, clue_auto_close, clue_flag_overdue
from organizations.models import UnitKind
from tests.factories import unit, user_with_role
from tests.grid_woodpecker import helpers

API = "/api/v1/grid_woodpecker/"


def submit(world, text="小区东门路灯不亮已经三天"):
    return clue_submit(actor=world["wp_user"], category=world["category"], description=text, check_limits=False)


# --- points adjustment (accounts/adjust): staff only, a reason, a bounded amount -------------------------------------


def test_grid_worker_adjusting_points_gets_403_and_no_ledger_row(api_for, wp_world):
    wp = wp_world["woodpecker"]
    for user in (wp_world["gridworker"], wp_world["community"], wp_world["wp_user"]):
        response = api_for(user).post(
            f"{API}accounts/adjust/", {"woodpecker": wp.pk, "points": 5, "reason": "奖励"}, format="json"
        )
        assert response.status_code == 403, user.username
    assert not PointsEntry.objects.filter(account__woodpecker=wp).exists()
    assert PointsAccount.objects.get(woodpecker=wp).balance == 0
    with pytest.raises(PermissionDenied):
        points_adjust(woodpecker=wp, points=5, reason="奖励", actor=wp_world["gridworker"])


def test_staff_adjust_in_scope_needs_a_reason_and_a_bounded_amount(api_for, wp_world, users):
    wp, api = wp_world["woodpecker"], api_for(users["staff_a"])
    no_reason = api.post(f"{API}accounts/adjust/", {"woodpecker": wp.pk, "points": 5}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    blank = api.post(f"{API}accounts/adjust/", {"woodpecker": wp.pk, "points": 5, "reason": "   "}, format="json")
    assert blank.status_code == 400
    for points in (2**31, -(2**31), 1001):
        huge = api.post(
            f"{API}accounts/adjust/", {"woodpecker": wp.pk, "points": points, "reason": "奖励"}, format="json"
        )
        assert huge.status_code == 400 and "points" in huge.json()["errors"], points
        assert "1000" in " ".join(huge.json()["errors"]["points"])
    assert not PointsEntry.objects.filter(account__woodpecker=wp).exists()
    ok = api.post(f"{API}accounts/adjust/", {"woodpecker": wp.pk, "points": 1000, "reason": "年度奖励"}, format="json")
    assert ok.status_code == 201 and ok.json()["points"] == 1000
    assert PointsAccount.objects.get(woodpecker=wp).balance == 1000


def test_adjust_outside_the_view_scope_is_404(api_for, wp_world, users):
    wp = wp_world["woodpecker"]
    response = api_for(users["staff_b"]).post(
        f"{API}accounts/adjust/", {"woodpecker": wp.pk, "points": 5, "reason": "奖励"}, format="json"
    )
    assert response.status_code == 404
    assert not PointsEntry.objects.filter(account__woodpecker=wp).exists()


def test_adjust_is_declared_for_staff_roles_only(wp_world, users):
    account = PointsAccount.objects.get(woodpecker=wp_world["woodpecker"])
    assert can(users["staff_a"], ADJUST, account) and can(users["city_staff"], ADJUST, account)
    for user in (wp_world["gridworker"], wp_world["community"], wp_world["handler"], wp_world["wp_user"]):
        assert not can(user, ADJUST, account), user.username
    assert not can(users["staff_b"], ADJUST, account)


# --- a category's units, and dispatch, must lie where the writer may route ----------------------------------------


@pytest.fixture
def departments(county):
    """Departments are municipal agencies (under the city) or townships and streets themselves."""
    return {"office_a": county["township_a"], "office_b": county["township_b"], "city_agency": county["agency"]}


def test_category_routed_to_a_sibling_townships_department_is_refused(api_for, county, users, departments):
    api = api_for(users["staff_a"])
    before = ClueCategory.objects.count()
    body = {"unit": county["township_a"].pk, "code": "noise", "name": "噪音扰民", "deadline_days": 3}
    for department in (departments["office_b"], county["agency"]):  # a sibling township; the city's, above staff_a
        response = api.post(f"{API}categories/", {**body, "default_department": department.pk}, format="json")
        assert response.status_code == 400, department.name
        assert "default_department" in response.json()["errors"]
    assert ClueCategory.objects.count() == before
    created = api.post(f"{API}categories/", {**body, "default_department": departments["office_a"].pk}, format="json")
    assert created.status_code == 201
    category = ClueCategory.objects.get(pk=created.json()["id"])
    moved = api.patch(
        f"{API}categories/{category.pk}/", {"default_department": departments["office_b"].pk}, format="json"
    )
    assert moved.status_code == 400 and "default_department" in moved.json()["errors"]
    category.refresh_from_db()
    assert category.default_department == departments["office_a"]


def test_category_service_checks_every_unit_it_refers_to(county, users, departments):
    with pytest.raises(PermissionDenied):  # the category's own unit outside the scope: 403
        category_create(unit=county["township_b"], code="x1", name="其他", deadline_days=3, actor=users["staff_a"])
    with pytest.raises(ValidationError) as err:
        category_create(
            unit=county["township_a"],
            code="x2",
            name="其他",
            deadline_days=3,
            default_department=departments["office_b"],
            actor=users["staff_a"],
        )
    assert "default_department" in err.value.message_dict
    with pytest.raises(ValidationError):  # a department that does not serve the category's area, even for the city
        category_create(
            unit=county["township_a"],
            code="x3",
            name="其他",
            deadline_days=3,
            default_department=departments["office_b"],
            actor=users["city_staff"],
        )
    assert not ClueCategory.objects.filter(code__in=["x1", "x2", "x3"]).exists()
    category_create(
        unit=county["city"], code="x4", name="其他", deadline_days=3, default_department=county["agency"], actor=SYSTEM
    )


def test_category_in_the_admin_offers_no_department_outside_the_scope(client_for, county, users, departments):
    client = client_for(users["staff_a"])
    response = client.post(
        "/admin/grid_woodpecker/cluecategory/add/",
        {
            "unit": county["township_a"].pk,
            "code": "adm",
            "name": "后台分类",
            "deadline_days": 3,
            "default_department": departments["office_b"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form is shown again with the error
    assert not ClueCategory.objects.filter(code="adm").exists()


def test_dispatch_to_a_department_that_does_not_serve_the_area_is_refused(api_for, wp_world, departments):
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    response = api_for(wp_world["gridworker"]).post(
        f"{API}clues/{clue.pk}/dispatch_to/", {"department": departments["office_b"].pk}, format="json"
    )
    assert response.status_code == 400 and "department" in response.json()["errors"]
    clue.refresh_from_db()
    assert clue.status == ClueStatus.ACCEPTED and clue.department is None
    clue_dispatch(clue=clue, department=departments["office_a"], actor=wp_world["gridworker"])
    clue.refresh_from_db()
    assert clue.department == departments["office_a"]


# --- the clue's actions ---------------------------------------------------------------------------------------------


def test_triage_right_role_succeeds_others_403_outside_404(api_for, wp_world, users):
    clue = submit(wp_world)
    assert api_for(wp_world["handler"]).post(f"{API}clues/{clue.pk}/accept/").status_code == 404  # not dispatched
    assert api_for(wp_world["wp_user"]).post(f"{API}clues/{clue.pk}/accept/").status_code == 403  # own clue: seen
    assert api_for(users["staff_b"]).post(f"{API}clues/{clue.pk}/accept/").status_code == 404
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.SUBMITTED
    response = api_for(wp_world["gridworker"]).post(f"{API}clues/{clue.pk}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_handle_belongs_to_the_dispatched_department_and_the_community(api_for, wp_world, county, departments):
    other_handler = user_with_role(
        "hd_other", Role.DEPARTMENT_HANDLER, unit("市住建局", UnitKind.AGENCY, county["city"])
    )
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue_dispatch(clue=clue, department=county["agency"], actor=wp_world["gridworker"])
    assert can(wp_world["handler"], HANDLE, clue) and not can(wp_world["handler"], TRIAGE, clue)
    assert api_for(other_handler).post(f"{API}clues/{clue.pk}/start/").status_code == 404
    assert api_for(wp_world["wp_user"]).post(f"{API}clues/{clue.pk}/start/").status_code == 403
    assert api_for(wp_world["handler"]).post(f"{API}clues/{clue.pk}/start/").status_code == 200
    resolved = api_for(wp_world["handler"]).post(f"{API}clues/{clue.pk}/resolve/", {"resolution": "已修复"})
    assert resolved.status_code == 200


def test_only_the_reporter_rates_through_the_api(api_for, wp_world, users):
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue_handle_in_community(clue=clue, actor=wp_world["gridworker"])
    clue_resolve(clue=clue, resolution="已修复", actor=wp_world["gridworker"])
    for user in (wp_world["gridworker"], users["staff_a"]):
        response = api_for(user).post(f"{API}clues/{clue.pk}/rate/", {"rating": "satisfied"}, format="json")
        assert response.status_code == 403, user.username
    other = helpers.woodpecker(wp_world["woodpecker"].grid)
    assert api_for(other.user).post(f"{API}clues/{clue.pk}/rate/", {"rating": "satisfied"}).status_code == 404
    assert not can(users["staff_a"], RATE, clue) and can(wp_world["wp_user"], RATE, clue)
    response = api_for(wp_world["wp_user"]).post(f"{API}clues/{clue.pk}/rate/", {"rating": "satisfied"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert Clue.objects.get(pk=clue.pk).rating == Rating.SATISFIED


def test_clue_page_buttons_follow_can(client_for, wp_world):
    clue = submit(wp_world)
    accept = reverse("grid_woodpecker:clue_action", args=[clue.pk, "accept"])
    page = client_for(wp_world["gridworker"]).get(reverse("grid_woodpecker:clue_detail", args=[clue.pk]))
    assert page.status_code == 200 and accept in page.content.decode()
    page = client_for(wp_world["wp_user"]).get(reverse("grid_woodpecker:clue_detail", args=[clue.pk]))
    assert page.status_code == 200 and accept not in page.content.decode()
    assert client_for(wp_world["wp_user"]).post(accept).status_code == 403
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.SUBMITTED


# --- the counter: either side of a redemption ---------------------------------------------------------------------


@pytest.fixture
def reservation(wp_world, county):
    """A reservation by the woodpecker of grid AC at a station of village A1 (another unit of the township)."""
    points_adjust(woodpecker=wp_world["woodpecker"], points=50, reason="奖励", actor=SYSTEM)
    _station, goods = helpers.station_with_goods(county["village_a1"])
    return redemption_reserve(woodpecker=wp_world["woodpecker"], goods=goods, actor=wp_world["wp_user"])


def test_counter_of_the_station_or_the_grid_settles(api_for, wp_world, users, reservation):
    assert can(users["secretary_a1"], COUNTER, reservation)  # the station's side
    assert can(wp_world["gridworker"], COUNTER, reservation)  # the woodpecker's grid side
    assert not can(wp_world["wp_user"], COUNTER, reservation)
    assert api_for(wp_world["wp_user"]).post(f"{API}redemptions/{reservation.pk}/confirm/").status_code == 403
    assert api_for(users["staff_b"]).post(f"{API}redemptions/{reservation.pk}/confirm/").status_code == 404
    assert api_for(wp_world["handler"]).post(f"{API}redemptions/{reservation.pk}/confirm/").status_code == 404
    response = api_for(users["secretary_a1"]).post(f"{API}redemptions/{reservation.pk}/confirm/")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_counter_page_lists_the_stations_reservations(client_for, users, reservation):
    page = client_for(users["secretary_a1"]).get(reverse("grid_woodpecker:counter"))
    assert page.status_code == 200 and reservation in page.context["reserved"]
    page = client_for(users["staff_b"]).get(reverse("grid_woodpecker:counter"))
    assert reservation not in page.context["reserved"]


def test_the_woodpecker_cancels_their_own_reservation_but_not_anothers(api_for, wp_world, reservation):
    other = helpers.woodpecker(wp_world["woodpecker"].grid)
    assert api_for(other.user).post(f"{API}redemptions/{reservation.pk}/cancel/").status_code == 404
    response = api_for(wp_world["wp_user"]).post(f"{API}redemptions/{reservation.pk}/cancel/")
    assert response.status_code == 200
    assert Redemption.objects.get(pk=reservation.pk).status == RedemptionStatus.CANCELLED


def test_only_the_woodpecker_redeems_their_points(wp_world, county, users):
    points_adjust(woodpecker=wp_world["woodpecker"], points=50, reason="奖励", actor=SYSTEM)
    _station, goods = helpers.station_with_goods(county["community_a"])
    for user in (users["staff_a"], wp_world["gridworker"]):
        with pytest.raises(PermissionDenied):
            redemption_reserve(woodpecker=wp_world["woodpecker"], goods=goods, actor=user)
    assert not Redemption.objects.exists()


# --- tasks, imports, confirmations --------------------------------------------------------------------------------


def test_task_taken_only_by_a_woodpecker_of_its_grid(api_for, wp_world, county):
    task = task_create(
        grid=county["grid_ac"],
        title="巡查",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=3),
        actor=wp_world["gridworker"],
    )
    elsewhere = helpers.woodpecker(county["grid_a1"])
    assert api_for(elsewhere.user).post(f"{API}tasks/{task.pk}/take/").status_code == 404
    assert api_for(wp_world["gridworker"]).post(f"{API}tasks/{task.pk}/take/").status_code == 403
    assert api_for(wp_world["wp_user"]).post(f"{API}tasks/{task.pk}/take/").status_code == 200
    assert list(task.takers.all()) == [wp_world["woodpecker"]]


def test_import_pages_follow_the_declared_import_action(client_for, wp_world, users):
    url = reverse("imports:start", args=["woodpeckers"])
    # No IMPORT role anywhere: 403 (the one permission path: no role → 403, out of scope → 404).
    assert client_for(wp_world["wp_user"]).get(url).status_code == 403
    assert client_for(wp_world["handler"]).get(url).status_code == 403
    assert client_for(wp_world["gridworker"]).get(url).status_code == 200
    assert units_for(wp_world["gridworker"], Woodpecker, "import") == [wp_world["woodpecker"].grid.path]


def test_confirming_a_woodpecker_needs_change_in_its_grid(client_for, wp_world, county, users):
    pending = helpers.signup(county["grid_ac"], name="王小二")
    url = reverse("grid_woodpecker:woodpecker_action", args=[pending.pk, "confirm"])
    assert client_for(users["staff_b"]).post(url).status_code == 404
    assert client_for(wp_world["handler"]).post(url).status_code == 404
    assert client_for(wp_world["gridworker"]).post(url).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "active" and pending.confirmed_by == wp_world["gridworker"]


# --- no None actor; the jobs act as SYSTEM --------------------------------------------------------------------------


def test_a_none_actor_is_refused_everywhere(wp_world, county):
    clue = submit(wp_world)
    with pytest.raises(PermissionDenied):
        clue_accept(clue=clue, actor=None)
    with pytest.raises(PermissionDenied):
        points_adjust(woodpecker=wp_world["woodpecker"], points=1, reason="x", actor=None)
    with pytest.raises(PermissionDenied):
        station_create(unit=county["community_a"], name="驿站", kind="red_beehive", actor=None)
    with pytest.raises(PermissionDenied):
        clue_auto_close(clue_id=clue.pk, actor=None)
    with pytest.raises(PermissionDenied):  # a job is the system's, not a user's
        clue_flag_overdue(clue_id=clue.pk, actor=wp_world["gridworker"])
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.SUBMITTED


def test_jobs_act_as_system_and_the_audit_row_says_so(wp_world):
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue_handle_in_community(clue=clue, actor=wp_world["gridworker"])
    clue_resolve(clue=clue, resolution="已修复", actor=wp_world["gridworker"])
    later = timezone.now() + timedelta(days=AUTO_CLOSE_DAYS + 1)
    assert clue_auto_close(clue_id=clue.pk, actor=SYSTEM, now=later)
    entry = AuditEntry.objects.get(action="clue.auto_close", object_id=str(clue.pk))
    assert entry.actor_id is None  # the system
    assert clue.events.last().actor is None
