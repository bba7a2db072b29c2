"""MEDIA_ROOT is never served as a folder, not even with DEBUG on (dangjian/urls.py): a clue photo, a report's
attachment or the public copy of a cleared photo is reached only through its own view."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, get_resolver

import dangjian.urls

pytestmark = pytest.mark.django_db

PRIVATE = ("woodpecker/clues/1/photo.jpg", "reporting/attachments/report.pdf", "woodpecker/public/copy.jpg")


@pytest.fixture
def debug_urls(settings, tmp_path):
    """The URL configuration as it is built with DEBUG on, and files in a MEDIA_ROOT of their own."""
    settings.MEDIA_ROOT = str(tmp_path)
    for name in PRIVATE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"private")
    with override_settings(DEBUG=True):
        importlib.reload(dangjian.urls)
        clear_url_caches()
        yield get_resolver()
    importlib.reload(dangjian.urls)
    clear_url_caches()


def test_private_media_answers_404_with_debug_on(debug_urls, client, users):
    client.force_login(users["admin"])  # even the superuser: the folder itself is not a route
    for name in PRIVATE:
        response = client.get(f"/media/{name}")
        assert response.status_code == 404, name
        assert b"private" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_no_route_serves_the_media_folder(debug_urls):
    patterns = [str(p.pattern).lstrip("^") for p in debug_urls.url_patterns]
    assert not [p for p in patterns if p.startswith("media")], patterns
