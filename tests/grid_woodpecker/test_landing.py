"""Who lands where, and the department queue: answered by the permission path (the actions `Clue` declares and the
department handlers' departments), not by role tests in the view or the selector."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import HANDLE, VIEW, departments_for, units_for
from accounts.roles import Role
from grid_woodpecker import selectors
from grid_woodpecker.models import DESK, Clue
from grid_woodpecker.services.clues import clue_accept, clue_dispatch, clue_submit
from organizations.models import UnitKind
from tests.factories import unit

pytestmark = pytest.mark.django_db


def _landing(client_for, user) -> str:
    response = client_for(user).get(reverse("grid_woodpecker:index"))
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("wp_user", "grid_woodpecker:me"),
        ("handler", "grid_woodpecker:department_queue"),
        ("gridworker", "grid_woodpecker:triage"),
        ("community", "grid_woodpecker:triage"),
        ("staff_a", "grid_woodpecker:oversight"),
        ("city_staff", "grid_woodpecker:oversight"),
        ("admin", "grid_woodpecker:triage"),
    ],
)
def test_each_role_lands_on_its_own_work(client_for, wp_world, users, who, page):
    user = wp_world.get(who) or users[who]
    assert _landing(client_for, user) == reverse(page)


def test_a_handler_who_also_triages_lands_on_the_triage_queue(client_for, wp_world, county):
    handler = wp_world["handler"]
    handler.role_assignments.create(role=Role.GRID_WORKER, unit=county["grid_ac"])
    assert _landing(client_for, handler) == reverse("grid_woodpecker:triage")


def test_the_desk_and_the_departments_are_declared_not_tested_by_role(wp_world, users, county):
    assert units_for(wp_world["gridworker"], Clue, DESK) == [county["grid_ac"].path]
    assert units_for(users["staff_a"], Clue, DESK) == []
    assert departments_for(wp_world["handler"], Clue, HANDLE) == [county["agency"].path]
    # A superuser acts through units_for (every unit), not as a department's handler.
    assert departments_for(users["admin"], Clue, HANDLE) == []
    assert departments_for(wp_world["gridworker"], Clue, VIEW) == []


def test_the_department_queue_holds_only_the_clues_dispatched_to_the_handlers_department(wp_world, county):
    other = unit("市水务局", UnitKind.AGENCY, county["city"])
    deadline = timezone.now() + timedelta(days=3)
    clues = []
    for department in (county["agency"], other):
        clue = clue_submit(
            actor=wp_world["wp_user"],
            description="小区东门路灯不亮已经三天",
            category=wp_world["category"],
            check_limits=False,
        )
        clue_accept(clue=clue, actor=wp_world["gridworker"])
        clue_dispatch(clue=clue, department=department, deadline=deadline, actor=wp_world["community"])
        clues.append(clue)
    assert list(selectors.department_queue(user=wp_world["handler"])) == [clues[0]]
    # The grid worker sees both clues in their grid, but neither is in a department queue of theirs.
    assert list(selectors.department_queue(user=wp_world["gridworker"])) == []
