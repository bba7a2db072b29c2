"""The clue closed loop: every allowed transition, every refused one, the history, duplicates and limits."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grid_woodpecker import selectors
from grid_woodpecker.models import Clue, ClueEvent, ClueStatus, Rating, WoodpeckerStatus
from grid_woodpecker.services.clues import (
    TRANSITIONS,
    clue_accept,
    clue_dispatch,
    clue_handle_in_community,
    clue_merge,
    clue_rate,
    clue_recategorize,
    clue_reject,
    clue_resolve,
    clue_start,
    clue_submit,
    move,
)
from grid_woodpecker.services.config import abuse_list_add
from grid_woodpecker.services.woodpeckers import woodpecker_confirm
from tests.grid_woodpecker import helpers

pytestmark = pytest.mark.django_db


def submit(world, text="小区东门路灯不亮已经三天", **kw):
    kw.setdefault("category", world["category"])
    return clue_submit(actor=world["wp_user"], description=text, check_limits=False, **kw)


def test_submitted_clue_lands_in_reporter_grid_with_history(wp_world, county):
    clue = submit(wp_world)
    assert clue.grid == county["grid_ac"] and clue.status == ClueStatus.SUBMITTED
    event = clue.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", ClueStatus.SUBMITTED, wp_world["wp_user"])


def test_full_loop_community_handles_and_reporter_is_satisfied(wp_world):
    gw, reporter = wp_world["gridworker"], wp_world["wp_user"]
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=gw, note="属实")
    clue_handle_in_community(clue=clue, actor=wp_world["community"])
    clue_resolve(clue=clue, resolution="已更换灯泡", actor=wp_world["community"])
    clue_rate(clue=clue, rating=Rating.SATISFIED, actor=reporter)
    clue.refresh_from_db()
    assert clue.status == ClueStatus.CLOSED and clue.closed_at
    steps = list(clue.events.values_list("from_status", "to_status", "actor"))
    assert steps == [
        ("", "submitted", reporter.pk),
        ("submitted", "accepted", gw.pk),
        ("accepted", "in_progress", wp_world["community"].pk),
        ("in_progress", "resolved", wp_world["community"].pk),
        ("resolved", "closed", reporter.pk),
    ]
    assert clue.events.get(to_status="accepted").note == "属实"


def test_department_loop_and_unsatisfied_rating_reopens(wp_world, county):
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    deadline = timezone.now() + timedelta(days=3)
    clue_dispatch(clue=clue, department=county["agency"], deadline=deadline, actor=wp_world["community"])
    clue.refresh_from_db()
    assert clue.status == ClueStatus.DISPATCHED and clue.deadline == deadline
    assert clue in selectors.department_queue(user=wp_world["handler"])
    clue_start(clue=clue, actor=wp_world["handler"])
    clue_resolve(clue=clue, resolution="已清理", actor=wp_world["handler"])
    clue_rate(clue=clue, rating=Rating.UNSATISFIED, reason="还有垃圾", actor=wp_world["wp_user"])
    clue.refresh_from_db()
    assert clue.status == ClueStatus.IN_PROGRESS and clue.rating == Rating.UNSATISFIED
    assert "还有垃圾" in clue.events.last().note


def test_reject_requires_reason_and_merge_points_to_original(wp_world):
    first, second, third = submit(wp_world), submit(wp_world), submit(wp_world)
    with pytest.raises(ValidationError) as err:
        clue_reject(clue=second, reason=" ", actor=wp_world["gridworker"])
    assert "reason" in err.value.message_dict
    clue_reject(clue=second, reason="不在本网格", actor=wp_world["gridworker"])
    clue_merge(clue=third, original=first, actor=wp_world["gridworker"])
    second.refresh_from_db(), third.refresh_from_db()
    assert second.status == ClueStatus.REJECTED and second.reject_reason == "不在本网格"
    assert third.status == ClueStatus.MERGED and third.duplicate_of == first


# Every (from, to) pair not in TRANSITIONS is refused by the state machine itself.
REFUSED = [(a, b) for a in ClueStatus.values for b in ClueStatus.values if b not in TRANSITIONS[a]]


@pytest.mark.parametrize("from_status,to_status", REFUSED)
def test_state_machine_refuses_transition(wp_world, from_status, to_status):
    original, clue = submit(wp_world), submit(wp_world)
    Clue.objects.filter(pk=clue.pk).update(status=from_status, reject_reason="x", duplicate_of=original)
    clue.refresh_from_db()
    events = ClueEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        move(clue, to_status, actor=wp_world["gridworker"])
    assert "不能" in str(err.value) or "cannot" in str(err.value)
    assert ClueEvent.objects.count() == events


@pytest.mark.parametrize("status", [s for s in ClueStatus.values if s != ClueStatus.SUBMITTED])
def test_triage_refused_unless_submitted(wp_world, status):
    clue = submit(wp_world)
    Clue.objects.filter(pk=clue.pk).update(status=status, reject_reason="x", duplicate_of=submit(wp_world))
    with pytest.raises(ValidationError):
        clue_accept(clue=clue, actor=wp_world["gridworker"])
    with pytest.raises(ValidationError):
        clue_merge(clue=clue, original=submit(wp_world), actor=wp_world["gridworker"])


def test_service_guards_refuse_out_of_order_steps(wp_world):
    clue = submit(wp_world)
    with pytest.raises(ValidationError):
        clue_handle_in_community(clue=clue, actor=wp_world["gridworker"])
    with pytest.raises(ValidationError):
        clue_start(clue=clue, actor=wp_world["gridworker"])
    with pytest.raises(ValidationError):
        clue_resolve(clue=clue, resolution="x", actor=wp_world["gridworker"])
    with pytest.raises(ValidationError):
        clue_rate(clue=clue, rating=Rating.SATISFIED, actor=wp_world["wp_user"])
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue_handle_in_community(clue=clue, actor=wp_world["gridworker"])
    clue_resolve(clue=clue, resolution="done", actor=wp_world["gridworker"])
    with pytest.raises(ValidationError) as err:
        clue_rate(clue=clue, rating=Rating.UNSATISFIED, reason="", actor=wp_world["wp_user"])
    assert "reason" in err.value.message_dict


def test_only_staff_of_the_grid_triage_and_only_reporter_rates(wp_world, users):
    clue = submit(wp_world)
    for outsider in (users["staff_b"], wp_world["wp_user"], wp_world["handler"]):
        with pytest.raises(PermissionDenied):
            clue_accept(clue=clue, actor=outsider)
    clue_accept(clue=clue, actor=users["staff_a"])
    clue_handle_in_community(clue=clue, actor=users["staff_a"])
    with pytest.raises(PermissionDenied):  # community handling: the department handler has no say
        clue_resolve(clue=clue, resolution="x", actor=wp_world["handler"])
    clue_resolve(clue=clue, resolution="x", actor=users["staff_a"])
    with pytest.raises(PermissionDenied):
        clue_rate(clue=clue, rating=Rating.SATISFIED, actor=users["staff_a"])


def test_recategorize_and_redispatch_keep_history(wp_world, county):
    from organizations.models import UnitKind
    from tests.factories import unit

    second_agency = unit("市住建局", UnitKind.AGENCY, county["city"])
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue_recategorize(clue=clue, category=wp_world["other_category"], actor=wp_world["gridworker"])
    clue.refresh_from_db()
    assert clue.category == wp_world["other_category"]
    assert clue.deadline == clue.accepted_at + timedelta(days=2)
    clue_dispatch(clue=clue, department=county["agency"], actor=wp_world["gridworker"])
    clue_dispatch(clue=clue, department=second_agency, actor=wp_world["gridworker"])
    clue.refresh_from_db()
    assert clue.department == second_agency
    kinds = list(clue.events.values_list("kind", flat=True))
    assert kinds == ["transition", "transition", "recategorize", "transition", "redispatch"]
    assert county["agency"].name in clue.events.last().note
    assert clue not in selectors.department_queue(user=wp_world["handler"])


def test_duplicates_suggested_by_distance_and_text(wp_world):
    first = submit(wp_world, text="三号楼楼道堆满杂物堵塞消防通道", latitude="29.700000", longitude="112.400000")
    unrelated = submit(wp_world, text="广场舞噪音太大影响休息")
    other_cat = submit(wp_world, text="三号楼楼道堆满杂物堵塞消防通道", category=wp_world["other_category"])
    new = submit(wp_world, text="三号楼楼道杂物堵塞了消防通道", latitude="29.700500", longitude="112.400300")
    found = dict((c.pk, why) for c, why in selectors.clue_duplicate_candidates(user=wp_world["gridworker"], clue=new))
    assert found == {first.pk: "near"}
    assert unrelated.pk not in found and other_cat.pk not in found
    far = submit(wp_world, text="三号楼楼道杂物堵塞消防通道啦")
    found = dict((c.pk, why) for c, why in selectors.clue_duplicate_candidates(user=wp_world["gridworker"], clue=far))
    assert found.get(first.pk) == "text"


def test_rate_limit_gives_clear_chinese_refusal(wp_world):
    for _ in range(5):
        clue_submit(actor=wp_world["wp_user"], category=wp_world["category"], description="路灯不亮了请修")
    with pytest.raises(ValidationError) as err:
        clue_submit(actor=wp_world["wp_user"], category=wp_world["category"], description="路灯不亮了请修")
    assert err.value.code == "rate_limited"
    assert "过于频繁" in err.value.messages[0]
    assert Clue.objects.count() == 5


def test_abuse_listed_user_cannot_file(wp_world, county):
    abuse_list_add(user=wp_world["wp_user"], unit=county["community_a"], reason="恶意刷单", actor=wp_world["community"])
    with pytest.raises(ValidationError) as err:
        submit(wp_world)
    assert "恶意刷单" in err.value.messages[0]


def test_pending_woodpecker_cannot_file_until_confirmed(county, wp_world):
    pending = helpers.signup(county["grid_ac"], name="李四")
    assert pending.status == WoodpeckerStatus.PENDING and not pending.user.has_role("woodpecker")
    with pytest.raises(ValidationError):
        clue_submit(actor=pending.user, category=wp_world["category"], description="路灯不亮了请修")
    woodpecker_confirm(woodpecker=pending, actor=wp_world["gridworker"])
    pending.user.__dict__.pop("_role_names", None)
    assert pending.user.has_role("woodpecker")
    assert clue_submit(actor=pending.user, category=wp_world["category"], description="路灯不亮了请修")


def test_public_version_hides_reporter(wp_world, county):
    clue = submit(wp_world)
    rows = list(selectors.public_clues(grid=county["grid_ac"]))
    assert rows == [clue]
    from grid_woodpecker.api.serializers import PublicClueSerializer

    data = PublicClueSerializer(rows[0]).data
    assert "reporter" not in data and wp_world["woodpecker"].person.name not in str(data)


def test_woodpecker_sees_only_own_clues(wp_world, county):
    mine = submit(wp_world)
    neighbour = helpers.woodpecker(county["grid_ac"])
    theirs = clue_submit(actor=neighbour.user, category=wp_world["category"], description="井盖缺失很危险")
    visible = set(Clue.objects.restrict(wp_world["wp_user"]))
    assert mine in visible and theirs not in visible
    assert {mine, theirs} <= set(Clue.objects.restrict(wp_world["gridworker"]))


def test_records_changed_announced_after_commit_on_accept_and_rating(
    wp_world, county, django_capture_on_commit_callbacks
):
    from core import events

    seen = []

    def listener(*, source, unit_ids, year):
        seen.append((source, tuple(unit_ids), year))

    events.subscribe(listener)
    try:
        clue = submit(wp_world)
        with django_capture_on_commit_callbacks(execute=True):
            clue_accept(clue=clue, actor=wp_world["gridworker"])
        grid, community = county["grid_ac"], county["community_a"]
        assert seen == [("grid_woodpecker", tuple(sorted([grid.pk, community.pk])), timezone.now().year)]
    finally:
        events._subscribers.remove(listener)


def test_oversight_satisfaction_counts_reopening_ratings(wp_world, users):
    clue = submit(wp_world)
    clue_accept(clue=clue, actor=wp_world["gridworker"])
    clue_handle_in_community(clue=clue, actor=wp_world["gridworker"])
    clue_resolve(clue=clue, resolution="已处理", actor=wp_world["gridworker"])
    clue_rate(clue=clue, rating=Rating.UNSATISFIED, reason="没修好", actor=wp_world["wp_user"])
    clue_resolve(clue=clue, resolution="再次处理", actor=wp_world["gridworker"])
    clue_rate(clue=clue, rating=Rating.SATISFIED, actor=wp_world["wp_user"])
    data = selectors.oversight(user=users["staff_a"])
    assert (data["satisfied"], data["rated"], data["satisfaction"]) == (1, 2, 50.0)
