"""Open311 public output (issue 9): only the key's jurisdiction, only triaged clues, coordinates rounded to ~100 m;
and (issue 15) a request the client filed itself that staff rejected stays visible to it, closed, without the
rejection's reason."""

import xml.etree.ElementTree as ET  # noqa: S405 -- parsing the portal's own answers in a test

import pytest

from accounts.permissions import SYSTEM
from accounts.roles import Role
from grid_woodpecker.models import Clue, ClueStatus
from grid_woodpecker.services.clues import clue_accept, clue_reject, clue_submit
from grid_woodpecker.services.open311_keys import open311_key_create
from tests import factories
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


@pytest.fixture
def key_a(county, users):
    """A key for township A (grid AC lies in it; grid B1 does not)."""
    _key, raw = open311_key_create(name="甲镇热线", user=users["external"], unit=county["township_a"], actor=SYSTEM)
    return raw


def _clue(world, *, grid_woodpecker=None, lat="29.712345", long="112.487654", description="小区东门路灯不亮"):
    actor = grid_woodpecker.user if grid_woodpecker else world["wp_user"]
    return clue_submit(
        actor=actor,
        category=world["category"],
        description=description,
        latitude=lat,
        longitude=long,
        check_limits=False,
    )


def _ids(rows):
    return {int(row["service_request_id"]) for row in rows}


def test_reading_needs_a_key(client, wp_world):
    clue = _clue(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    for url in (BASE + "requests.json", f"{BASE}requests/{clue.pk}.json"):
        for params in ({}, {"api_key": "not-a-key"}):
            response = client.get(url, params)
            assert response.status_code == 403 and response.json()[0]["code"] == 403
            assert "小区东门路灯不亮" not in response.content.decode()


def test_only_the_keys_jurisdiction_is_published(client, county, users, wp_world, key_a):
    inside = _clue(wp_world, description="甲镇的线索")
    clue_accept(clue=inside, actor=wp_world["gridworker"])
    other_wp = helpers.woodpecker(county["grid_b1"], name="乙啄木")
    outside = _clue(wp_world, grid_woodpecker=other_wp, description="乙街道的线索")
    clue_accept(clue=outside, actor=users["staff_b"])

    rows = client.get(BASE + "requests.json", {"api_key": key_a}).json()
    assert _ids(rows) == {inside.pk}
    assert "乙街道的线索" not in str(rows)
    # Asked for by id, the other township's clue does not exist for this key.
    assert client.get(BASE + "requests.json", {"api_key": key_a, "service_request_id": str(outside.pk)}).json() == []
    assert client.get(f"{BASE}requests/{outside.pk}.json", {"api_key": key_a}).status_code == 404
    assert client.get(f"{BASE}requests/{inside.pk}.json", {"api_key": key_a}).status_code == 200
    # A key for township B sees the other one and not this one.
    key_b = open311_key_create(name="乙", user=users["external"], unit=county["township_b"], actor=SYSTEM)[1]
    assert _ids(client.get(BASE + "requests.json", {"api_key": key_b}).json()) == {outside.pk}


def test_untriaged_and_rejected_clues_are_not_published(client, wp_world, key_a):
    submitted = _clue(wp_world, description="刚提交还没受理")
    rejected = _clue(wp_world, description="被驳回的线索")
    clue_reject(clue=rejected, reason="不属于本网格的问题", actor=wp_world["gridworker"])
    accepted = _clue(wp_world, description="已受理的线索")
    clue_accept(clue=accepted, actor=wp_world["gridworker"])
    assert submitted.status == ClueStatus.SUBMITTED

    for status in ("", "open", "closed", "open,closed"):
        params = {"api_key": key_a, **({"status": status} if status else {})}
        rows = client.get(BASE + "requests.json", params).json()
        assert _ids(rows) <= {accepted.pk}
        body = str(rows)
        assert "刚提交还没受理" not in body and "被驳回的线索" not in body and "不属于本网格" not in body
    assert _ids(client.get(BASE + "requests.json", {"api_key": key_a}).json()) == {accepted.pk}
    for hidden in (submitted, rejected):
        assert client.get(f"{BASE}requests/{hidden.pk}.json", {"api_key": key_a}).status_code == 404
        by_id = client.get(BASE + "requests.json", {"api_key": key_a, "service_request_id": str(hidden.pk)})
        assert by_id.json() == []


def test_coordinates_are_rounded_to_about_100_metres_everywhere(client, wp_world, key_a):
    clue = _clue(wp_world, lat="29.712345", long="112.487654")
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue.refresh_from_db()
    assert str(clue.latitude) == "29.712345"  # stored exactly; only the publication is coarse
    outputs = [
        client.get(BASE + "requests.json", {"api_key": key_a}).json(),
        client.get(BASE + "requests.json", {"api_key": key_a, "service_request_id": str(clue.pk)}).json(),
        client.get(f"{BASE}requests/{clue.pk}.json", {"api_key": key_a}).json(),
    ]
    for rows in outputs:
        assert len(rows) == 1
        assert (rows[0]["lat"], rows[0]["long"]) == (29.712, 112.488)
        for value in (rows[0]["lat"], rows[0]["long"]):
            assert round(value, 3) == value
        body = str(rows)
        assert "29.712345" not in body and "112.487654" not in body and "29.7123" not in body


# --- a rejected request stays visible to the client that filed it --------------------------------------------------

PRIVATE_REASON = "举报人张三（13800138000）多次反映，经核实不属实"
REJECTED_NOTE = "经核实不予受理，诉求已关闭；详情请向责任单位了解。"


def _filed_and_rejected(client, county, wp_world, key):
    body = {
        "api_key": key,
        "service_code": "lights",
        "description": "热线转来：东门路灯不亮",
        "address_id": county["grid_ac"].code,
    }
    created = client.post(BASE + "requests.json", body)
    assert created.status_code == 201
    clue = Clue.objects.get(pk=int(created.json()[0]["service_request_id"]))
    clue_reject(clue=clue, reason=PRIVATE_REASON, actor=wp_world["gridworker"])
    return clue


def _private(body: str) -> bool:
    return "张三" in body or "13800138000" in body or "多次反映" in body


def test_a_rejected_request_stays_with_its_client_as_closed_json(client, county, wp_world, key_a):
    clue = _filed_and_rejected(client, county, wp_world, key_a)
    for params in ({}, {"status": "closed"}, {"service_request_id": str(clue.pk)}):
        response = client.get(BASE + "requests.json", {"api_key": key_a, **params})
        rows = response.json()
        assert _ids(rows) == {clue.pk}, params
        assert rows[0]["status"] == "closed" and rows[0]["status_notes"] == REJECTED_NOTE
        assert not _private(response.content.decode())
    assert client.get(BASE + "requests.json", {"api_key": key_a, "status": "open"}).json() == []
    single = client.get(f"{BASE}requests/{clue.pk}.json", {"api_key": key_a})
    assert single.status_code == 200 and single.json()[0]["status"] == "closed"
    updates = client.get(BASE + "servicerequestupdates.json", {"api_key": key_a})
    rows = [r for r in updates.json() if r["service_request_id"] == str(clue.pk)]
    assert len(rows) == 1 and rows[0]["status"] == "closed"
    assert rows[0]["description"] == f"未受理：{REJECTED_NOTE}"
    assert not _private(updates.content.decode())


def test_a_rejected_request_stays_with_its_client_as_closed_xml(client, county, wp_world, key_a):
    clue = _filed_and_rejected(client, county, wp_world, key_a)
    for url in (BASE + "requests.xml", f"{BASE}requests/{clue.pk}.xml"):
        response = client.get(url, {"api_key": key_a})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
        root = ET.fromstring(response.content)  # noqa: S314 -- the portal's own answer
        assert [r.findtext("service_request_id") for r in root.findall("request")] == [str(clue.pk)]
        assert root.findtext("request/status") == "closed"
        assert root.findtext("request/status_notes") == REJECTED_NOTE
        assert not _private(response.content.decode())
    updates = client.get(BASE + "servicerequestupdates.xml", {"api_key": key_a})
    root = ET.fromstring(updates.content)  # noqa: S314 -- the portal's own answer
    update = root.find("request_update")
    assert update is not None and update.findtext("service_request_id") == str(clue.pk)
    assert update.findtext("status") == "closed" and REJECTED_NOTE in update.findtext("description")
    assert not _private(updates.content.decode())


def test_a_rejected_request_is_shown_to_its_own_client_only(client, county, users, wp_world, key_a):
    """Another external system (its own service user) with a key for the same township does not see it, nor the
    woodpeckers' rejected clues, which stay unpublished for everybody."""
    clue = _filed_and_rejected(client, county, wp_world, key_a)
    woodpeckers = _clue(wp_world, description="啄木鸟的被驳回线索")
    clue_reject(clue=woodpeckers, reason="不属实", actor=wp_world["gridworker"])
    other = factories.user_with_role("other_hotline", Role.EXTERNAL_SYSTEM, county["city"])
    key_other = open311_key_create(name="另一平台", user=other, unit=county["township_a"], actor=SYSTEM)[1]
    assert client.get(BASE + "requests.json", {"api_key": key_other}).json() == []
    assert client.get(f"{BASE}requests/{clue.pk}.json", {"api_key": key_other}).status_code == 404
    assert client.get(BASE + "servicerequestupdates.json", {"api_key": key_other}).json() == []
    assert _ids(client.get(BASE + "requests.json", {"api_key": key_a}).json()) == {clue.pk}
    assert client.get(f"{BASE}requests/{woodpeckers.pk}.json", {"api_key": key_a}).status_code == 404
