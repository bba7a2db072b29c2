"""The token endpoint's own limits (clients/token_view.py): failed client credentials per client id and per client
address, tokens issued per client id; 429 in OAuth's error style with Retry-After."""

import base64
import re

import pytest
from django.test import Client

from .helpers import TOKEN_URL, make_client, token_response

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def rates(settings):
    def set_rates(**overrides):
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**current, **overrides}}

    return set_rates


def _from(ip):
    return Client(REMOTE_ADDR=ip)


def _assert_throttled(response):
    assert response.status_code == 429, response.content
    wait = int(response["Retry-After"])
    assert wait > 0
    body = response.json()
    assert body["error"] == "throttled" and CHINESE.search(body["error_description"])
    assert str(wait) in body["error_description"]
    assert "access_token" not in body


def test_a_brute_force_on_a_client_secret_is_throttled_before_many_tries(county, settings):
    client, secret = make_client(county["township_a"])
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["oauth_token_failures"][0].split("/")[0])
    assert limit <= 10
    statuses = [token_response(_from("10.0.0.1"), client.client_id, f"guess{n}").status_code for n in range(limit)]
    assert statuses == [401] * limit
    _assert_throttled(token_response(_from("10.0.0.1"), client.client_id, "guess-again"))
    # From any address, and even with the right secret: the client id's window is full (no secret is checked).
    _assert_throttled(token_response(_from("10.0.0.2"), client.client_id, secret))
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    _assert_throttled(
        _from("10.0.0.3").post(TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}")
    )


def test_a_good_client_is_not_blocked_by_failures_on_another_client_id(county):
    victim, _secret = make_client(county["township_a"], name="被攻击的系统")
    good, good_secret = make_client(county["township_a"], name="正常的系统")
    for n in range(11):
        token_response(_from("10.0.0.1"), victim.client_id, f"guess{n}")
    _assert_throttled(token_response(_from("10.0.0.1"), victim.client_id, "x"))
    # The other client, from another address and from the attacker's address too (its budget is not spent yet).
    assert token_response(_from("10.0.0.9"), good.client_id, good_secret).status_code == 200
    assert token_response(_from("10.0.0.1"), good.client_id, good_secret).status_code == 200


def test_failures_are_counted_per_address_across_client_ids(county, rates):
    rates(oauth_token_failures_ip="3/10m", oauth_token_failures="100/10m")
    good, secret = make_client(county["township_a"])
    for n in range(3):
        assert token_response(_from("10.0.0.1"), f"made-up-{n}", "x").status_code == 401
    _assert_throttled(token_response(_from("10.0.0.1"), f"made-up-{n + 1}", "x"))
    _assert_throttled(token_response(_from("10.0.0.1"), good.client_id, secret))  # the address's budget aside
    assert token_response(_from("10.0.0.2"), good.client_id, secret).status_code == 200


def test_successful_token_requests_have_a_ceiling_per_client(county, rates):
    rates(oauth_token="2/h")
    client, secret = make_client(county["township_a"])
    other, other_secret = make_client(county["township_a"], name="其他系统")
    assert [token_response(Client(), client.client_id, secret).status_code for _ in range(2)] == [200, 200]
    _assert_throttled(token_response(Client(), client.client_id, secret))
    assert token_response(Client(), other.client_id, other_secret).status_code == 200


def test_other_refusals_are_not_counted_as_failed_credentials(county, rates):
    rates(oauth_token_failures="2/10m")
    client, secret = make_client(county["township_a"], scopes=["hierarchy:read"])
    for _ in range(3):
        refused = token_response(Client(), client.client_id, secret, scope="people:read")
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    assert token_response(Client(), client.client_id, secret).status_code == 200
