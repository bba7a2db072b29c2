"""Open311 GeoReport v2 at /open311/v2/: the published field names, filing with an API key, JSON errors."""

import pytest

from accounts.permissions import SYSTEM
from grid_woodpecker.models import Clue, ClueSource
from grid_woodpecker.services.clues import clue_accept, clue_submit
from grid_woodpecker.services.open311_keys import open311_key_create

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


@pytest.fixture
def api_key(county, users):
    _key, raw = open311_key_create(name="12345热线", user=users["external"], unit=county["township_a"], actor=SYSTEM)
    return raw


def test_discovery_lists_the_v2_endpoint(client):
    body = client.get(BASE + "discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "application/json" in endpoint["formats"] and endpoint["url"].endswith("/open311/v2/")
    assert {"changeset", "contact", "key_service"} <= set(body)


def test_services_and_definition(client, wp_world):
    services_ = client.get(BASE + "services.json").json()
    assert {s["service_code"] for s in services_} == {"lights", "rubbish"}
    assert all(set(s) == SERVICE_FIELDS for s in services_)
    assert services_[0]["type"] == "realtime" and services_[0]["metadata"] is False
    definition = client.get(BASE + "services/lights.json").json()
    assert definition == {"service_code": "lights", "attributes": []}
    missing = client.get(BASE + "services/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_requests_list_and_detail_use_standard_fields_without_personal_data(client, wp_world, api_key):
    clue = clue_submit(
        actor=wp_world["wp_user"],
        category=wp_world["category"],
        description="小区东门路灯不亮",
        latitude="29.700000",
        longitude="112.400000",
        check_limits=False,
    )
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    # Reading needs a key since issue 9 (tests/grid_woodpecker/test_open311_publication.py).
    rows = client.get(BASE + "requests.json", {"api_key": api_key}).json()
    assert len(rows) == 1 and set(rows[0]) == REQUEST_FIELDS
    row = rows[0]
    assert row["service_request_id"] == str(clue.pk) and row["status"] == "open"
    assert (row["service_code"], row["lat"], row["long"]) == ("lights", 29.7, 112.4)
    assert row["expected_datetime"] and row["requested_datetime"]
    assert wp_world["woodpecker"].person.name not in str(row)
    detail = client.get(f"{BASE}requests/{clue.pk}.json", {"api_key": api_key}).json()
    assert detail == rows
    assert client.get(BASE + "requests.json", {"status": "closed", "api_key": api_key}).json() == []
    assert client.get(f"{BASE}requests/999999.json", {"api_key": api_key}).status_code == 404


def test_post_request_with_api_key_files_a_clue(client, wp_world, county, api_key):
    body = {
        "api_key": api_key,
        "service_code": "lights",
        "description": "12345热线转来:路灯不亮",
        "address_id": county["grid_ac"].code,
        "lat": "29.7",
        "long": "112.4",
        "address_string": "东门",
    }
    response = client.post(BASE + "requests.json", body)
    assert response.status_code == 201
    reply = response.json()[0]
    assert set(reply) == {"service_request_id", "service_notice", "account_id"}
    clue = Clue.objects.get(pk=int(reply["service_request_id"]))
    assert clue.source == ClueSource.OPEN311 and clue.grid == county["grid_ac"] and clue.reporter is None
    as_json = client.post(
        BASE + "requests.json", {**body, "description": "JSON 格式提交的线索"}, content_type="application/json"
    )
    assert as_json.status_code == 201


def test_post_refused_without_key_or_outside_its_jurisdiction(client, wp_world, county, api_key):
    body = {"service_code": "lights", "description": "路灯不亮了", "address_id": county["grid_ac"].code}
    no_key = client.post(BASE + "requests.json", body)
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403
    outside = client.post(BASE + "requests.json", {**body, "api_key": api_key, "address_id": county["grid_b1"].code})
    assert outside.status_code == 400
    bad_code = client.post(BASE + "requests.json", {**body, "api_key": api_key, "service_code": "nope"})
    assert bad_code.status_code == 404
    assert Clue.objects.count() == 0


def test_flooding_key_gets_429(client, wp_world, county, api_key, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "open311": "2/minute"}}
    body = {
        "api_key": api_key,
        "service_code": "lights",
        "description": "路灯不亮了请修",
        "address_id": county["grid_ac"].code,
    }
    assert [client.post(BASE + "requests.json", body).status_code for _ in range(3)] == [201, 201, 429]
    refused = client.post(BASE + "requests.json", body)
    assert "频繁" in refused.json()[0]["description"] and 0 < int(refused["Retry-After"]) <= 60
    assert Clue.objects.count() == 2
