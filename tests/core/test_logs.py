"""What services and tasks log (core/logs.py): failures nobody would otherwise see and slow operations, by id and
count, never with personal data."""

import logging
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from accounts import services as account_services
from accounts.permissions import SYSTEM
from accounts.roles import Role
from collective_economy import services as economy_services
from collective_economy.models import RewardRuleKind
from core import imports
from core.logs import timed
from core.tasks import purge_import_uploads
from organizations import services as org_services

pytestmark = pytest.mark.django_db


def test_timed_warns_only_past_its_threshold_with_the_details(caplog):
    logger = logging.getLogger("tests.timed")
    with caplog.at_level(logging.WARNING, logger="tests.timed"):
        with timed(logger, "fast thing", warn_after=60.0, unit=1):
            pass
        with timed(logger, "slow thing", warn_after=0.0, unit=7, year=2024) as details:
            time.sleep(0.01)
            details["rows"] = 3
    assert [r.getMessage().rsplit(" in ", 1)[0] for r in caplog.records] == [
        "slow slow thing: unit 7, year 2024, rows 3"
    ]


def test_timed_lets_an_exception_through_without_a_timing(caplog):
    logger = logging.getLogger("tests.timed")
    with caplog.at_level(logging.WARNING, logger="tests.timed"), pytest.raises(ValueError):
        with timed(logger, "failing thing", warn_after=-1.0):
            raise ValueError("boom")
    assert caplog.records == []


def test_a_slow_subtree_move_is_logged_by_id(county, monkeypatch, caplog):
    monkeypatch.setattr(org_services, "SLOW_SECONDS", -1.0)
    unit, parent = county["village_a1"], county["township_b"]  # the village with its grid
    with caplog.at_level(logging.WARNING, logger="organizations.services"):
        org_services.unit_move(unit=unit, new_parent=parent, actor=SYSTEM)
    [record] = caplog.records
    assert record.getMessage().startswith(
        f"slow subtree move: unit {unit.pk}, parent {parent.pk}, units 2, cached 0, moved 2 in "
    )
    assert unit.name not in caplog.text and unit.code not in caplog.text


def test_a_slow_reward_computation_is_logged_by_scope_and_year(county, users, monkeypatch, caplog):
    economy_services.reward_scheme_create(
        unit=county["city"],
        name="奖励办法",
        effective_year=2024,
        village_cap=Decimal("25000.00"),
        rules=[
            dict(kind=RewardRuleKind.THRESHOLD_CROSSING, threshold=Decimal("200000.00"), amount=Decimal("10000.00"))
        ],
        actor=users["city_staff"],
    )
    monkeypatch.setattr(economy_services, "SLOW_SECONDS", -1.0)
    with caplog.at_level(logging.WARNING, logger="collective_economy.services"):
        economy_services.rewards_compute(scope=county["city"], year=2024, actor=users["city_staff"])
    messages = [r.getMessage() for r in caplog.records]
    assert [m.split(", villages")[0] for m in messages] == [
        f"slow reward computation: scope {county['city'].pk}, year 2024"
    ]


def test_a_refused_role_grant_is_logged_without_names(county, users, caplog):
    target = users["secretary_a1"]
    with caplog.at_level(logging.WARNING, logger="accounts.services"), pytest.raises(PermissionDenied):
        account_services.role_grant(user=target, role=Role.ORG_DEPARTMENT, unit=county["city"], actor=users["staff_a"])
    # Township staff may not grant the organization department's role (above their own, outside their subtree).
    assert [r.getMessage() for r in caplog.records if r.name == "accounts.services"] == [
        f"role grant refused: actor {users['staff_a'].pk}, role org_department, unit {county['city'].pk}"
    ]
    for name in ("staff_a", "secretary_a1", county["city"].name):
        assert name not in caplog.text


def test_an_upload_that_cannot_be_deleted_is_logged_without_its_token(users, settings, monkeypatch, caplog):
    token = imports.store(user=users["staff_a"], kind="cadres_members", name="a.csv", content=b"name\n")
    kept = imports.store(user=users["staff_b"], kind="cadres_members", name="b.csv", content=b"name\n")
    stale = time.time() - (settings.IMPORT_UPLOAD_MAX_AGE_HOURS + 1) * 3600
    for path in Path(settings.IMPORT_UPLOAD_ROOT).glob("*/*"):
        os.utime(path, (stale, stale))
    unlink = Path.unlink

    def refuse_one(path, *args, **kwargs):
        if token in path.name:
            raise PermissionError(13, "Permission denied", str(path))
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", refuse_one)
    with caplog.at_level(logging.INFO, logger="core"):
        assert purge_import_uploads.apply().get() == 1  # the other expired upload is still purged
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in errors] == [
        f"expired import upload not deleted: user directory {users['staff_a'].pk}, kind cadres_members: "
        "Permission denied"
    ]
    assert "purged 1 expired import uploads" in caplog.text
    assert token not in caplog.text and kept not in caplog.text
