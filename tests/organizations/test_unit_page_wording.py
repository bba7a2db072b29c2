"""What a user reads on a unit's page: its title and its change history."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.permissions import SYSTEM
from goals import services as goals
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


def _history(client, unit) -> str:
    body = client.get(reverse("organizations:unit_detail", args=[unit.pk])).content.decode()
    return re.search(r'<table id="history">.*?</table>', body, re.S).group(0)


def test_history_speaks_chinese(county, users, client_for):
    unit = county["township_a"]
    goals.target_set(indicator="demonstration_villages", unit=unit, year=2024, value=70, actor=SYSTEM)
    goals.target_set(indicator="demonstration_villages", unit=unit, year=2024, value=Decimal("75.5"), actor=SYSTEM)
    services.unit_update(unit=unit, actor=SYSTEM, is_active=False)
    services.party_org_update(
        party_org=unit.party_org,
        actor=SYSTEM,
        founded_on=date(2024, 7, 1),
        status="weak_and_lax",
        rectification_started_on=date(2024, 8, 1),
    )
    history = _history(client_for(users["staff_a"]), unit)
    assert "设定目标" in history and "target.set" not in history
    assert "目标值由（空）改为 70<" in history  # a new target: no value before, no trailing zeros
    assert "备注由" not in history  # None → "": not a change
    assert "目标值由 70 改为 75.5" in history
    assert "由 是 改为 否" in history  # is_active
    assert "成立日期由（空）改为 2024年7月1日" in history
    assert "由 正常 改为 软弱涣散" in history  # a choice by its label
    assert "None" not in history and "→" not in history and "True" not in history
