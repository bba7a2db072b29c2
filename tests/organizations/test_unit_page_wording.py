"""What a user reads on a unit's page: its title and its change history."""

import re

import pytest
from django.urls import reverse

from accounts.permissions import SYSTEM
from organizations import services

pytestmark = pytest.mark.django_db


def _title(body: str) -> str:
    return re.search(r"<title>(.*?)</title>", body, re.S).group(1)


def test_title_is_the_unit_name_and_the_site_name(county, users, client_for):
    unit = county["township_a"]
    services.unit_update(unit=unit, actor=SYSTEM, name="甲镇新名")
    body = client_for(users["staff_a"]).get(reverse("organizations:unit_detail", args=[unit.pk])).content.decode()
    assert "<section" in body  # the history is on the page...
    assert _title(body) == "甲镇新名 · 基层党建管理平台"  # ...and not in the title
