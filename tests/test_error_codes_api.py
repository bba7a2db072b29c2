"""The API answers each kind of refusal with its status and its specific code (docs/api.md "Errors"), per app."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.permissions import SYSTEM
from collective_economy.models import IncomeReport
from grid_woodpecker.services.clues import clue_accept, clue_submit
from grid_woodpecker.services.points import points_adjust
from tests.cadres import helpers as cadres_h
from tests.collective_economy.helpers import approved
from tests.grid_woodpecker import helpers as woodpecker_h

pytestmark = pytest.mark.django_db
ECONOMY = "/api/v1/collective_economy"
UNITS = "/api/v1/organizations/units/"
TARGETS = "/api/v1/goals/targets/"
CADRES = "/api/v1/cadres"
WOODPECKER = "/api/v1/grid_woodpecker"


def _report(**extra):
    return {
        "village_code": "VILA10001",
        "year": 2024,
        "total_income": "210000.50",
        "operating_income": "150000",
        "development_model": "industry",
        "assets": "0",
        "debt": "0",
        **extra,
    }


def _refused(response, status, code, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    if field:
        assert body["codes"][field] == [code] and body["errors"][field][0]
    return body


# --- collective economy -----------------------------------------------------------------------------------------


def test_income_report_refusals(county, users, api_for):
    secretary, staff = api_for(users["secretary_a1"]), api_for(users["staff_a"])
    pk = secretary.post(f"{ECONOMY}/income-reports/", _report(), format="json").json()["id"]
    # A second submission of the same year while the first waits: a state conflict.
    _refused(secretary.post(f"{ECONOMY}/income-reports/", _report(), format="json"), 409, "report_pending", "year")
    # Not allowed for the secretary; outside township B's jurisdiction.
    _refused(secretary.post(f"{ECONOMY}/income-reports/{pk}/approve/"), 403, "permission_denied")
    _refused(api_for(users["staff_b"]).post(f"{ECONOMY}/income-reports/{pk}/approve/"), 404, "not_found")
    assert staff.post(f"{ECONOMY}/income-reports/{pk}/approve/").status_code == 200
    # Approving an approved report, changing it: 409 with the state's code and the Chinese message.
    again = _refused(staff.post(f"{ECONOMY}/income-reports/{pk}/approve/"), 409, "report_not_submitted", "status")
    assert "审核" in again["detail"]
    _refused(secretary.patch(f"{ECONOMY}/income-reports/{pk}/", {"debt": "1"}, format="json"), 409, "report_locked")
    assert IncomeReport.objects.get(pk=pk).debt == 0


def test_income_report_invalid_figures_and_year(county, users, api_for):
    secretary = api_for(users["secretary_a1"])
    response = secretary.post(f"{ECONOMY}/income-reports/", _report(operating_income="300000"), format="json")
    _refused(response, 400, "operating_exceeds_total", "operating_income")
    staff = api_for(users["staff_a"])
    _refused(staff.get(f"{ECONOMY}/shares/", {"scope_code": "TOWNA0001", "year": "abc"}), 400, "invalid_year", "year")
    response = staff.get(f"{ECONOMY}/shares/", {"scope_code": "NOPE", "year": "2024"})
    _refused(response, 400, "unknown_unit", "scope_code")


def test_correcting_a_superseded_report_is_a_conflict(county, users, api_for):
    old = approved(county["village_a1"], 2023, 150000)
    staff = api_for(users["staff_a"])
    body = {"correction_reason": "补录", "total_income": "160000"}
    assert staff.post(f"{ECONOMY}/income-reports/{old.pk}/correct/", body, format="json").status_code == 201
    response = staff.post(f"{ECONOMY}/income-reports/{old.pk}/correct/", body, format="json")
    _refused(response, 409, "report_not_current", "status")


# --- cadres -----------------------------------------------------------------------------------------------------


def test_development_step_refusals(county, users, api_for):
    secretary, staff = api_for(users["secretary_a1"]), api_for(users["staff_a"])
    today = str(timezone.localdate())
    # Too early a date for the rules: the input is wrong (400), with the rule's own code on the field.
    early = cadres_h.activist(county["village_a1"], activist_days_ago=100)
    response = secretary.post(f"{CADRES}/development/{early.pk}/propose/", {"effective_on": today}, format="json")
    _refused(response, 400, "waiting_time", "effective_on")
    record = cadres_h.activist(county["village_a1"], activist_days_ago=400)
    url = f"{CADRES}/development/{record.pk}"
    assert secretary.post(f"{url}/propose/", {"effective_on": today}, format="json").status_code == 200
    # A second proposal while one waits, approving when nothing waits: the record's state refuses (409).
    _refused(secretary.post(f"{url}/propose/", {"effective_on": today}, format="json"), 409, "step_pending", "kind")
    assert staff.post(f"{url}/approve/").status_code == 200
    again = _refused(staff.post(f"{url}/approve/"), 409, "no_pending_step", "status")
    assert again["detail"] == "该记录没有待审批的步骤。"


def test_transfer_refusals(county, users, api_for):
    member = cadres_h.member(county["village_a1"], "转接党员")
    secretary = api_for(users["secretary_a1"])
    body = {"member": member.pk, "to_unit_code": county["village_b1"].code, "out_on": "2024-05-01"}
    same = {**body, "to_unit_code": county["village_a1"].code}
    _refused(secretary.post(f"{CADRES}/transfers/", same, format="json"), 400, "same_unit", "to_unit")
    response = secretary.post(f"{CADRES}/transfers/", body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    _refused(secretary.post(f"{CADRES}/transfers/", body, format="json"), 409, "transfer_in_progress", "member")
    receiver = api_for(users["staff_b"])
    _refused(receiver.post(f"{CADRES}/transfers/{pk}/receive/", {"on": "2024-05-04"}), 409, "transfer_not_arrived")
    assert receiver.post(f"{CADRES}/transfers/{pk}/arrive/", {"on": "2024-05-03"}).status_code == 200
    _refused(secretary.post(f"{CADRES}/transfers/{pk}/cancel/"), 409, "transfer_arrived", "status")


def test_person_id_number_refusals(county, users, api_for):
    staff = api_for(users["staff_a"])
    number = cadres_h.make_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    body = {"name": "王五", "unit_code": county["village_a1"].code}
    response = staff.post(f"{CADRES}/people/", {**body, "id_number": wrong}, format="json")
    _refused(response, 400, "id_number_check_digit", "id_number")
    assert staff.post(f"{CADRES}/people/", {**body, "id_number": number}, format="json").status_code == 201
    response = staff.post(f"{CADRES}/people/", {**body, "id_number": number}, format="json")
    _refused(response, 400, "id_number_taken", "id_number")


# --- grid woodpecker --------------------------------------------------------------------------------------------


def test_clue_transition_refused_from_its_status(county, api_for):
    staff = woodpecker_h.staff(county)
    woodpecker = woodpecker_h.woodpecker(county["grid_ac"])
    clue = clue_submit(
        actor=woodpecker.user,
        category=woodpecker_h.category(county["city"]),
        description="路灯不亮了请修",
        check_limits=False,
    )
    clue_accept(clue=clue, actor=staff["gridworker"])
    response = api_for(staff["gridworker"]).post(f"{WOODPECKER}/clues/{clue.pk}/accept/", {}, format="json")
    body = _refused(response, 409, "clue_transition_not_allowed")
    assert body["detail"].startswith("处于“") and "不能变为" in body["detail"]


def test_redemption_refusals(county, api_for):
    staff = woodpecker_h.staff(county)
    woodpecker = woodpecker_h.woodpecker(county["grid_ac"])
    points_adjust(woodpecker=woodpecker, points=12, reason="奖励", actor=SYSTEM)
    _station, goods = woodpecker_h.station_with_goods(county["community_a"], price="5.00", stock=3)
    client = api_for(woodpecker.user)
    # Points and stock are states: the same request could succeed with more points or stock (409).
    response = client.post(f"{WOODPECKER}/redemptions/", {"goods": goods.pk, "quantity": 5}, format="json")
    _refused(response, 409, "out_of_stock")
    response = client.post(f"{WOODPECKER}/redemptions/", {"goods": goods.pk, "quantity": 3}, format="json")
    _refused(response, 409, "insufficient_points")
    response = client.post(f"{WOODPECKER}/redemptions/", {"goods": goods.pk, "quantity": 0}, format="json")
    _refused(response, 400, "min_value", "quantity")
    response = client.post(f"{WOODPECKER}/redemptions/", {"goods": goods.pk}, format="json")
    assert response.status_code == 201, response.content
    counter = api_for(staff["community"])
    pk = response.json()["id"]
    assert counter.post(f"{WOODPECKER}/redemptions/{pk}/confirm/").status_code == 200
    _refused(counter.post(f"{WOODPECKER}/redemptions/{pk}/cancel/"), 409, "redemption_settled")


# --- organizations ----------------------------------------------------------------------------------------------


def test_unit_refusals(county, users, api_for):
    staff = api_for(users["staff_a"])
    village = county["village_a1"]
    # Moving a unit under its own descendant is invalid input (400), whatever the state.
    response = staff.post(f"{UNITS}{village.pk}/move/", {"parent_code": county["grid_a1"].code}, format="json")
    _refused(response, 400, "move_into_descendant", "parent")
    # Deleting a unit that still has children: refused by the present state (409).
    _refused(staff.delete(f"{UNITS}{village.pk}/"), 409, "unit_has_children", "unit")
    body = {"name": "新村", "code": "NEWV00001", "kind": "village", "parent_code": "NOPE"}
    _refused(staff.post(UNITS, body, format="json"), 400, "unknown_unit", "parent_code")
    _refused(staff.patch(f"{UNITS}{county['village_b1'].pk}/", {"name": "x"}, format="json"), 404, "not_found")
    required = staff.post(UNITS, {"code": "NEWV00001", "kind": "village", "parent_code": "TOWNA0001"}, format="json")
    _refused(required, 400, "required", "name")


# --- goals ------------------------------------------------------------------------------------------------------


def test_target_refusals(county, users, api_for):
    from goals import indicators

    # An indicator whose target fits a township and a county alike (demonstration villages).
    key = next(i.key for i in indicators.all_indicators() if i.targets_at("township") and i.targets_at("city"))
    body = {"indicator": key, "unit_code": "TCITY0001", "year": 2024, "value": "10"}
    township = {**body, "unit_code": "TOWNA0001"}  # township staff read their township's targets, set none
    _refused(api_for(users["staff_a"]).post(TARGETS, township, format="json"), 403, "permission_denied")
    city = api_for(users["city_staff"])
    _refused(city.post(TARGETS, {**body, "value": "-1"}, format="json"), 400, "negative_target", "value")
    _refused(city.post(TARGETS, {**body, "unit_code": "NOPE"}, format="json"), 400, "unknown_unit", "unit_code")
    response = city.post(TARGETS, {**body, "unit_code": "VILA10001", "value": "-1"}, format="json")
    mixed = _refused(response, 400, "invalid")
    assert mixed["codes"] == {"unit": ["target_unit_kind"], "value": ["negative_target"]}
    # Demonstration counties count county-level units: their target is a prefecture's, not a county's.
    above = city.post(TARGETS, {**body, "indicator": "demonstration_counties"}, format="json")
    _refused(above, 400, "target_level", "unit")


# --- accounts and the request itself ----------------------------------------------------------------------------


def test_sign_in_and_body_refusals(county, users, api_for):
    _refused(APIClient().get("/api/v1/accounts/me/"), 401, "not_authenticated")
    staff = api_for(users["staff_a"])
    response = staff.post(UNITS, "{not json", content_type="application/json")
    _refused(response, 400, "parse_error")


def test_the_portal_shows_a_conflicts_chinese_message(county, users, client_for):
    report = approved(county["village_a1"], 2024, 150000)
    page = client_for(users["staff_a"]).post(f"/economy/reports/{report.pk}/approve/", follow=True)
    assert page.status_code == 200 and "只有已上报待审核的报表可以审核通过。" in page.content.decode()
