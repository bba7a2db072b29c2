import pytest

from accounts.models import RoleAssignment
from accounts.permissions import SYSTEM
from accounts.roles import Role
from accounts.scoping import CHANGE, restrict, scope_paths
from organizations import services
from organizations.models import OrganizationUnit

pytestmark = pytest.mark.django_db


def _codes(qs):
    return set(qs.values_list("code", flat=True))


def test_township_user_sees_own_subtree_only(county, users):
    visible = _codes(OrganizationUnit.objects.restrict(users["staff_a"]))
    assert "TOWNA0001" in visible and "COMA00001-G01-B01" in visible
    assert not visible & {"TOWNB0001", "VILB10001", "TCITY0001", "TAGENCY01"}


def test_city_staff_sees_all(county, users):
    assert OrganizationUnit.objects.restrict(users["city_staff"]).count() == OrganizationUnit.objects.count()


def test_user_without_role_sees_nothing(county):
    from tests.factories import user_with_role

    assert not OrganizationUnit.objects.restrict(user_with_role("nobody")).exists()


def test_secretary_sees_but_cannot_change_own_village(county, users):
    secretary = users["secretary_a1"]
    assert _codes(OrganizationUnit.objects.restrict(secretary)) == {"VILA10001", "VILA10001-G01"}
    assert not OrganizationUnit.objects.restrict(secretary, CHANGE).exists()


def test_nested_assignments_collapse(county, users):
    staff = users["staff_a"]
    RoleAssignment.objects.create(user=staff, role=Role.TOWNSHIP_STAFF, unit=county["village_a1"])
    staff = type(staff).objects.get(pk=staff.pk)
    assert scope_paths(staff) == [county["township_a"].path]


def test_two_assignments_union(county, users):
    staff = users["staff_a"]
    RoleAssignment.objects.create(user=staff, role=Role.SECRETARY, unit=county["village_b1"])
    staff = type(staff).objects.get(pk=staff.pk)
    visible = _codes(restrict(OrganizationUnit.objects.all(), staff))
    assert "VILB10001" in visible and "TOWNB0001" not in visible
    # The secretary role gives no change right, so township B's village stays read-only.
    assert "VILB10001" not in _codes(restrict(OrganizationUnit.objects.all(), staff, CHANGE))


def test_jurisdiction_follows_a_moved_subtree(county, users):
    secretary = users["secretary_a1"]
    services.unit_move(unit=county["village_a1"], new_parent=county["township_b"], actor=SYSTEM)
    staff_a = type(secretary).objects.get(username="staff_a")
    staff_b = type(secretary).objects.get(username="staff_b")
    assert not OrganizationUnit.objects.restrict(staff_a).filter(code="VILA10001-G01").exists()
    assert OrganizationUnit.objects.restrict(staff_b).filter(code="VILA10001-G01").exists()
    fresh_secretary = type(secretary).objects.get(pk=secretary.pk)
    assert _codes(OrganizationUnit.objects.restrict(fresh_secretary)) == {"VILA10001", "VILA10001-G01"}
