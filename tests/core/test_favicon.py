"""The site's icon: a file committed in static/img, linked from every page and answered at /favicon.ico."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_committed_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == f"{settings.STATIC_URL}img/favicon.ico"
    found = Path(finders.find("img/favicon.ico"))
    assert found.is_relative_to(settings.BASE_DIR / "static") and "vendor" not in found.parts
    assert found.read_bytes()[:4] == b"\0\0\1\0"  # an ICO header


def test_pages_link_the_icon(client):
    body = client.get("/login/").content.decode()
    assert f'<link rel="icon" href="{settings.STATIC_URL}img/favicon.svg" type="image/svg+xml">' in body
    assert finders.find("img/favicon.svg")
