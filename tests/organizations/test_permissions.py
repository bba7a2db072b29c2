"""Every write of the organization tree asks accounts.permissions: the right role in scope succeeds, a role without
the action is refused (PermissionDenied, 403), a unit outside the scope is not found (404), no actor is refused and
the SYSTEM actor is recorded as the system."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from organizations import services
from organizations.models import OrganizationUnit

pytestmark = pytest.mark.django_db
UNITS = "/api/v1/organizations/units/"


def _create(parent, actor, code="PERM00001"):
    return services.unit_create(name="新村", code=code, kind="village", parent=parent, actor=actor)


WRITES = {
    "create": lambda county, actor: _create(county["township_a"], actor),
    "update": lambda county, actor: services.unit_update(unit=county["village_a2"], actor=actor, name="甲二村新名"),
    "move": lambda county, actor: services.unit_move(
        unit=county["grid_a1"], new_parent=county["village_a2"], actor=actor
    ),
    "delete": lambda county, actor: services.unit_delete(unit=county["grid_a1"], actor=actor),
    "party_org": lambda county, actor: services.party_org_update(
        party_org=county["village_a1"].party_org, actor=actor, name="甲一村党总支"
    ),
    "title": lambda county, actor: services.demonstration_title_grant(
        party_org=county["village_a1"].party_org, year=2024, title="village", actor=actor
    ),
    "bulk": lambda county, actor: services.units_bulk_create(
        rows=[{"name": "批量村", "code": "BULK00001", "kind": "village", "parent_code": "TOWNA0001"}], actor=actor
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_township_staff_in_scope_may_write(county, users, write):
    WRITES[write](county, users["staff_a"])


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["secretary_a1", "staff_b", "external"])
def test_other_roles_and_other_townships_are_refused(county, users, write, who):
    before = AuditEntry.objects.count()
    with pytest.raises((PermissionDenied, ValidationError)) as info:
        WRITES[write](county, users[who])
    if write == "bulk":  # the batch reports the parent out of scope as a row error
        assert "管辖范围" in " ".join(info.value.messages)
    else:
        assert info.type is PermissionDenied
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("write", WRITES)
def test_no_actor_is_refused(county, write):
    with pytest.raises((PermissionDenied, ValidationError)):
        WRITES[write](county, None)


def test_move_checks_both_ends(county, users):
    # The unit lies in township A's scope, the new parent in township B's: neither staff may move it.
    for who in ("staff_a", "staff_b"):
        with pytest.raises(PermissionDenied):
            services.unit_move(unit=county["grid_a1"], new_parent=county["village_b1"], actor=users[who])
    services.unit_move(unit=county["grid_a1"], new_parent=county["village_b1"], actor=users["city_staff"])


def test_top_level_units_are_for_superusers_and_the_system(county, users):
    with pytest.raises(ValidationError):
        services.unit_create(name="外市", code="OTHER0001", kind="city", parent=None, actor=users["city_staff"])
    services.unit_create(name="外市", code="OTHER0001", kind="city", parent=None, actor=users["admin"])
    services.unit_create(name="外市二", code="OTHER0002", kind="city", parent=None, actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        services.unit_create(name="外市三", code="OTHER0003", kind="city", parent=None, actor=None)


def test_system_actor_is_recorded_as_the_system(county):
    unit = _create(county["township_a"], SYSTEM)
    entry = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
    assert entry.actor is None and entry.changes["by"] == "system"
    services.units_bulk_create(
        rows=[{"name": "批量村", "code": "BULK00002", "kind": "village", "parent_code": "TOWNA0001"}], actor=SYSTEM
    )
    bulk = AuditEntry.objects.get(action="unit.create", object_repr="批量村")
    assert bulk.actor is None and bulk.changes["by"] == "system"


def test_user_actions_are_not_marked_as_system(county, users):
    unit = _create(county["township_a"], users["staff_a"])
    entry = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
    assert entry.actor == users["staff_a"] and "by" not in entry.changes


PAGES = ["organizations:unit_edit", "organizations:unit_move", "organizations:unit_delete"]


@pytest.mark.parametrize("page", [*PAGES, "organizations:unit_create", "organizations:party_org_edit"])
def test_pages_allow_staff_refuse_secretary_and_hide_other_townships(county, users, client_for, page):
    kwargs = "parent_pk" if page == "organizations:unit_create" else "pk"
    url = reverse(page, kwargs={kwargs: county["village_a1"].pk})
    assert client_for(users["staff_a"]).get(url).status_code == 200
    assert client_for(users["secretary_a1"]).get(url).status_code == 403
    assert client_for(users["staff_b"]).get(url).status_code == 404


def test_unit_page_shows_change_buttons_only_to_who_may_change(county, users, client_for):
    url = reverse("organizations:unit_detail", args=[county["village_a1"].pk])
    assert client_for(users["staff_a"]).get(url).context["can_change"] is True
    assert client_for(users["secretary_a1"]).get(url).context["can_change"] is False


def test_api_update_allows_staff_refuses_secretary_and_hides_other_townships(county, users, api_for):
    url = f"{UNITS}{county['village_a1'].pk}/"
    assert api_for(users["secretary_a1"]).patch(url, {"name": "改"}, format="json").status_code == 403
    assert api_for(users["staff_b"]).patch(url, {"name": "改"}, format="json").status_code == 404
    assert api_for(users["staff_a"]).patch(url, {"name": "甲一村新"}, format="json").status_code == 200
    assert OrganizationUnit.objects.get(pk=county["village_a1"].pk).name == "甲一村新"


def test_admin_change_page_follows_can(county, users, client_for):
    url = reverse("admin:organizations_organizationunit_change", args=[county["village_a1"].pk])
    assert client_for(users["staff_a"]).get(url).status_code == 200
    assert client_for(users["staff_b"]).get(url).status_code == 404
