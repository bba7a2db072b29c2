"""The API (submission, review, errors, shares) and the portal pages for each role."""

from decimal import Decimal

import pytest

from collective_economy import services
from collective_economy.models import IncomeReport, ReportStatus

from .helpers import approved, figures

pytestmark = pytest.mark.django_db
API = "/api/v1/collective_economy"


def body(**extra):
    data = {
        "village_code": "VILA10001",
        "year": 2024,
        "total_income": "210000.50",
        "operating_income": "150000",
        "development_model": "industry",
        "assets": "0",
        "debt": "0",
    }
    data.update(extra)
    return data


def test_secretary_submits_and_township_approves_over_the_api(county, users, api_for):
    response = api_for(users["secretary_a1"]).post(f"{API}/income-reports/", body(), format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["total_income"] == "210000.50"
    assert api_for(users["secretary_a1"]).post(f"{API}/income-reports/{pk}/approve/").status_code == 403
    assert api_for(users["staff_b"]).post(f"{API}/income-reports/{pk}/approve/").status_code == 404
    response = api_for(users["staff_a"]).post(f"{API}/income-reports/{pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    locked = api_for(users["secretary_a1"]).patch(f"{API}/income-reports/{pk}/", {"debt": "1"}, format="json")
    # A state conflict (409 since error codes became a contract; it was 400 before).
    assert locked.status_code == 409 and "status" in locked.json()["errors"]
    assert locked.json()["code"] == "report_locked" and locked.json()["codes"] == {"status": ["report_locked"]}
    response = api_for(users["staff_a"]).post(
        f"{API}/income-reports/{pk}/correct/", {"correction_reason": "补录", "total_income": "220000"}, format="json"
    )
    assert response.status_code == 201 and response.json()["version"] == 2


def test_invalid_submission_answers_400_with_chinese_field_errors(county, users, api_for):
    response = api_for(users["secretary_a1"]).post(
        f"{API}/income-reports/", body(total_income="-1", operating_income="-1"), format="json"
    )
    assert response.status_code == 400
    assert "total_income" in response.json()["errors"]
    response = api_for(users["secretary_a1"]).post(
        f"{API}/income-reports/", body(total_income="100", operating_income="200"), format="json"
    )
    assert response.status_code == 400
    assert "经营性收入" in response.json()["errors"]["operating_income"][0]
    assert not IncomeReport.objects.exists()


def test_send_back_needs_reason_over_the_api(county, users, api_for):
    report = services.income_report_submit(
        village=county["village_a1"], year=2024, actor=users["secretary_a1"], **figures("1000")
    )
    api = api_for(users["staff_a"])
    assert api.post(f"{API}/income-reports/{report.pk}/send-back/", {}, format="json").status_code == 400
    response = api.post(f"{API}/income-reports/{report.pk}/send-back/", {"reason": "请补充凭证"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"


def test_shares_endpoint_lists_missing_villages(county, users, api_for):
    approved(county["village_a1"], 2024, "100000")
    response = api_for(users["staff_a"]).get(f"{API}/shares/", {"scope_code": county["township_a"].code, "year": 2024})
    data = response.json()
    assert data["villages"] == 2 and data["reported"] == 1 and data["missing"] == ["VILA20001"]
    over_100k = data["shares"][0]
    assert (over_100k["share_of_reported"], over_100k["share_of_all"]) == ("100.00", "50.00")
    outside = api_for(users["staff_a"]).get(f"{API}/shares/", {"scope_code": county["township_b"].code, "year": 2024})
    assert outside.status_code == 400


def test_township_page_shows_missing_and_debt(county, users, client_for):
    approved(county["village_a1"], 2023, "90000", debt="10")
    approved(county["village_a1"], 2024, "120000", debt="20")
    body = client_for(users["staff_a"]).get(f"/economy/township/{county['township_a'].pk}/?year=2024").content.decode()
    assert "甲二村" in body and "MISSING" not in body  # translated
    assert 'id="missing"' in body and 'id="debt"' in body
    assert "50.00%" in body  # 1 of 2 villages over 100,000


def test_secretary_phone_flow_submit_and_township_review(county, users, client_for, client):
    approved(county["village_a1"], 2023, "90000")
    secretary = client_for(users["secretary_a1"])
    form = secretary.get(f"/economy/village/{county['village_a1'].pk}/submit/")
    assert form.status_code == 200 and form.context["form"].initial["year"] == 2024  # prefilled from 2023
    response = secretary.post(
        f"/economy/village/{county['village_a1'].pk}/submit/",
        {
            "year": 2024,
            "total_income": "130000",
            "operating_income": "100000",
            "development_model": "resource",
            "assets": "0",
            "debt": "0",
        },
    )
    assert response.status_code == 302
    report = IncomeReport.objects.get(year=2024)
    staff = client_for(users["staff_a"])
    assert "甲一村" in staff.get("/economy/review/").content.decode()
    staff.post(f"/economy/reports/{report.pk}/approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_secretary_cannot_approve_or_see_other_villages(county, users, client_for):
    other = approved(county["village_a2"], 2024, "1000")
    secretary = client_for(users["secretary_a1"])
    assert secretary.get(f"/economy/reports/{other.pk}/").status_code == 404
    own = services.income_report_submit(
        village=county["village_a1"], year=2024, actor=users["secretary_a1"], **figures("1000")
    )
    assert secretary.post(f"/economy/reports/{own.pk}/approve/").status_code == 403


def test_village_history_chart_is_inline_svg(county, users, client_for):
    for year, total in ((2022, "80000"), (2023, "150000"), (2024, "260000")):
        approved(county["village_a1"], year, total)
    body = client_for(users["staff_a"]).get(f"/economy/village/{county['village_a1'].pk}/").content.decode()
    assert (
        body.count("<rect ") == 3
        and "<svg" in body
        and "http" not in body.split("<svg")[1].split("</svg>")[0].replace("http://www.w3.org", "")
    )


def test_city_view_and_reward_page(county, users, client_for):
    approved(county["village_a1"], 2023, "150000")
    approved(county["village_a1"], 2024, "260000")
    services.reward_scheme_create(
        unit=county["city"],
        name="办法",
        effective_year=2024,
        actor=users["city_staff"],
        rules=[dict(kind="crossing", threshold=Decimal("200000"), amount=Decimal("5000"))],
    )
    client = client_for(users["city_staff"])
    assert client.get(f"/economy/city/{county['city'].pk}/?year=2024").status_code == 200
    assert client.post("/economy/rewards/", {"year": 2024}).status_code == 302
    body = client.get("/economy/rewards/?year=2024").content.decode()
    assert "5,000.00" in body and "甲一村" in body


def test_targets_page_sets_a_township_target_and_the_jingzhou_defaults(county, users, client_for):
    from collective_economy.models import ThresholdTarget

    staff = client_for(users["staff_a"])
    response = staff.post(
        "/economy/targets/",
        {"unit": county["township_a"].pk, "year": 2024, "threshold": "200000", "target_share": "65"},
    )
    assert response.status_code == 302
    assert ThresholdTarget.objects.get(unit=county["township_a"]).target_share == Decimal("65.00")
    response = staff.post("/economy/targets/", {"unit": county["township_b"].pk, "jingzhou_defaults": "on"})
    assert response.status_code == 200 and not ThresholdTarget.objects.filter(unit=county["township_b"]).exists()
    client_for(users["city_staff"]).post("/economy/targets/", {"unit": county["city"].pk, "jingzhou_defaults": "on"})
    shares = dict(ThresholdTarget.objects.filter(unit=county["city"]).values_list("year", "target_share"))
    assert shares == {2022: Decimal("50.00"), 2023: Decimal("60.00"), 2024: Decimal("70.00")}
    assert client_for(users["secretary_a1"]).post("/economy/targets/", {}).status_code == 403


def test_township_sees_the_city_targets_that_apply_to_it(county, users, client_for):
    services.threshold_defaults_apply(unit=county["city"], actor=users["city_staff"])
    services.threshold_target_set(
        unit=county["township_b"],
        year=2024,
        threshold=Decimal("100000"),
        target_share=Decimal("33"),
        actor=users["staff_b"],
    )
    targets = client_for(users["staff_a"]).get("/economy/targets/").context["targets"]
    assert {(t.unit.code, t.year) for t in targets} == {("TCITY0001", y) for y in (2022, 2023, 2024)}


def test_reviewer_sees_what_a_correction_changed(county, users, client_for):
    old = approved(county["village_a1"], 2024, "100000.00")
    new = services.income_report_correct(
        report=old, actor=users["secretary_a1"], reason="补录", total_income=Decimal("130000.00")
    )
    response = client_for(users["staff_a"]).get(f"/economy/reports/{new.pk}/")
    assert response.context["changes"][0][1:] == (Decimal("100000.00"), Decimal("130000.00"))
    assert "130,000.00" in response.content.decode()
