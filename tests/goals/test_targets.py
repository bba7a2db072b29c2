"""Targets: status met / on track / behind, who may set them, the API, and the Excel import (dry run first)."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from accounts.permissions import SYSTEM
from core.models import ImportJob
from goals import indicators as registry
from goals import selectors, services
from goals.models import Target
from organizations.models import DemonstrationTitleKind as T
from tests.core import sheet_helpers as sheets

from .conftest import grant

pytestmark = pytest.mark.django_db


def status(value, target_value, year, today):
    target = Target(value=Decimal(target_value))
    value = None if value is None else Decimal(value)
    return selectors.status_of(registry.get("demonstration_villages"), value, target, year, today)


def test_status_met_when_value_reaches_target():
    assert status(3, 3, 2024, date(2024, 2, 1)) == selectors.MET
    assert status(4, 3, 2023, date(2024, 2, 1)) == selectors.MET


def test_status_behind_when_a_past_year_missed_its_target():
    assert status(2, 3, 2023, date(2024, 1, 2)) == selectors.BEHIND


def test_status_on_track_uses_elapsed_share_of_the_year():
    mid_year = date(2024, 7, 1)  # day 183 of 366: half the year
    assert status(2, 4, 2024, mid_year) == selectors.ON_TRACK
    assert status(1, 4, 2024, mid_year) == selectors.BEHIND
    assert status(0, 4, 2025, mid_year) == selectors.ON_TRACK  # a year that has not started


def test_status_without_target_or_source(pending_indicator):
    assert selectors.status_of(pending_indicator, None, None, 2024) == selectors.NO_DATA
    assert selectors.status_of(registry.get("demonstration_villages"), Decimal(1), None, 2024) == selectors.NO_TARGET


def test_dashboard_shows_targets_met_and_missed(county, users, pending_indicator):
    grant(county["village_a1"], 2024, T.VILLAGE)
    grant(county["village_b1"], 2024, T.VILLAGE)
    services.rollup_year(year=2024)
    city = county["city"]
    services.target_set(indicator="demonstration_villages", unit=city, year=2024, value=2, actor=users["city_staff"])
    services.target_set(indicator="demonstration_communities", unit=city, year=2024, value=5, actor=SYSTEM)
    rows = {
        row.indicator.key: row
        for row in selectors.dashboard_rows(user=users["city_staff"], unit=city, year=2024, today=date(2025, 1, 5))
    }
    assert rows["demonstration_villages"].status == selectors.MET
    assert rows["demonstration_communities"].status == selectors.BEHIND
    assert rows["demonstration_townships"].status == selectors.NO_TARGET
    assert rows["test_pending"].status == selectors.NO_DATA


def test_only_organization_department_sets_targets(county, users):
    with pytest.raises(PermissionDenied):
        services.target_set(
            indicator="demonstration_villages", unit=county["township_a"], year=2024, value=1, actor=users["staff_a"]
        )
    target = services.target_set(
        indicator="demonstration_villages", unit=county["township_a"], year=2024, value=1, actor=users["city_staff"]
    )
    again = services.target_set(
        indicator="demonstration_villages", unit=county["township_a"], year=2024, value=2, actor=users["city_staff"]
    )
    assert again.pk == target.pk and Target.objects.get(pk=target.pk).value == 2


def test_target_rules_give_chinese_field_errors(county, users):
    with pytest.raises(ValidationError) as exc:
        services.target_set(indicator="nope", unit=county["village_a1"], year=1990, value=-1, actor=SYSTEM)
    errors = exc.value.message_dict
    assert set(errors) == {"indicator", "unit", "year", "value"}
    assert "未知" in errors["indicator"][0]
    with pytest.raises(ValidationError) as exc:
        services.target_set(
            indicator="demonstration_village_share", unit=county["city"], year=2024, value=120, actor=SYSTEM
        )
    assert "value" in exc.value.message_dict


def test_jingzhou_table_fits_a_county_to_its_own_base(county):
    # A county-level unit takes the plan's pace fitted to its own villages, communities, townships and streets
    # (tests/organizations/test_levels.py: the whole table at a prefecture): the test county's three villages give one
    # demonstration village in 2024 (24%), its one street one demonstration street (half, rounded half up), and a year
    # whose share rounds to nothing no target; percentages unchanged; no demonstration-county target.
    assert services.targets_load_defaults(unit=county["city"], actor=SYSTEM) == 10
    city = Target.objects.filter(unit=county["city"])
    assert dict(city.filter(indicator="demonstration_villages").values_list("year", "value")) == {2024: 1}
    assert dict(city.filter(indicator="demonstration_streets").values_list("year", "value")) == {
        2022: 1,
        2023: 1,
        2024: 1,
    }
    assert Target.objects.get(indicator="villages_income_over_200k", unit=county["city"], year=2023).value == 60
    assert not Target.objects.filter(indicator="demonstration_counties").exists()


def test_api_sets_targets_for_organization_department_only(county, users, api_for):
    body = {"indicator": "demonstration_villages", "unit_code": county["township_a"].code, "year": 2024, "value": "3"}
    assert api_for(users["staff_a"]).post("/api/v1/goals/targets/", body, format="json").status_code == 403
    response = api_for(users["city_staff"]).post("/api/v1/goals/targets/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["indicator_name"] == "示范村"
    bad = api_for(users["city_staff"]).post("/api/v1/goals/targets/", {**body, "value": "-1"}, format="json")
    assert bad.status_code == 400 and "value" in bad.json()["errors"]
    pk = response.json()["id"]
    patched = api_for(users["city_staff"]).patch(f"/api/v1/goals/targets/{pk}/", {"value": "4"}, format="json")
    assert patched.status_code == 200 and Decimal(patched.json()["value"]) == 4


def _sheet(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "unit_code", "year", "value", "note"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "targets.xlsx"
    return out


def _import(client, sheet):
    _response, job = sheets.upload(client, "targets", "targets.xlsx", sheet.read())
    return job


def test_excel_import_reports_bad_rows_and_writes_nothing(county, users, client_for):
    client = client_for(users["city_staff"])
    sheet = _sheet(
        [
            ["demonstration_villages", county["township_a"].code, 2024, 3, ""],
            ["no_such_indicator", county["township_a"].code, 2024, 3, ""],
            ["示范社区", "NOSUCHUNIT", 2024, 2, ""],
        ]
    )
    job = _import(client, sheet)
    body = sheets.page(client, job)
    assert "第 3 行" in body and "第 4 行" in body and "第 2 行" not in body
    assert Target.objects.count() == 0
    sheets.confirm(client, job)  # all or nothing
    assert job.status == ImportJob.Status.FAILED and Target.objects.count() == 0


def test_excel_import_dry_run_then_confirm(county, users, client_for):
    client = client_for(users["city_staff"])
    sheet = _sheet(
        [
            ["demonstration_villages", county["township_a"].code, 2024, 3, "市定"],
            ["示范社区", county["city"].code, 2024, 2, ""],
        ]
    )
    job = _import(client, sheet)
    assert job.counts["valid"] == 2 and Target.objects.count() == 0
    assert sheets.confirm(client, job).status_code == 302
    assert Target.objects.get(indicator="demonstration_communities", unit=county["city"]).value == 2
    assert Target.objects.get(indicator="demonstration_villages", unit=county["township_a"]).note == "市定"
    # The same sheet with a changed value updates only when asked to.
    again = _import(client, _sheet([["demonstration_villages", county["township_a"].code, 2024, 5, "市定"]]))
    assert again.counts["invalid"] == 1
    sheets.confirm(client, again, update_existing=True)
    assert again.counts["updated"] == 1
    assert Target.objects.get(indicator="demonstration_villages", unit=county["township_a"]).value == 5


def test_township_staff_cannot_import_targets(users, client_for):
    assert client_for(users["staff_a"]).get("/imports/targets/").status_code == 403


def test_portal_target_form_and_jingzhou_defaults(county, users, client_for):
    city = county["city"]
    client = client_for(users["city_staff"])
    response = client.post(
        f"/goals/units/{city.pk}/targets/?year=2024",
        {"indicator": "demonstration_villages", "year": 2024, "value": "12", "note": ""},
    )
    assert response.status_code == 302
    assert Target.objects.get(indicator="demonstration_villages", unit=city, year=2024).value == 12
    assert client.post(f"/goals/units/{city.pk}/targets/defaults/").status_code == 302
    assert Target.objects.filter(unit=city).count() == 10  # the plan fitted to its base (test_jingzhou_table_fits…)
    # A township has no default table: a message, nothing written.
    township_a = county["township_a"]
    page = client.post(f"/goals/units/{township_a.pk}/targets/defaults/", follow=True)
    assert page.status_code == 200 and "这一层级没有适用的默认目标" in page.content.decode()
    assert not Target.objects.filter(unit=township_a).exists()
    township_client = client_for(users["staff_a"])
    township = county["township_a"]
    assert township_client.get(f"/goals/units/{township.pk}/targets/").status_code == 200
    form = {"indicator": "demonstration_villages", "year": 2024, "value": "1"}
    assert township_client.post(f"/goals/units/{township.pk}/targets/", form).status_code == 403
    assert not Target.objects.filter(unit=township).exists()
