"""The beat jobs, called directly: overdue cards, auto-close, idempotent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.permissions import SYSTEM
from grid_woodpecker import tasks
from grid_woodpecker.models import Clue, ClueEvent, ClueStatus, OverdueFlag
from grid_woodpecker.services.clues import clue_accept, clue_handle_in_community, clue_resolve, clue_submit
from grid_woodpecker.services.points import policy_set

pytestmark = pytest.mark.django_db


def accepted(world):
    clue = clue_submit(
        actor=world["wp_user"], category=world["category"], description="路灯不亮了请修", check_limits=False
    )
    return clue_accept(clue=clue, actor=world["gridworker"])


def test_overdue_job_gives_yellow_then_red_cards_once(wp_world):
    on_time, late, very_late = accepted(wp_world), accepted(wp_world), accepted(wp_world)
    now = timezone.now()
    Clue.objects.filter(pk=late.pk).update(deadline=now - timedelta(hours=2))
    Clue.objects.filter(pk=very_late.pk).update(deadline=now - timedelta(days=4))
    assert tasks.flag_overdue_clues() == {late.pk: OverdueFlag.YELLOW, very_late.pk: OverdueFlag.RED}
    assert tasks.flag_overdue_clues() == {}
    flags = dict(Clue.objects.values_list("pk", "flag"))
    assert flags == {on_time.pk: "", late.pk: "yellow", very_late.pk: "red"}
    assert ClueEvent.objects.filter(kind="flag").count() == 2
    Clue.objects.filter(pk=late.pk).update(deadline=now - timedelta(days=5))
    assert tasks.flag_overdue_clues() == {late.pk: OverdueFlag.RED}


def test_overdue_card_lifted_when_clue_resolved(wp_world):
    clue = accepted(wp_world)
    Clue.objects.filter(pk=clue.pk).update(deadline=timezone.now() - timedelta(hours=1))
    tasks.flag_overdue_clues()
    clue_handle_in_community(clue=clue, actor=wp_world["gridworker"])
    clue_resolve(clue=clue, resolution="已处理", actor=wp_world["gridworker"])
    assert tasks.flag_overdue_clues() == {clue.pk: OverdueFlag.NONE}


def test_oversight_lists_overdue(wp_world, users):
    from grid_woodpecker import selectors

    clue = accepted(wp_world)
    Clue.objects.filter(pk=clue.pk).update(deadline=timezone.now() - timedelta(days=5))
    tasks.flag_overdue_clues()
    data = selectors.oversight(user=users["staff_a"])
    assert data["red"] == 1 and list(data["overdue"]) == [clue]
    assert selectors.oversight(user=users["staff_b"])["red"] == 0


def test_unrated_resolved_clue_closes_itself(wp_world):
    clue = accepted(wp_world)
    clue_handle_in_community(clue=clue, actor=wp_world["gridworker"])
    clue_resolve(clue=clue, resolution="已处理", actor=wp_world["gridworker"])
    assert tasks.auto_close_unrated_clues() == []
    Clue.objects.filter(pk=clue.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    assert tasks.auto_close_unrated_clues() == [clue.pk]
    assert tasks.auto_close_unrated_clues() == []
    clue.refresh_from_db()
    assert clue.status == ClueStatus.CLOSED and clue.events.last().actor is None


def test_expire_points_task(wp_world, county):
    from datetime import date

    from grid_woodpecker.models import PointsAccount, PointsEntry

    policy_set(unit=county["city"], effective_from=date(2020, 1, 1), expiry_days=1, actor=SYSTEM)
    clue = accepted(wp_world)
    PointsEntry.objects.filter(clue=clue).update(expires_on=timezone.localdate() - timedelta(days=2))
    assert tasks.expire_points() == 10
    assert tasks.expire_points() == 0
    assert PointsAccount.objects.get(woodpecker=wp_world["woodpecker"]).balance == 0


def test_jobs_log_their_time_and_slow_runs_without_personal_data(wp_world, monkeypatch, caplog):
    clue = accepted(wp_world)
    Clue.objects.filter(pk=clue.pk).update(deadline=timezone.now() - timedelta(days=1))
    with caplog.at_level("INFO", logger="grid_woodpecker"):
        tasks.flag_overdue_clues()
    assert any(r.levelname == "INFO" and "flag_overdue_clues took" in r.getMessage() for r in caplog.records)
    assert any(f"clue {clue.pk} supervision flag" in r.getMessage() for r in caplog.records)
    logged = [r.getMessage() for r in caplog.records]
    caplog.clear()
    monkeypatch.setattr(tasks, "SLOW_JOB_SECONDS", -1)
    with caplog.at_level("INFO", logger="grid_woodpecker"):
        tasks.expire_points()
    assert [r.levelname for r in caplog.records if "expire_points took" in r.getMessage()] == ["WARNING"]
    logged = " ".join(logged + [r.getMessage() for r in caplog.records])
    assert wp_world["woodpecker"].person.name not in logged and wp_world["wp_user"].username not in logged
