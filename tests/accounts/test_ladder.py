"""The grant ladder (accounts.permissions.can_grant / can_manage_account) and the account services that use it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import RoleAssignment, User
from accounts.permissions import SYSTEM, can_grant, can_manage_account, can_revoke, grantable_roles
from accounts.roles import ROLE_RANK, Role
from core.models import AuditEntry
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

LOWER = [Role.SECRETARY, Role.GRID_WORKER, Role.DEPARTMENT_HANDLER, Role.WOODPECKER]


def _audit(action, user):
    return AuditEntry.objects.filter(action=action, object_type="accounts.user", object_id=str(user.pk))


def _state():
    return (
        sorted(RoleAssignment.objects.values_list("user_id", "role", "unit_id")),
        AuditEntry.objects.exclude(action__startswith="login.").count(),  # logging in is audited too
        sorted(User.objects.values_list("username", "password", "is_active", "is_staff", "is_superuser")),
    )


def test_ranks_form_the_documented_ladder():
    r = ROLE_RANK
    assert r[Role.ORG_DEPARTMENT] > r[Role.EXTERNAL_SYSTEM] > r[Role.TOWNSHIP_STAFF] > r[Role.SECRETARY]
    assert all(r[Role.SECRETARY] > r[role] for role in (Role.GRID_WORKER, Role.DEPARTMENT_HANDLER, Role.WOODPECKER))
    assert set(r) == set(Role.values)


def test_township_staff_grant_only_lower_roles_inside_their_township(county, users):
    staff_a = users["staff_a"]
    for role in LOWER:
        assert can_grant(staff_a, role, county["village_a1"])
        assert can_grant(staff_a, role, county["grid_ac"])
        assert not can_grant(staff_a, role, county["village_b1"])
        assert not can_grant(staff_a, role, county["city"])
    for role in (Role.TOWNSHIP_STAFF, Role.ORG_DEPARTMENT, Role.EXTERNAL_SYSTEM):
        assert not can_grant(staff_a, role, county["township_a"])
        assert not can_grant(staff_a, role, county["village_a1"])
    assert grantable_roles(staff_a) == LOWER
    assert grantable_roles(staff_a, county["village_b1"]) == []


def test_only_superusers_make_org_department_staff(county, users):
    city_staff = users["city_staff"]
    assert can_grant(city_staff, Role.TOWNSHIP_STAFF, county["township_a"])
    assert can_grant(city_staff, Role.EXTERNAL_SYSTEM, county["city"])
    for unit in ("city", "township_a", "village_a1"):
        assert not can_grant(city_staff, Role.ORG_DEPARTMENT, county[unit])
    assert can_grant(users["admin"], Role.ORG_DEPARTMENT, county["city"])  # city: a root unit
    assert can_grant(SYSTEM, Role.ORG_DEPARTMENT, county["city"])


def test_external_system_is_granted_only_by_org_department_at_or_above_its_unit(county, users):
    assert not can_grant(users["staff_a"], Role.EXTERNAL_SYSTEM, county["village_a1"])
    org_a = user_with_role("org_a", Role.ORG_DEPARTMENT, county["township_a"])
    assert can_grant(org_a, Role.EXTERNAL_SYSTEM, county["village_a1"])
    assert not can_grant(org_a, Role.EXTERNAL_SYSTEM, county["city"])


def test_roles_below_staff_grant_nothing(county, users):
    for name in ("secretary_a1", "woodpecker_ac", "external"):
        assert grantable_roles(users[name]) == []
        assert not can_grant(users[name], Role.WOODPECKER, county["grid_a1"])


def test_inactive_and_anonymous_users_grant_nothing(county, users):
    staff_a = users["staff_a"]
    staff_a.is_active = False
    assert not can_grant(staff_a, Role.SECRETARY, county["village_a1"])
    assert not can_grant(None, Role.SECRETARY, county["village_a1"])
    assert not can_manage_account(None, users["secretary_a1"])


def test_manage_account_needs_every_role_inside_and_below(county, users):
    staff_a = users["staff_a"]
    assert can_manage_account(staff_a, users["secretary_a1"])
    assert can_manage_account(staff_a, users["woodpecker_ac"])
    both = user_with_role("both", Role.SECRETARY, county["village_a1"])
    RoleAssignment.objects.create(user=both, role=Role.GRID_WORKER, unit=county["grid_b1"])
    colleague = user_with_role("colleague_a", Role.TOWNSHIP_STAFF, county["township_a"], staff=True)
    root_with_role = user_with_role("root_a", Role.SECRETARY, county["village_a1"], superuser=True)
    roleless = user_with_role("roleless")
    for target in (both, colleague, root_with_role, roleless, staff_a, users["staff_b"], users["city_staff"]):
        assert not can_manage_account(staff_a, target), target.username
    assert can_manage_account(users["city_staff"], both)
    assert can_manage_account(users["city_staff"], colleague)
    assert can_manage_account(users["city_staff"], users["external"])
    assert not can_manage_account(users["city_staff"], root_with_role)
    assert not can_manage_account(users["city_staff"], roleless)
    assert can_manage_account(users["admin"], roleless)
    assert can_manage_account(users["admin"], root_with_role)


def test_nobody_revokes_their_own_roles(county, users):
    own = users["admin"].role_assignments.create(role=Role.SECRETARY, unit=county["village_a1"])
    assert not can_revoke(users["admin"], own)
    assert not can_revoke(users["staff_a"], users["staff_a"].role_assignments.get())
    assert can_revoke(users["staff_a"], users["secretary_a1"].role_assignments.get())


def test_grant_writes_an_audit_row_and_refusals_write_nothing(county, users):
    staff_a, secretary = users["staff_a"], users["secretary_a1"]
    assignment = services.role_grant(user=secretary, role=Role.GRID_WORKER, unit=county["grid_a1"], actor=staff_a)
    assert assignment.role == Role.GRID_WORKER
    row = _audit("role.grant", secretary).get()
    assert row.actor == staff_a and row.unit == county["grid_a1"]
    before = _state()
    for user, role, unit in [
        (staff_a, Role.ORG_DEPARTMENT, county["township_a"]),  # the escalation of the issue
        (secretary, Role.TOWNSHIP_STAFF, county["township_a"]),
        (secretary, Role.SECRETARY, county["village_b1"]),
        (users["staff_b"], Role.SECRETARY, county["village_a1"]),
    ]:
        with pytest.raises(PermissionDenied):
            services.role_grant(user=user, role=role, unit=unit, actor=staff_a)
    assert _state() == before


def test_grant_to_an_account_holding_roles_elsewhere_is_refused(county, users):
    other = user_with_role("elsewhere", Role.SECRETARY, county["village_b1"])
    with pytest.raises(PermissionDenied):
        services.role_grant(user=other, role=Role.SECRETARY, unit=county["village_a2"], actor=users["staff_a"])
    assert not other.role_assignments.filter(unit=county["village_a2"]).exists()


def test_duplicate_grant_is_a_validation_error(county, users):
    with pytest.raises(ValidationError):
        services.role_grant(
            user=users["secretary_a1"], role=Role.SECRETARY, unit=county["village_a1"], actor=users["staff_a"]
        )


def test_revoke_writes_an_audit_row_and_is_refused_beyond_the_ladder(county, users):
    staff_a = users["staff_a"]
    with pytest.raises(PermissionDenied):
        services.role_revoke(assignment=users["staff_b"].role_assignments.get(), actor=staff_a)
    with pytest.raises(PermissionDenied):
        services.role_revoke(assignment=staff_a.role_assignments.get(), actor=staff_a)
    secretary = users["secretary_a1"]
    services.role_revoke(assignment=secretary.role_assignments.get(), actor=staff_a)
    assert not secretary.role_assignments.exists()
    assert _audit("role.revoke", secretary).get().unit == county["village_a1"]


def test_staff_flag_follows_back_office_roles(county, users):
    account, _password = services.account_create(
        username="new_township", roles=[(Role.TOWNSHIP_STAFF, county["township_b"])], actor=users["city_staff"]
    )
    account.refresh_from_db()
    assert account.is_staff
    services.role_revoke(assignment=account.role_assignments.get(), actor=users["city_staff"])
    account.refresh_from_db()
    assert not account.is_staff


def test_account_create_generates_a_password_and_audits(county, users):
    account, password = services.account_create(
        username="new_sec",
        display_name="新书记",
        roles=[(Role.SECRETARY, county["village_a2"])],
        actor=users["staff_a"],
    )
    assert password and account.check_password(password)
    assert not account.is_staff and not account.is_superuser
    assert _audit("account.create", account).get().actor == users["staff_a"]
    assert _audit("role.grant", account).get().unit == county["village_a2"]
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, account)
    assert any(c.isupper() for c in password) and any(c.islower() for c in password)
    assert any(c.isdigit() for c in password) and any(not c.isalnum() for c in password)


def test_account_create_refuses_beyond_the_ladder_and_without_roles(county, users):
    before = _state()
    with pytest.raises(PermissionDenied):
        services.account_create(
            username="x_org", roles=[(Role.ORG_DEPARTMENT, county["township_a"])], actor=users["staff_a"]
        )
    with pytest.raises(PermissionDenied):
        services.account_create(username="x_b", roles=[(Role.SECRETARY, county["village_b1"])], actor=users["staff_a"])
    with pytest.raises(ValidationError):
        services.account_create(username="x_none", roles=[], actor=users["staff_a"])
    with pytest.raises(ValidationError):
        services.account_create(
            username="SECRETARY_A1", roles=[(Role.SECRETARY, county["village_a1"])], actor=users["staff_a"]
        )
    assert _state() == before
    account, _pw = services.account_create(username="plain", roles=[], actor=users["admin"])
    assert not account.role_assignments.exists()


@pytest.mark.parametrize("target", ["both", "superuser", "colleague"])
def test_password_reset_refused_for_accounts_beyond_reach(target, county, users):
    """The issue's attack: a township resets the password of an account that also holds a role elsewhere, of a
    superuser, or of another township staff member."""
    if target == "both":
        account = user_with_role("both", Role.SECRETARY, county["village_a1"])
        RoleAssignment.objects.create(user=account, role=Role.SECRETARY, unit=county["village_b1"])
    elif target == "superuser":
        account = user_with_role("root_a", Role.SECRETARY, county["village_a1"], superuser=True)
    else:
        account = user_with_role("colleague_a", Role.TOWNSHIP_STAFF, county["township_a"], staff=True)
    before = _state()
    with pytest.raises(PermissionDenied):
        services.password_reset(user=account, actor=users["staff_a"])
    assert _state() == before


def test_password_reset_of_a_managed_account(county, users):
    secretary = users["secretary_a1"]
    password = services.password_reset(user=secretary, actor=users["staff_a"])
    secretary.refresh_from_db()
    assert secretary.check_password(password)
    row = _audit("account.password_reset", secretary).get()
    assert row.actor == users["staff_a"] and password not in str(row.changes)
    with pytest.raises(ValidationError):
        services.password_reset(user=secretary, actor=users["staff_a"], password="123")


def test_deactivate_and_reactivate(county, users):
    secretary = users["secretary_a1"]
    services.account_deactivate(user=secretary, actor=users["staff_a"])
    secretary.refresh_from_db()
    assert not secretary.is_active
    services.account_reactivate(user=secretary, actor=users["staff_a"])
    secretary.refresh_from_db()
    assert secretary.is_active
    assert _audit("account.deactivate", secretary).count() == 1
    assert _audit("account.reactivate", secretary).count() == 1
    with pytest.raises(PermissionDenied):
        services.account_deactivate(user=users["admin"], actor=users["admin"])
    with pytest.raises(PermissionDenied):
        services.account_deactivate(user=users["staff_b"], actor=users["staff_a"])


def test_account_update_privilege_flags_only_by_superusers(county, users):
    secretary = users["secretary_a1"]
    services.account_update(user=secretary, actor=users["staff_a"], display_name="甲一村书记")
    assert _audit("account.update", secretary).get().changes == {"display_name": ["secretary_a1", "甲一村书记"]}
    with pytest.raises(PermissionDenied):
        services.account_update(user=secretary, actor=users["staff_a"], is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.account_update(user=users["admin"], actor=users["admin"], is_superuser=False)
    secretary.refresh_from_db()
    assert not secretary.is_superuser and secretary.display_name == "甲一村书记"


def test_delete_only_without_history(county, users):
    account, _pw = services.account_create(
        username="typo_account", roles=[(Role.SECRETARY, county["village_a2"])], actor=users["staff_a"]
    )
    pk = account.pk
    services.account_delete(user=account, actor=users["staff_a"])
    assert not User.objects.filter(pk=pk).exists()
    row = AuditEntry.objects.get(action="account.delete", object_id=str(pk))
    assert row.actor == users["staff_a"] and row.unit == county["village_a2"]
    assert "typo_account" in row.changes["username"]
    secretary = users["secretary_a1"]
    secretary.last_login = secretary.date_joined
    secretary.save()
    with pytest.raises(ValidationError):
        services.account_delete(user=secretary, actor=users["staff_a"])
    assert User.objects.filter(pk=secretary.pk).exists()


def test_an_account_referred_to_by_records_has_history(county, users):
    worker = user_with_role("worker_a", Role.GRID_WORKER, county["grid_a1"])
    assert not services.account_has_history(worker)
    AuditEntry.objects.create(actor=worker, action="x", object_type="x", object_id="1", object_repr="x")
    assert services.account_has_history(worker)
