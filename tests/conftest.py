import pytest
from rest_framework.test import APIClient

from tests import factories


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


def pytest_configure(config):
    from django.conf import settings

    # Hashing test passwords with PBKDF2 costs ~0.5 s a user; the tests check scoping, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _import_uploads_in_tmp(settings, tmp_path):
    """Sheets held between an import's check and its confirmation go to the test's own directory."""
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "imports"
