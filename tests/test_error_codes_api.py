"""The API answers each kind of refusal with its status and its specific code (docs/api.md "Errors"), per app."""

import pytest
from rest_framework.test import APIClient

from collective_economy.models import IncomeReport
from tests.collective_economy.helpers import approved

pytestmark = pytest.mark.django_db
ECONOMY = "/api/v1/collective_economy"
UNITS = "/api/v1/organizations/units/"
TARGETS = "/api/v1/goals/targets/"


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

    key = indicators.all_indicators()[0].key
    body = {"indicator": key, "unit_code": "TCITY0001", "year": 2024, "value": "10"}
    township = {**body, "unit_code": "TOWNA0001"}  # township staff read their township's targets, set none
    _refused(api_for(users["staff_a"]).post(TARGETS, township, format="json"), 403, "permission_denied")
    city = api_for(users["city_staff"])
    _refused(city.post(TARGETS, {**body, "value": "-1"}, format="json"), 400, "negative_target", "value")
    _refused(city.post(TARGETS, {**body, "unit_code": "NOPE"}, format="json"), 400, "unknown_unit", "unit_code")
    response = city.post(TARGETS, {**body, "unit_code": "VILA10001", "value": "-1"}, format="json")
    mixed = _refused(response, 400, "invalid")
    assert mixed["codes"] == {"unit": ["target_unit_kind"], "value": ["negative_target"]}


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
