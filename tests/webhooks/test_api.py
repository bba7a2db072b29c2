"""The service account's own subscriptions through /api/v1/webhooks/subscriptions/."""

from accounts.roles import Role
from tests.factories import user_with_role
from webhooks.models import Subscription

URL = "/api/v1/webhooks/subscriptions/"


def test_service_account_manages_its_own(users, county, api_for):
    api = api_for(users["external"])
    answer = api.post(URL, {"url": "https://example.org/hook", "event_types": ["clue.state_changed"]}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert len(body["secret"]) == 64 and body["event_types"] == ["clue.state_changed"]
    listed = api.get(URL).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [body["id"]] and "secret" not in rows[0]
    other = api_for(user_with_role("external_a", Role.EXTERNAL_SYSTEM, county["township_a"]))
    assert other.get(f"{URL}{body['id']}/").status_code == 404
    assert other.delete(f"{URL}{body['id']}/").status_code == 404
    assert api.delete(f"{URL}{body['id']}/").status_code == 204
    assert not Subscription.objects.exists()


def test_bad_input_is_400(users, api_for):
    api = api_for(users["external"])
    for body in (
        {"url": "http://example.org/hook", "event_types": ["unit.moved"]},
        {"url": "https://example.org/hook", "event_types": ["nope"]},
        {"url": "https://example.org/hook", "event_types": []},
        {"url": "https://example.org/hook"},
    ):
        answer = api.post(URL, body, format="json")
        assert answer.status_code == 400, (body, answer.content)
        assert answer.json()["code"]


def test_staff_account_cannot_subscribe_itself(users, api_for):
    answer = api_for(users["staff_a"]).post(
        URL, {"url": "https://example.org/hook", "event_types": ["unit.moved"]}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "webhook_not_service_account"
