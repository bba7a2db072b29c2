"""The one permission path: can(), can_at(), units_for(), require() and the SYSTEM actor."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts.permissions import SYSTEM, can, can_at, require, require_at, units_for, units_queryset
from accounts.roles import Role
from accounts.scoping import CHANGE, VIEW, restrict, roles_for
from organizations.models import OrganizationUnit


@pytest.mark.django_db
def test_can_agrees_with_restrict_for_every_user_and_unit(county, users):
    for user in users.values():
        for action in (VIEW, CHANGE):
            visible = set(restrict(OrganizationUnit.objects.all(), user, action).values_list("pk", flat=True))
            for unit in county.values():
                assert can(user, action, unit) == (unit.pk in visible), (user.username, action, unit.name)


@pytest.mark.django_db
def test_township_staff_change_only_inside_own_subtree(county, users):
    staff_a = users["staff_a"]
    assert can(staff_a, CHANGE, county["village_a1"])
    assert not can(staff_a, CHANGE, county["village_b1"])
    assert not can(staff_a, CHANGE, county["city"])
    assert can_at(staff_a, CHANGE, OrganizationUnit, county["grid_a1"])
    assert not can_at(staff_a, CHANGE, OrganizationUnit, county["grid_b1"])
    assert units_for(staff_a, OrganizationUnit, CHANGE) == [county["township_a"].path]
    assert set(units_queryset(staff_a, OrganizationUnit, CHANGE)) == {
        u for u in county.values() if u.path.startswith(county["township_a"].path)
    }


@pytest.mark.django_db
def test_secretary_sees_but_may_not_change_units(county, users):
    secretary = users["secretary_a1"]
    assert can(secretary, VIEW, county["grid_a1"])
    assert not can(secretary, CHANGE, county["grid_a1"])
    with pytest.raises(PermissionDenied):
        require(secretary, CHANGE, county["grid_a1"])


@pytest.mark.django_db
def test_anonymous_none_and_inactive_users_may_do_nothing(county, users):
    unit = county["village_a1"]
    assert not can(None, VIEW, unit)
    assert not can(AnonymousUser(), VIEW, unit)
    staff_a = users["staff_a"]
    staff_a.is_active = False
    assert not can(staff_a, VIEW, unit)
    assert units_for(None, OrganizationUnit, VIEW) == []


@pytest.mark.django_db
def test_system_actor_is_explicit_and_allowed(county):
    assert can(SYSTEM, CHANGE, county["city"])
    require_at(SYSTEM, CHANGE, OrganizationUnit, [county["grid_b1"], county["grid_a1"]])
    assert str(SYSTEM)


@pytest.mark.django_db
def test_every_referenced_unit_must_be_in_scope(county, users):
    with pytest.raises(PermissionDenied):
        require_at(users["staff_a"], CHANGE, OrganizationUnit, [county["village_a1"], county["village_b1"]])
    require_at(users["staff_a"], CHANGE, OrganizationUnit, [county["village_a1"], county["grid_a1"]])


def test_undeclared_action_is_a_programming_error():
    with pytest.raises(ValueError):
        roles_for(OrganizationUnit, "fly")
    assert roles_for(OrganizationUnit, CHANGE) == (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF)


@pytest.mark.django_db
def test_can_needs_a_saved_object(county, users):
    with pytest.raises(ValueError):
        can(users["staff_a"], CHANGE, OrganizationUnit(name="x"))
