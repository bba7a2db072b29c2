"""Targets and report confirmations ask accounts.permissions: organization-department staff set targets in their
subtree, staff and secretaries confirm their units' reports; a role without the action is refused (403), another
subtree is not found (404), and no actor is refused."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import RoleAssignment
from accounts.permissions import SYSTEM
from accounts.roles import Role
from core.models import AuditEntry
from goals import services
from goals.models import ReportConfirmation, Target
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
TARGETS = "/api/v1/goals/targets/"


@pytest.fixture
def grid_a(county):
    """A role that sees township A's units but holds no goals action there."""
    return user_with_role("grid_worker_a", Role.GRID_WORKER, county["township_a"])


@pytest.fixture
def org_b(county):
    """Organization-department staff whose subtree is township B only: out of scope for township A."""
    return user_with_role("orgdept_b", Role.ORG_DEPARTMENT, county["township_b"], staff=True)


def _set(county, actor, unit="township_a", value=3):
    return services.target_set(
        indicator="demonstration_villages", unit=county[unit], year=2024, value=value, actor=actor
    )


def test_target_set_and_delete_by_org_department_in_scope(county, users):
    target = _set(county, users["city_staff"])
    services.target_delete(target=target, actor=users["city_staff"])
    assert not Target.objects.exists()


@pytest.mark.parametrize("who", ["staff_a", "secretary_a1", "external"])
def test_roles_without_the_target_action_are_refused(county, users, who):
    with pytest.raises(PermissionDenied):
        _set(county, users[who])
    target = _set(county, SYSTEM)
    with pytest.raises(PermissionDenied):
        services.target_delete(target=target, actor=users[who])
    assert Target.objects.filter(pk=target.pk).exists()


def test_org_department_of_another_subtree_is_refused(county, org_b):
    with pytest.raises(PermissionDenied):
        _set(county, org_b)
    _set(county, org_b, unit="township_b")


def test_no_actor_is_refused_and_system_is_recorded(county):
    with pytest.raises(PermissionDenied):
        _set(county, None)
    with pytest.raises(PermissionDenied):
        services.report_confirm(source="organizations", unit=county["village_a1"], year=2024, actor=None)
    target = _set(county, SYSTEM)
    entry = AuditEntry.objects.get(action="target.set", object_id=str(target.pk))
    assert entry.actor is None and entry.changes["by"] == "system"


@pytest.mark.parametrize("who", ["secretary_a1", "staff_a", "city_staff"])
def test_secretary_and_staff_confirm_in_scope(county, users, who):
    confirmation = services.report_confirm(
        source="organizations", unit=county["village_a1"], year=2024, actor=users[who]
    )
    assert confirmation.confirmed_by == users[who]


def test_confirm_refused_without_the_role_or_outside_scope(county, users):
    for who in ("external", "staff_b"):
        with pytest.raises(PermissionDenied):
            services.report_confirm(source="organizations", unit=county["village_a1"], year=2024, actor=users[who])
    assert not ReportConfirmation.objects.exists()


def test_confirm_page_403_for_a_role_without_it_and_404_outside(county, users, client_for, grid_a):
    url = f"/goals/units/{county['village_a1'].pk}/confirm/?year=2024"
    assert client_for(grid_a).post(url, {"source": "organizations"}).status_code == 403
    assert client_for(users["staff_b"]).post(url, {"source": "organizations"}).status_code == 404
    assert client_for(users["secretary_a1"]).post(url, {"source": "organizations"}).status_code == 302
    assert ReportConfirmation.objects.count() == 1


def test_targets_page_and_defaults_follow_can(county, users, client_for, org_b):
    unit = county["township_a"]
    url = reverse("goals:targets", args=[unit.pk]) + "?year=2024"
    body = {"indicator": "demonstration_villages", "year": 2024, "value": "3", "note": ""}
    staff = client_for(users["staff_a"])
    assert staff.get(url).context["can_set"] is False
    assert staff.post(url, body).status_code == 403
    assert staff.post(reverse("goals:targets_defaults", args=[unit.pk])).status_code == 403
    assert client_for(org_b).post(url, body).status_code == 404
    city = client_for(users["city_staff"])
    assert city.get(url).context["can_set"] is True
    assert city.post(url, body).status_code == 302
    assert Target.objects.filter(unit=unit).count() == 1


def test_defaults_on_a_unit_that_takes_no_targets_is_403_not_500(county, users, client_for):
    url = reverse("goals:targets_defaults", args=[county["village_a1"].pk])
    assert client_for(users["city_staff"]).post(url).status_code == 403


def test_dashboard_buttons_follow_can(county, users, client_for, grid_a):
    township = reverse("goals:dashboard", args=[county["township_a"].pk])
    village = reverse("goals:dashboard", args=[county["village_a1"].pk])
    assert client_for(users["city_staff"]).get(township).context["can_set_targets"] is True
    assert client_for(users["staff_a"]).get(township).context["can_set_targets"] is False
    assert client_for(users["secretary_a1"]).get(village).context["can_confirm"] is True
    assert client_for(grid_a).get(village).context["can_confirm"] is False


def test_import_page_needs_the_target_action_somewhere(county, users, client_for, org_b):
    url = reverse("imports:start", args=["targets"])
    assert client_for(users["staff_a"]).get(url).status_code == 403
    assert client_for(org_b).get(url).status_code == 200


def test_api_target_change_403_without_action_404_outside(county, users, api_for, org_b):
    target = _set(county, SYSTEM)
    url = f"{TARGETS}{target.pk}/"
    assert api_for(users["staff_a"]).patch(url, {"value": "5"}, format="json").status_code == 403
    assert api_for(users["staff_b"]).patch(url, {"value": "5"}, format="json").status_code == 404
    assert api_for(org_b).delete(url).status_code == 404
    assert api_for(users["city_staff"]).patch(url, {"value": "5"}, format="json").status_code == 200
    assert Target.objects.get(pk=target.pk).value == 5


def test_admin_unit_choices_are_where_the_model_may_be_changed(county, users, client_for):
    # Township staff may use the back office, but a target's unit is the organization department's to choose.
    response = client_for(users["staff_a"]).get(reverse("admin:goals_target_add"))
    assert response.status_code == 200
    assert not list(response.context["adminform"].form.fields["unit"].queryset)
    RoleAssignment.objects.create(user=users["staff_a"], role=Role.ORG_DEPARTMENT, unit=county["township_a"])
    response = client_for(users["staff_a"]).get(reverse("admin:goals_target_add"))
    assert response.status_code == 200
    units = set(response.context["adminform"].form.fields["unit"].queryset)
    assert county["township_a"] in units and county["township_b"] not in units
