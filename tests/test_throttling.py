"""Rate limits: DRF throttles per user, per client address and per API token, answering 429 with Retry-After and a
Chinese message; clue filing and Open311 filing use the same throttle machinery (core/api/throttling.py)."""

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.api.throttling import WindowThrottle, parse_rate
from tests.grid_woodpecker import helpers

API = "/api/v1"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def rates(settings):
    """Set some throttle rates for one test (the others keep the configured ones)."""

    def set_rates(**overrides):
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**current, **overrides},
        }

    return set_rates


def _assert_throttled(response):
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    body = response.json()
    assert body["code"] == "throttled" and CHINESE.search(body["detail"]) and str(wait) in body["detail"]


def test_parse_rate_accepts_multiples():
    assert parse_rate("60/minute") == (60, 60)
    assert parse_rate("5/10m") == (5, 600)
    assert parse_rate("30/1d") == (30, 86400)
    assert parse_rate("100/h") == (100, 3600)


def test_throttle_classes_are_on_by_default(settings):
    classes = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert {c.rsplit(".", 1)[1] for c in classes} == {
        "AnonThrottle",
        "UserThrottle",
        "ClientThrottle",
        "SystemClientThrottle",
    }


def test_user_throttle_answers_429_with_retry_after_and_chinese_message(api_for, users, rates):
    rates(user="3/minute")
    api = api_for(users["staff_a"])
    assert [api.get(f"{API}/accounts/me/").status_code for _ in range(3)] == [200, 200, 200]
    _assert_throttled(api.get(f"{API}/accounts/me/"))
    # Another user has their own bucket.
    assert api_for(users["staff_b"]).get(f"{API}/accounts/me/").status_code == 200


def test_anonymous_throttle_is_per_address(rates, county):
    rates(anon="2/minute")
    anonymous = APIClient()
    url = f"{API}/grid_woodpecker/public-clues/?grid={county['grid_ac'].code}"
    assert [anonymous.get(url).status_code for _ in range(2)] == [200, 200]
    _assert_throttled(anonymous.get(url))
    assert APIClient(REMOTE_ADDR="10.0.0.9").get(url).status_code == 200


def test_client_throttle_is_per_token(users, rates):
    rates(client="2/minute", user="1000/minute")
    token = Token.objects.create(user=users["staff_a"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert [api.get(f"{API}/accounts/me/").status_code for _ in range(2)] == [200, 200]
    _assert_throttled(api.get(f"{API}/accounts/me/"))
    session = APIClient()
    session.force_login(users["staff_a"])  # the same user signed in by session is not this client
    assert session.get(f"{API}/accounts/me/").status_code == 200


def test_clue_filing_limit_is_429_with_retry_after(api_for, county, rates):
    rates(clue_submit=["2/10m", "30/1d"])
    category = helpers.category(county["city"])
    woodpecker = helpers.woodpecker(county["grid_ac"])
    api = api_for(woodpecker.user)
    body = {"category": category.pk, "description": "路灯不亮了请修"}
    assert [api.post(f"{API}/grid_woodpecker/clues/", body).status_code for _ in range(2)] == [201, 201]
    response = api.post(f"{API}/grid_woodpecker/clues/", body)
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 600
    assert "过于频繁" in response.json()["detail"]


def test_window_throttle_applies_every_window(rates):
    rates(demo_scope=["3/1m", "4/1d"])
    results = [WindowThrottle.check("demo_scope", "u1") for _ in range(4)]
    assert results[:3] == [None, None, None]
    assert results[3].duration == 60
    assert WindowThrottle.check("demo_scope", "u2") is None  # another identity, another bucket
