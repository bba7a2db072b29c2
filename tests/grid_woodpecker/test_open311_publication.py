"""Open311 public output (issue 9): only the key's jurisdiction, only triaged clues, coordinates rounded to ~100 m."""

import pytest

from accounts.permissions import SYSTEM
from grid_woodpecker.models import ClueStatus
from grid_woodpecker.services.clues import clue_accept, clue_reject, clue_submit
from grid_woodpecker.services.open311_keys import open311_key_create
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
