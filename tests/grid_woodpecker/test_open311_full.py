"""Open311 GeoReport v2 in full (issue 15): XML beside JSON on every endpoint with the spec's element names,
jurisdiction_id per key, service attributes, mySociety's servicerequestupdates, queries by updated_datetime, and the
public media_url of photos staff cleared (metadata stripped), with no 500 on bad input."""

import io
import xml.etree.ElementTree as ET  # noqa: S405 -- parsing the portal's own answers in a test
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from accounts.permissions import SYSTEM
from core.errors import Conflict
from core.models import AuditEntry
from grid_woodpecker.models import Clue, ClueEvent, CluePhoto, ClueStatus
from grid_woodpecker.services.clues import (
    clue_accept,
    clue_handle_in_community,
    clue_rate,
    clue_reject,
    clue_resolve,
    clue_submit,
)
from grid_woodpecker.services.config import category_update
from grid_woodpecker.services.open311_keys import open311_key_create
from grid_woodpecker.services.public_media import clue_photo_clear, clue_photo_withdraw
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"

# The GeoReport v2 element names (http://wiki.open311.org/GeoReport_v2) and mySociety's request_update, per endpoint.
DISCOVERY = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT = {"specification", "url", "changeset", "type", "formats"}
SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
DEFINITION = {"service_code", "attributes"}
ATTRIBUTE = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
VALUE = {"key", "name"}
REQUEST = {
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
CREATED = {"service_request_id", "service_notice", "account_id"}
UPDATE = {"update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"}
ERROR = {"code", "description"}

QUESTIONS = [
    {"code": "pole", "description": "灯杆编号", "datatype": "string", "required": True, "order": 1},
    {
        "code": "kind",
        "description": "路灯类型",
        "datatype": "singlevaluelist",
        "required": True,
        "order": 2,
        "values": [{"key": "street", "name": "路灯"}, {"key": "yard", "name": "庭院灯"}],
    },
    {"code": "count", "description": "不亮的盏数", "datatype": "number", "order": 3},
    {
        "code": "when",
        "description": "发现时间",
        "datatype": "datetime",
        "order": 4,
    },
    {
        "code": "extra",
        "description": "其他情况",
        "datatype": "multivaluelist",
        "order": 5,
        "values": [{"key": "dark", "name": "整条街黑"}, {"key": "spark", "name": "冒火花"}],
    },
]


def xml(response):
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)  # noqa: S314 -- the portal's own answer


def children(element) -> set:
    return {child.tag for child in element}


@pytest.fixture
def key_a(county, users):
    return open311_key_create(name="甲镇热线", user=users["external"], unit=county["township_a"], actor=SYSTEM)[1]


@pytest.fixture
def key_city(county, users):
    return open311_key_create(name="市热线", user=users["external"], unit=county["city"], actor=SYSTEM)[1]


def _accepted(world, description="小区东门路灯不亮", **kw):
    clue = clue_submit(
        actor=world["wp_user"],
        category=world["category"],
        description=description,
        latitude="29.712345",
        longitude="112.487654",
        check_limits=False,
        **kw,
    )
    return clue_accept(clue=clue, actor=world["gridworker"])


# --- XML on every endpoint, under the spec's names -----------------------------------------------------------------


def test_discovery_in_xml_and_json(client):
    root = xml(client.get(BASE + "discovery.xml"))
    assert root.tag == "discovery" and children(root) == DISCOVERY
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ENDPOINT
    assert {f.text for f in endpoint.findall("formats/format")} == {"text/xml", "application/json"}
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    body = client.get(BASE + "discovery.json").json()
    assert set(body) == DISCOVERY and set(body["endpoints"][0]) == ENDPOINT


def test_services_and_definition_in_xml(client, wp_world):
    category_update(category=wp_world["category"], attributes=QUESTIONS, actor=SYSTEM)
    root = xml(client.get(BASE + "services.xml"))
    assert root.tag == "services" and {c.tag for c in root} == {"service"}
    services = {s.findtext("service_code"): s for s in root}
    assert set(services) == {"lights", "rubbish"}
    assert all(children(s) == SERVICE for s in root)
    assert services["lights"].findtext("metadata") == "true" and services["rubbish"].findtext("metadata") == "false"

    definition = xml(client.get(BASE + "services/lights.xml"))
    assert definition.tag == "service_definition" and children(definition) == DEFINITION
    attributes = definition.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["pole", "kind", "count", "when", "extra"]
    assert all(children(a) == ATTRIBUTE for a in attributes)
    kind = attributes[1]
    assert (kind.findtext("datatype"), kind.findtext("required"), kind.findtext("variable")) == (
        "singlevaluelist",
        "true",
        "true",
    )
    assert [children(v) for v in kind.findall("values/value")] == [VALUE, VALUE]
    assert [v.findtext("key") for v in kind.findall("values/value")] == ["street", "yard"]
    as_json = client.get(BASE + "services/lights.json").json()
    assert set(as_json) == DEFINITION and all(set(a) == ATTRIBUTE for a in as_json["attributes"])
    assert client.get(BASE + "services/rubbish.json").json() == {"service_code": "rubbish", "attributes": []}


def test_requests_single_request_and_post_in_xml(client, wp_world, county, key_a):
    clue = _accepted(wp_world)
    root = xml(client.get(BASE + "requests.xml", {"api_key": key_a}))
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request"]
    request = root.find("request")
    assert children(request) == REQUEST
    assert request.findtext("service_request_id") == str(clue.pk) and request.findtext("status") == "open"
    assert (request.findtext("lat"), request.findtext("long")) == ("29.712", "112.488")
    assert request.findtext("updated_datetime")
    single = xml(client.get(f"{BASE}requests/{clue.pk}.xml", {"api_key": key_a}))
    assert single.tag == "service_requests" and children(single.find("request")) == REQUEST

    body = {"api_key": key_a, "service_code": "lights", "description": "热线转来：路灯不亮", "address_id": "AC"}
    body["address_id"] = county["grid_ac"].code
    created = client.post(BASE + "requests.xml", body)
    assert created.status_code == 201
    reply = xml(created)
    assert reply.tag == "service_requests" and children(reply.find("request")) == CREATED
    assert Clue.objects.filter(pk=int(reply.findtext("request/service_request_id"))).exists()


def test_errors_in_xml_use_the_spec_elements(client, wp_world, key_a):
    for response, status in (
        (client.get(BASE + "requests.xml"), 403),
        (client.get(BASE + "requests/999999.xml", {"api_key": key_a}), 404),
        (client.get(BASE + "services/nope.xml"), 404),
        (client.get(BASE + "requests.xml", {"api_key": key_a, "start_date": "yesterday"}), 400),
        (client.post(BASE + "requests.xml", {"service_code": "lights"}), 403),
        (client.get(BASE + "servicerequestupdates.xml"), 403),
    ):
        assert response.status_code == status
        root = xml(response)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"]
        assert children(root.find("error")) == ERROR and root.findtext("error/code") == str(status)
        assert root.findtext("error/description")


def test_xml_is_built_safely_from_user_text(client, wp_world, key_a):
    """Markup and control characters in a description stay text: the answer parses and says the same words."""
    _accepted(wp_world, description="<b>路灯</b> & </request><x>注入\x01\x0b")
    root = xml(client.get(BASE + "requests.xml", {"api_key": key_a}))
    assert [r.tag for r in root] == ["request"]
    assert root.findtext("request/description") == "<b>路灯</b> & </request><x>注入"


def test_unknown_format_suffix_is_404_not_500(client, wp_world, key_a):
    for url in ("requests.yaml", "services.html", "discovery.XMLX", "services/lights.csv", "servicerequestupdates.x"):
        response = client.get(BASE + url, {"api_key": key_a})
        assert response.status_code == 404, url
        assert response.json()[0]["code"] == 404
    assert client.get(BASE + "requests.json.xml", {"api_key": key_a}).status_code == 404


# --- jurisdiction_id per key ---------------------------------------------------------------------------------------


def test_jurisdiction_id_narrows_and_is_checked_against_the_key(client, county, users, wp_world, key_a, key_city):
    inside = _accepted(wp_world, description="甲镇的线索")
    other = helpers.woodpecker(county["grid_b1"], name="乙啄木")
    outside = clue_submit(
        actor=other.user, category=wp_world["category"], description="乙街道的线索", check_limits=False
    )
    clue_accept(clue=outside, actor=users["staff_b"])

    def ids(key, **params):
        response = client.get(BASE + "requests.json", {"api_key": key, **params})
        return response.status_code, {int(r["service_request_id"]) for r in response.json() if "code" not in r}

    assert ids(key_city) == (200, {inside.pk, outside.pk})
    assert ids(key_city, jurisdiction_id=county["township_b"].code) == (200, {outside.pk})
    assert ids(key_a, jurisdiction_id=county["township_a"].code) == (200, {inside.pk})
    assert ids(key_a, jurisdiction_id=county["grid_ac"].code) == (200, {inside.pk})
    # Another jurisdiction, a larger one, an unknown code, an absurd one: not found for this key.
    for code in (county["township_b"].code, county["city"].code, "NOPE", "9" * 5000):
        response = client.get(BASE + "requests.json", {"api_key": key_a, "jurisdiction_id": code})
        assert response.status_code == 404 and response.json()[0]["code"] == 404
        assert "乙街道的线索" not in response.content.decode()
        detail = client.get(f"{BASE}requests/{inside.pk}.json", {"api_key": key_a, "jurisdiction_id": code})
        assert detail.status_code == 404
        updates = client.get(BASE + "servicerequestupdates.json", {"api_key": key_a, "jurisdiction_id": code})
        assert updates.status_code == 404
    # The services of a jurisdiction, and a key's own jurisdiction checked there too.
    assert client.get(BASE + "services.json", {"jurisdiction_id": county["township_b"].code}).status_code == 200
    refused = client.get(BASE + "services.json", {"api_key": key_a, "jurisdiction_id": county["township_b"].code})
    assert refused.status_code == 404
    assert client.get(BASE + "services.json", {"api_key": "wrong"}).status_code == 403


def test_filing_in_another_jurisdiction_is_refused(client, county, wp_world, key_a):
    body = {"api_key": key_a, "service_code": "lights", "description": "热线转来的路灯问题"}
    wrong = client.post(BASE + "requests.json", {**body, "address_id": county["grid_ac"].code, "jurisdiction_id": "X"})
    assert wrong.status_code == 404
    elsewhere = {**body, "address_id": county["grid_b1"].code, "jurisdiction_id": county["township_b"].code}
    assert client.post(BASE + "requests.json", elsewhere).status_code == 404
    assert client.post(BASE + "requests.json", {**body, "address_id": county["grid_b1"].code}).status_code == 400
    assert Clue.objects.count() == 0
    ok = {**body, "address_id": county["grid_ac"].code, "jurisdiction_id": county["township_a"].code}
    assert client.post(BASE + "requests.json", ok).status_code == 201


# --- attributes ----------------------------------------------------------------------------------------------------


@pytest.fixture
def questions(wp_world):
    return category_update(category=wp_world["category"], attributes=QUESTIONS, actor=SYSTEM)


def _file(client, county, key, headers=None, **extra):
    body = {
        "api_key": key,
        "service_code": "lights",
        "description": "热线转来：路灯不亮",
        "address_id": county["grid_ac"].code,
        **extra,
    }
    return client.post(BASE + "requests.json", body, headers=headers)


def test_attributes_are_validated_and_stored(client, county, questions, key_a):
    missing = _file(client, county, key_a, **{"attribute[pole]": "A-12"})
    assert missing.status_code == 400 and "kind" in missing.json()[0]["description"]
    assert "必填" in missing.json()[0]["description"] or "required" in missing.json()[0]["description"]
    bad_cases = [
        {"attribute[pole]": "A-12", "attribute[kind]": "moon"},
        {"attribute[pole]": "A-12", "attribute[kind]": "street", "attribute[count]": "three"},
        {"attribute[pole]": "A-12", "attribute[kind]": "street", "attribute[count]": "1e99999"},
        {"attribute[pole]": "A-12", "attribute[kind]": "street", "attribute[when]": "yesterday"},
        {"attribute[pole]": "A-12", "attribute[kind]": "street", "attribute[extra][]": ["dark", "flood"]},
        {"attribute[pole]": "x" * 201, "attribute[kind]": "street"},
        {"attribute[pole]": "A-12", "attribute[kind]": "street", "attribute[nope]": "1"},
        {"attribute[pole]": "A-12", "attribute[kind]": ["street", "yard"]},
    ]
    for extra in bad_cases:
        response = _file(client, county, key_a, **extra)
        assert response.status_code == 400, extra
        assert response.json()[0]["code"] == 400
    assert Clue.objects.count() == 0

    ok = _file(
        client,
        county,
        key_a,
        **{
            "attribute[pole]": " A-12 ",
            "attribute[kind]": "yard",
            "attribute[count]": "3",
            "attribute[when]": "2026-11-30T20:00:00+08:00",
            "attribute[extra][]": ["spark", "dark"],
        },
    )
    assert ok.status_code == 201
    clue = Clue.objects.get(pk=int(ok.json()[0]["service_request_id"]))
    assert clue.attributes == {
        "pole": "A-12",
        "kind": "yard",
        "count": "3",
        "when": "2026-11-30T20:00:00+08:00",
        "extra": ["dark", "spark"],
    }
    as_json = client.post(
        BASE + "requests.json",
        {
            "api_key": key_a,
            "service_code": "lights",
            "description": "JSON 提交的路灯问题",
            "address_id": county["grid_ac"].code,
            "attribute": {"pole": "B-3", "kind": "street"},
        },
        content_type="application/json",
    )
    assert as_json.status_code == 201
    assert Clue.objects.get(pk=int(as_json.json()[0]["service_request_id"])).attributes == {
        "pole": "B-3",
        "kind": "street",
    }


def test_attribute_errors_are_chinese_or_english_by_language(client, county, questions, key_a):
    body = {"attribute[pole]": "A-12"}
    chinese = _file(client, county, key_a, headers={"Accept-Language": "zh-hans"}, **body)
    english = _file(client, county, key_a, headers={"Accept-Language": "en"}, **body)
    assert "必填" in chinese.json()[0]["description"]
    assert "required" in english.json()[0]["description"]


def test_category_questions_are_checked_when_staff_save_them(wp_world):
    from core.errors import Invalid

    for bad in (
        {"code": "x"},
        [{"code": "bad code", "description": "问"}],
        [{"code": "a", "description": "问", "datatype": "colour"}],
        [{"code": "a", "description": "问", "datatype": "singlevaluelist"}],
        [{"code": "a", "description": "问"}, {"code": "a", "description": "又问"}],
        [{"code": "a", "description": "问", "required": "yes"}],
        [{"code": "a", "description": "问", "script": "<x>"}],
    ):
        with pytest.raises(Invalid):
            category_update(category=wp_world["category"], attributes=bad, actor=SYSTEM)
    wp_world["category"].refresh_from_db()
    assert wp_world["category"].attributes == []


def test_category_page_keeps_the_questions_when_its_settings_change(client, county, users, questions):
    """The questions are edited on their own pages (tests/grid_woodpecker/test_category_questions.py): saving the
    category's settings leaves them as they are."""
    client.force_login(users["city_staff"])
    url = f"/woodpecker/categories/{questions.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="attributes"' not in page and "灯杆编号" in page and "/questions/pole/edit/" in page
    assert client.post(url, {"name": "路灯坏了", "deadline_days": 5, "is_active": "on"}).status_code == 302
    questions.refresh_from_db()
    assert questions.name == "路灯坏了" and [q["code"] for q in questions.attributes] == [q["code"] for q in QUESTIONS]
    assert AuditEntry.objects.filter(action="clue_category.update").exists()


# --- service request updates ---------------------------------------------------------------------------------------


def test_updates_flow_from_accepted_to_closed(client, wp_world, key_a):
    clue = _accepted(wp_world)
    clue = clue_handle_in_community(clue=clue, actor=wp_world["gridworker"])
    clue = clue_resolve(clue=clue, resolution="已更换灯泡", actor=wp_world["gridworker"])
    clue_rate(clue=clue, rating="satisfied", actor=wp_world["wp_user"])
    hidden = clue_submit(actor=wp_world["wp_user"], category=wp_world["category"], description="还没受理的线索")
    rejected = clue_submit(actor=wp_world["wp_user"], category=wp_world["category"], description="被驳回的线索")
    clue_reject(clue=rejected, reason="不属实", actor=wp_world["gridworker"])

    response = client.get(BASE + "servicerequestupdates.json", {"api_key": key_a})
    rows = response.json()
    assert all(set(r) == UPDATE for r in rows)
    assert {r["service_request_id"] for r in rows} == {str(clue.pk)}  # never the untriaged or rejected ones
    events = list(ClueEvent.objects.filter(clue=clue).exclude(to_status=ClueStatus.SUBMITTED).order_by("id"))
    assert [r["update_id"] for r in rows] == [str(e.pk) for e in events]
    assert [r["status"] for r in rows] == ["open", "open", "open", "closed"]
    assert [r["updated_datetime"] for r in rows] == [
        timezone.localtime(e.created_at).isoformat(timespec="seconds") for e in events
    ]
    assert "已更换灯泡" in rows[2]["description"]
    assert wp_world["woodpecker"].person.name not in response.content.decode()
    assert str(hidden.pk) not in {r["service_request_id"] for r in rows}

    root = xml(client.get(BASE + "servicerequestupdates.xml", {"api_key": key_a}))
    assert root.tag == "service_request_updates" and {u.tag for u in root} == {"request_update"}
    assert all(children(u) == UPDATE for u in root)
    assert [u.findtext("status") for u in root] == ["open", "open", "open", "closed"]

    # The window: start_date/end_date on the update's time.
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert client.get(BASE + "servicerequestupdates.json", {"api_key": key_a, "start_date": later}).json() == []
    closed_at = events[-1].created_at
    ClueEvent.objects.filter(pk__in=[e.pk for e in events[:-1]]).update(created_at=closed_at - timedelta(days=2))
    recent = client.get(
        BASE + "servicerequestupdates.json",
        {"api_key": key_a, "start_date": (closed_at - timedelta(days=1)).isoformat()},
    ).json()
    assert [r["status"] for r in recent] == ["closed"]


def test_updates_stay_in_the_keys_jurisdiction(client, county, users, wp_world, key_a):
    other = helpers.woodpecker(county["grid_b1"], name="乙啄木")
    outside = clue_submit(actor=other.user, category=wp_world["category"], description="乙街道的线索")
    clue_accept(clue=outside, actor=users["staff_b"])
    assert client.get(BASE + "servicerequestupdates.json", {"api_key": key_a}).json() == []
    assert client.get(BASE + "servicerequestupdates.json").status_code == 403


# --- updated_datetime ----------------------------------------------------------------------------------------------


def test_requests_by_updated_datetime(client, wp_world, key_a):
    old, fresh = _accepted(wp_world, description="很早以前的线索"), _accepted(wp_world, description="刚更新的线索")
    long_ago = timezone.now() - timedelta(days=200)
    Clue.objects.filter(pk=old.pk).update(submitted_at=long_ago, updated_at=long_ago)
    Clue.objects.filter(pk=fresh.pk).update(submitted_at=long_ago)
    fresh.refresh_from_db()

    def ids(**params):
        rows = client.get(BASE + "requests.json", {"api_key": key_a, **params}).json()
        return {int(r["service_request_id"]) for r in rows}

    assert ids() == set()  # requested 200 days ago: outside the spec's default 90 days
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(start_updated=since) == {fresh.pk}  # requested long ago, updated since
    assert ids(updated_after=since) == {fresh.pk}
    assert ids(end_updated=since) == {old.pk}
    assert ids(start_date=(long_ago - timedelta(days=1)).isoformat()) == {old.pk, fresh.pk}
    row = client.get(BASE + "requests.json", {"api_key": key_a, "start_updated": since}).json()[0]
    assert row["updated_datetime"] == timezone.localtime(fresh.updated_at).isoformat(timespec="seconds")


@pytest.mark.parametrize(
    "params",
    [
        {"start_updated": "yesterday"},
        {"end_updated": "0001-01-01"},
        {"updated_before": "9999-99-99"},
        {"start_date": "2024-13-45"},
        {"start_date": "1" * 5000},
    ],
)
def test_bad_dates_are_400_everywhere(client, wp_world, key_a, params):
    urls = ["requests.json", "requests.xml"]
    if "start_date" in params:  # the updates take start_date and end_date only
        urls.append("servicerequestupdates.json")
    for url in urls:
        response = client.get(BASE + url, {"api_key": key_a, **params})
        assert response.status_code == 400, (url, params)


def test_huge_and_odd_values_never_500(client, county, wp_world, key_a):
    odd = {
        "api_key": key_a,
        "service_code": "lights" * 1000,
        "service_request_id": "1," * 5000,
        "status": "open," * 1000,
        "jurisdiction_id": "",
    }
    assert client.get(BASE + "requests.xml", odd).status_code == 200
    assert client.get(BASE + "requests/999999999999999999.json", {"api_key": key_a}).status_code == 404
    assert client.get(BASE + "services/" + "x" * 60 + ".xml").status_code == 404
    post = {
        "api_key": key_a,
        "service_code": "lights",
        "description": "路灯不亮了请修",
        "address_id": county["grid_ac"].code,
    }
    for extra in ({"lat": "1e999", "long": "1"}, {"lat": "abc", "long": "x"}, {"address_id": "A" * 5000}):
        assert client.post(BASE + "requests.xml", {**post, **extra}).status_code == 400, extra
    assert client.post(BASE + "requests.json", "[1, 2]", content_type="application/json").status_code == 400
    assert client.post(BASE + "requests.json", "{", content_type="application/json").status_code == 400
    assert client.post(BASE + "requests.xml", {"api_key": ["a", "b"]}).status_code == 403


# --- public media_url ----------------------------------------------------------------------------------------------


def _jpeg_with_exif(size=(60, 40), orientation=None) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 10.0, 5.0)}  # GPSInfo
    exif[0x010F] = "TestCam"  # Make
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _photo_with_exif(clue, orientation=None) -> CluePhoto:
    """A stored photo still carrying EXIF (as one kept from before the intake stripped metadata)."""
    data = _jpeg_with_exif(orientation=orientation)
    photo = CluePhoto(clue=clue, stage=CluePhoto.Stage.REPORT, width=60, height=40)
    photo.image.save("old.jpg", ContentFile(data), save=False)
    photo.save()
    with photo.image.open("rb") as stored:
        assert Image.open(io.BytesIO(stored.read())).getexif().get(0x8825)  # the original has GPS
    return photo


def test_only_cleared_photos_appear_and_their_copy_has_no_exif(client, media, wp_world, key_a):
    clue = _accepted(wp_world, photos=[helpers.png_upload("p.jpg", exif_gps=True)])
    uploaded = clue.photos.get()
    photo = _photo_with_exif(clue, orientation=6)  # 6: rotate 90° to show it upright
    rows = client.get(BASE + "requests.json", {"api_key": key_a}).json()
    assert rows[0]["media_url"] == ""
    # The portal's address of a photo needs a login, the public one is not there before clearing.
    assert client.get(f"/woodpecker/photos/{photo.pk}/").status_code == 302

    clue_photo_clear(clue=clue, photo=photo, confirmed=True, actor=wp_world["gridworker"])
    photo.refresh_from_db()
    assert len(photo.public_token) >= 40 and photo.public_token not in photo.public_image.name
    assert AuditEntry.objects.filter(action="clue_photo.clear", object_id=str(photo.pk)).exists()
    url = client.get(BASE + "requests.json", {"api_key": key_a}).json()[0]["media_url"]
    assert url.endswith(f"/open311/v2/media/{photo.public_token}.jpg")
    assert xml(client.get(BASE + "requests.xml", {"api_key": key_a})).findtext("request/media_url") == url

    public = client.get(url.replace("http://testserver", ""))  # anonymous: no login needed
    assert public.status_code == 200
    assert public["Content-Type"] == "image/jpeg" and public["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in public["Cache-Control"]
    copy = Image.open(io.BytesIO(b"".join(public.streaming_content)))
    assert copy.format == "JPEG"
    assert not copy.getexif() and "exif" not in copy.info
    assert copy.size == (40, 60)  # the orientation was applied before the metadata went

    # The other photo, never cleared, has no public address.
    assert uploaded.public_token is None
    assert client.get(f"{BASE}media/{'x' * 43}.jpg").status_code == 404
    assert client.get(f"{BASE}media/{'x' * 500}.jpg").status_code == 404

    clue_photo_withdraw(clue=clue, photo=photo, actor=wp_world["gridworker"])
    assert client.get(url.replace("http://testserver", "")).status_code == 404
    assert client.get(BASE + "requests.json", {"api_key": key_a}).json()[0]["media_url"] == ""


def test_clearing_needs_the_confirmation_and_grid_staff(client, media, users, wp_world, key_a):
    from django.core.exceptions import PermissionDenied

    from core.errors import Invalid

    clue = _accepted(wp_world, photos=[helpers.png_upload()])
    photo = clue.photos.get()
    with pytest.raises(Invalid):
        clue_photo_clear(clue=clue, photo=photo, confirmed=False, actor=wp_world["gridworker"])
    for outsider in (users["staff_b"], wp_world["wp_user"]):
        with pytest.raises(PermissionDenied):
            clue_photo_clear(clue=clue, photo=photo, confirmed=True, actor=outsider)
    photo.refresh_from_db()
    assert photo.public_token is None and not photo.public_image
    with pytest.raises(Conflict):  # nothing to withdraw yet
        clue_photo_withdraw(clue=clue, photo=photo, actor=wp_world["gridworker"])
    clue_photo_clear(clue=clue, photo=photo, confirmed=True, actor=wp_world["gridworker"])
    with pytest.raises(Conflict):
        clue_photo_clear(clue=clue, photo=photo, confirmed=True, actor=wp_world["gridworker"])


def test_clue_page_clears_a_photo(client, media, wp_world, key_a):
    clue = _accepted(wp_world, photos=[helpers.png_upload()])
    photo = clue.photos.get()
    client.force_login(wp_world["gridworker"])
    page = client.get(f"/woodpecker/clues/{clue.pk}/").content.decode()
    assert "已确认无人脸、无个人信息，可公开" in page
    action = f"/woodpecker/clues/{clue.pk}/photo_clear/"
    client.post(action, {"photo": photo.pk})  # not confirmed: nothing public
    photo.refresh_from_db()
    assert photo.public_token is None
    assert client.post(action, {"photo": photo.pk, "confirmed": "on"}).status_code == 302
    photo.refresh_from_db()
    assert photo.public_token
    assert "已公开" in client.get(f"/woodpecker/clues/{clue.pk}/").content.decode()
    assert client.post(action, {"photo": 999999, "confirmed": "on"}).status_code == 404
