import pytest
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    """Rate-limit counters live in the cache (Redis in the tests): every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def county(db):
    return factories.build_county()


@pytest.fixture
def users(county):
    return factories.build_users(county)


@pytest.fixture
def client_for(client):
    """A Django test client logged in as the given user."""

    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for():
    """A DRF API client authenticated as the given user."""

    def make(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    return make


# Test-only keys, the same as the Makefile's TEST_KEYS: with DEBUG off the portal refuses its built-in keys
# (core/checks.py), and subprocesses started by tests (the Celery worker) inherit these from the environment.
TEST_KEYS = {
    "SECRET_KEY": "test-only-secret-key-not-for-any-deployment-5f0c9e2a7b41d836",
    "FIELD_ENCRYPTION_KEY": "test-only-field-key-not-for-any-deployment-93ad27c4e1b6f058",
}


def pytest_configure(config):
    import os

    from django.conf import settings

    from core import crypto

    for name, value in TEST_KEYS.items():
        os.environ.setdefault(name, value)
        setattr(settings, name, os.environ[name])
    crypto.reset()

    # Hashing test passwords with PBKDF2 costs ~0.5 s a user; the tests check scoping, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _import_uploads_in_tmp(settings, tmp_path):
    """Sheets held between an import's check and its confirmation go to the test's own directory."""
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "imports"


def pytest_addoption(parser):
    parser.addoption(
        "--update-query-counts",
        action="store_true",
        default=False,
        help="rewrite tests/query_counts/<app>.json with the counts measured (tests/test_query_counts.py)",
    )
