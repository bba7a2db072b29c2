"""Bad input never answers 500: every input class of issue 9 gives a 4xx (400 with a Chinese field message; 404 for
an id that is not a number)."""

import inspect
import json
import re
from importlib import import_module

import pytest
from django import forms
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from accounts.permissions import SYSTEM
from accounts.roles import Role
from grid_woodpecker import services as wp_services
from grid_woodpecker.models import Clue, PointsEntry
from tests import factories
from tests.grid_woodpecker import helpers

API = "/api/v1"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def staff_api(api_for, users):
    return api_for(users["staff_a"])


def _chinese(messages) -> bool:
    return any(CHINESE.search(m) for m in messages)


# --- ids ------------------------------------------------------------------------------------------------------


def _detail_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        if "{" not in path:
            continue
        for method in ("get", "put", "patch", "delete", "post"):
            if method in item:
                yield method, re.sub(r"\{(id|pk)\}", "abc", path)


def test_non_numeric_id_is_404_on_every_api_detail_route_and_action(staff_api):
    operations = [(m, p) for m, p in _detail_operations() if "abc" in p]
    assert len(operations) > 80  # every detail route and detail action of the schema
    for method, path in operations:
        response = getattr(staff_api, method)(path, {}, format="json")
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    ["/cadres/people/abc/", "/org/units/abc/", "/woodpecker/clues/abc/", "/economy/reports/abc/", "/goals/units/x/"],
)
def test_non_numeric_id_is_404_on_pages(client_for, users, path):
    assert client_for(users["staff_a"]).get(path).status_code == 404


# --- NUL bytes ------------------------------------------------------------------------------------------------


def test_nul_byte_in_query_form_or_path_is_400(client_for, staff_api, users):
    assert staff_api.get(f"{API}/cadres/people/", {"q": "张\x00"}).status_code == 400
    assert staff_api.get(f"{API}/grid_woodpecker/public-clues/?grid=%00").status_code == 400
    page = client_for(users["staff_a"])
    assert page.get("/cadres/people/", {"q": "a\x00b"}).status_code == 400
    assert page.post("/org/units/1/edit/", {"name": "x\x00"}).status_code == 400
    assert page.get("/open311/v2/services/%00.json").status_code == 400
    response = staff_api.post(
        f"{API}/grid_woodpecker/categories/", '{"code": "a\\u0000", "name": "x"}', content_type="application/json"
    )
    assert response.status_code == 400


# --- years, integers, dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["abc", "1850", "99999", "2e3", "9" * 5000])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cadres/assessments/ranking/",
        "/api/v1/cadres/trainings/coverage/",
        "/api/v1/collective_economy/income-reports/",
        "/api/v1/collective_economy/shares/",
    ],
)
def test_bad_year_on_api_is_400_with_chinese_field_message(staff_api, county, path, year):
    response = staff_api.get(path, {"year": year, "scope_code": county["township_a"].code})
    assert response.status_code == 400, response.content
    assert _chinese(response.json()["errors"]["year"])


def test_bad_year_on_dashboard_api_and_pages_is_400(staff_api, client_for, users, county):
    unit = county["township_a"].pk
    assert staff_api.get(f"{API}/goals/dashboard/{unit}/", {"year": "abc"}).status_code == 400
    page = client_for(users["staff_a"])
    paths = [
        f"/goals/units/{unit}/",
        "/cadres/",
        "/woodpecker/oversight/",
        f"/economy/township/{unit}/",
        "/goals/targets/",
    ]
    for path in paths:
        response = page.get(path, {"year": "abc"})
        assert response.status_code == 400, path
        assert CHINESE.search(response.content.decode())
        assert page.get(path, {"year": "30000"}).status_code == 400
    assert page.get("/cadres/members/birthdays/", {"month": "13"}).status_code == 400
    assert page.get("/woodpecker/leaderboard/", {"unit": "abc"}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"end_date": "0001-01-01"},
        {"start_date": "0001-01-01T00:00:00Z"},
        {"start_date": "yesterday"},
        {"end_date": "x"},
    ],
)
def test_open311_bad_dates_are_400(client, county, users, params):
    _key, raw = wp_services.open311_key_create(name="热线", user=users["external"], unit=county["city"], actor=SYSTEM)
    response = client.get("/open311/v2/requests.json", {**params, "api_key": raw})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_open311_bad_ids_are_ignored(client, county, users):
    _key, raw = wp_services.open311_key_create(name="热线", user=users["external"], unit=county["city"], actor=SYSTEM)
    params = {"service_request_id": "²,99999999999999999999999", "api_key": raw}
    assert client.get("/open311/v2/requests.json", params).json() == []


def test_points_of_2_to_the_31_are_a_400_field_error(staff_api, county):
    woodpecker = helpers.woodpecker(county["grid_ac"])
    for points in (2**31, -(2**31), 10**30):
        response = staff_api.post(
            f"{API}/grid_woodpecker/accounts/adjust/",
            {"woodpecker": woodpecker.pk, "points": points, "reason": "更正"},
            format="json",
        )
        assert response.status_code == 400 and "points" in response.json()["errors"]
    assert not PointsEntry.objects.exists()


def test_big_integers_in_model_fields_are_400(staff_api, county):
    response = staff_api.post(
        f"{API}/organizations/units/",
        {
            "name": "新村",
            "code": "NEWV00001",
            "kind": "village",
            "parent": county["township_a"].pk,
            "sort_order": 2**31,
        },
        format="json",
    )
    assert response.status_code == 400 and "sort_order" in response.json()["errors"]


# --- coordinates and text lengths -----------------------------------------------------------------------------


@pytest.fixture
def woodpecker_api(api_for, county):
    category = helpers.category(county["city"])
    woodpecker = helpers.woodpecker(county["grid_ac"])
    return api_for(woodpecker.user), category


@pytest.mark.parametrize("lat,lng", [("90.5", "114"), ("-91", "114"), ("30", "180.1"), ("30", "-181")])
def test_coordinates_out_of_range_are_400(woodpecker_api, lat, lng):
    api, category = woodpecker_api
    body = {"category": category.pk, "description": "路灯不亮了请修", "latitude": lat, "longitude": lng}
    response = api.post(f"{API}/grid_woodpecker/clues/", body, format="json")
    assert response.status_code == 400
    assert {"latitude", "longitude"} & set(response.json()["errors"])
    assert not Clue.objects.exists()


def test_action_note_and_open311_description_have_length_limits(woodpecker_api, api_for, county, users):
    api, category = woodpecker_api
    clue = api.post(f"{API}/grid_woodpecker/clues/", {"category": category.pk, "description": "路灯不亮了请修"})
    gridworker = factories.user_with_role("gw_len", Role.GRID_WORKER, county["grid_ac"])
    response = api_for(gridworker).post(
        f"{API}/grid_woodpecker/clues/{clue.json()['id']}/accept/", {"note": "长" * 501}, format="json"
    )
    assert response.status_code == 400 and "note" in response.json()["errors"]
    _key, raw = wp_services.open311_key_create(name="热线", user=users["external"], unit=county["city"], actor=SYSTEM)
    body = {"api_key": raw, "service_code": category.code, "address_id": county["grid_ac"].code}
    response = api.post("/open311/v2/requests.json", {**body, "description": "长" * 2001})
    assert response.status_code == 400
    assert Clue.objects.count() == 1


# Output-only serializers (their fields are never read from a request).
OUTPUT_ONLY = {"PublicClueSerializer", "IndicatorSerializer"}


def test_every_writable_text_field_has_a_max_length():
    missing = []
    for app in ["accounts", "organizations", "cadres", "grid_woodpecker", "collective_economy", "goals"]:
        for module_name in [f"{app}.api.serializers", f"{app}.forms"]:
            try:
                module = import_module(module_name)
            except ImportError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module_name or name in OUTPUT_ONLY:
                    continue
                if issubclass(cls, serializers.Serializer):
                    fields = cls().fields.items()
                    texts = [(n, f) for n, f in fields if isinstance(f, serializers.CharField) and not f.read_only]
                elif issubclass(cls, forms.BaseForm):
                    texts = [(n, f) for n, f in cls.base_fields.items() if isinstance(f, forms.CharField)]
                    if issubclass(cls, forms.BaseModelForm):
                        texts = [(n, f) for n, f in cls().fields.items() if isinstance(f, forms.CharField)]
                else:
                    continue
                missing += [f"{module_name}.{name}.{n}" for n, f in texts if getattr(f, "max_length", None) is None]
    assert not missing


def test_every_date_field_is_bounded_to_1900_2100():
    from core import fields as bounded

    unbounded = []
    for app in ["accounts", "organizations", "cadres", "grid_woodpecker", "collective_economy", "goals"]:
        for module_name in [f"{app}.api.serializers", f"{app}.forms"]:
            try:
                module = import_module(module_name)
            except ImportError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module_name:
                    continue
                if issubclass(cls, serializers.Serializer):
                    for field_name, field in cls().fields.items():
                        dated = isinstance(field, serializers.DateField | serializers.DateTimeField)
                        if (
                            dated
                            and not field.read_only
                            and not isinstance(field, bounded.DateField | bounded.DateTimeField)
                        ):
                            unbounded.append(f"{module_name}.{name}.{field_name}")
                elif issubclass(cls, forms.BaseForm):
                    for field_name, field in cls.base_fields.items():
                        dated = isinstance(field, forms.DateField | forms.DateTimeField)
                        if dated and not isinstance(field, bounded.FormDateField | bounded.FormDateTimeField):
                            unbounded.append(f"{module_name}.{name}.{field_name}")
    assert not unbounded


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_1900_2100_are_400(staff_api, county, client_for, users, day):
    body = {
        "name": "王建国",
        "id_number": "42108119700101123X",
        "unit_code": county["village_a1"].code,
        "status": "full",
        "joined_on": day,
    }
    response = staff_api.post(f"{API}/cadres/members/", body, format="json")
    assert response.status_code == 400 and _chinese(response.json()["errors"]["joined_on"])
    task = {"grid": county["grid_ac"].pk, "title": "巡查", "description": "", "starts_on": day, "ends_on": day}
    response = staff_api.post(f"{API}/grid_woodpecker/tasks/", task, format="json")
    assert response.status_code == 400 and "starts_on" in response.json()["errors"]
    page = client_for(users["staff_a"]).post("/cadres/members/new/", {**body, "unit": county["village_a1"].pk})
    assert page.status_code == 200 and "1900" in page.content.decode()  # the form again, with the message


# --- JSON bodies ----------------------------------------------------------------------------------------------


def test_deeply_nested_json_is_400(staff_api):
    body = "[" * 5000 + "]" * 5000
    response = staff_api.post(f"{API}/grid_woodpecker/categories/", body, content_type="application/json")
    assert response.status_code == 400
    assert CHINESE.search(response.json()["detail"])
    nested = json.dumps({"name": "x", "code": "y", "extra": [[[[["ok"]]]]]})
    assert staff_api.post(
        f"{API}/grid_woodpecker/categories/", nested, content_type="application/json"
    ).status_code in (
        201,
        400,
        403,
    )


def test_too_large_json_is_refused(staff_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 2000})
    response = staff_api.post(f"{API}/grid_woodpecker/categories/", body, content_type="application/json")
    assert response.status_code in (400, 413)  # Django's own check or the API parser's, whichever reads first


def test_nan_is_not_json(staff_api):
    body = '{"total_income": NaN}'
    response = staff_api.post(f"{API}/collective_economy/income-reports/", body, content_type="application/json")
    assert response.status_code == 400


# --- the documented income-report POST ------------------------------------------------------------------------


def test_income_report_without_assets_and_debt_is_400_with_field_errors(api_for, users, county):
    body = {
        "village_code": county["village_a1"].code,
        "year": 2024,
        "total_income": "150000",
        "operating_income": "80000",
        "development_model": "resource",
    }
    response = api_for(users["secretary_a1"]).post(f"{API}/collective_economy/income-reports/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"assets", "debt"} <= set(errors) and _chinese(errors["assets"])
