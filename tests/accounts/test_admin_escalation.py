"""The Django admin follows the grant ladder: the escalation and password-reset attacks of issue 9 are refused
there, nothing is written, and what is allowed leaves the same audit rows as the portal pages."""

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from core.models import AuditEntry
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PREFIX = "role_assignments"


def _state():
    return (
        sorted(RoleAssignment.objects.values_list("user_id", "role", "unit_id")),
        sorted(User.objects.values_list("username", "password", "is_active", "is_staff", "is_superuser")),
        AuditEntry.objects.exclude(action__startswith="login.").count(),  # logging in is audited too
    )


def _audit(action, user):
    return AuditEntry.objects.filter(action=action, object_type="accounts.user", object_id=str(user.pk))


def _user_form_data(user, rows, extra=None):
    """The admin user change form as a browser posts it: the account's fields and the role inline."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "display_name": user.display_name,
        f"{PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{PREFIX}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
    }
    if user.is_active:
        data["is_active"] = "on"
    for i, row in enumerate(rows):
        data[f"{PREFIX}-{i}-id"] = row.get("id", "")
        data[f"{PREFIX}-{i}-user"] = str(user.pk)
        data[f"{PREFIX}-{i}-role"] = row["role"]
        data[f"{PREFIX}-{i}-unit"] = str(row["unit"].pk)
        if row.get("delete"):
            data[f"{PREFIX}-{i}-DELETE"] = "on"
    data.update(extra or {})
    return data


def _existing_rows(user):
    return [{"id": str(a.pk), "role": a.role, "unit": a.unit} for a in user.role_assignments.select_related("unit")]


def test_township_staff_cannot_grant_themselves_org_department_through_the_user_inline(county, users, client_for):
    staff_a = users["staff_a"]
    client = client_for(staff_a)
    url = reverse("admin:accounts_user_change", args=[staff_a.pk])
    rows = _existing_rows(staff_a) + [{"role": Role.ORG_DEPARTMENT, "unit": county["township_a"]}]
    before = _state()
    response = client.post(url, _user_form_data(staff_a, rows))
    assert response.status_code == 403
    assert _state() == before
    assert not staff_a.role_assignments.filter(role=Role.ORG_DEPARTMENT).exists()


def test_township_staff_cannot_grant_themselves_org_department_through_the_role_assignment_add_form(
    county, users, client_for
):
    staff_a = users["staff_a"]
    client = client_for(staff_a)
    url = reverse("admin:accounts_roleassignment_add")
    before = _state()
    for role in (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY):
        response = client.post(url, {"user": staff_a.pk, "role": role, "unit": county["township_a"].pk})
        assert response.status_code == 200  # the form again, with the error
        assert response.context["adminform"].form.errors
    assert _state() == before


def test_role_assignment_add_form_explains_a_grant_beyond_the_ladder(county, users, client_for):
    client = client_for(users["city_staff"])
    before = _state()
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": users["staff_a"].pk, "role": Role.ORG_DEPARTMENT, "unit": county["township_a"].pk},
    )
    assert response.status_code == 200
    assert _state() == before
    assert "role" in response.context["adminform"].form.errors


def test_role_assignment_add_form_grants_within_the_ladder(county, users, client_for):
    secretary = users["secretary_a1"]
    response = client_for(users["staff_a"]).post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": secretary.pk, "role": Role.GRID_WORKER, "unit": county["grid_a1"].pk},
    )
    assert response.status_code == 302
    assert secretary.role_assignments.filter(role=Role.GRID_WORKER, unit=county["grid_a1"]).exists()
    assert _audit("role.grant", secretary).get().actor == users["staff_a"]


def test_role_choices_in_the_admin_are_the_ladders(county, users, client_for):
    response = client_for(users["staff_a"]).get(reverse("admin:accounts_roleassignment_add"))
    choices = [value for value, _label in response.context["adminform"].form.fields["role"].choices if value]
    assert choices == [Role.SECRETARY, Role.GRID_WORKER, Role.DEPARTMENT_HANDLER, Role.WOODPECKER]
    units = set(response.context["adminform"].form.fields["unit"].queryset)
    assert county["village_a1"] in units and county["village_b1"] not in units and county["city"] not in units


def test_inline_grant_beyond_the_ladder_on_a_managed_account_is_refused(county, users, client_for):
    secretary = users["secretary_a1"]
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    before = _state()
    for role, unit in [(Role.ORG_DEPARTMENT, "township_a"), (Role.TOWNSHIP_STAFF, "township_a")]:
        rows = _existing_rows(secretary) + [{"role": role, "unit": county[unit]}]
        response = client_for(users["staff_a"]).post(url, _user_form_data(secretary, rows))
        assert response.status_code == 200
        assert any(formset.formset.total_error_count() for formset in response.context["inline_admin_formsets"])
    assert _state() == before


def test_inline_grant_and_revoke_within_the_ladder_write_audit_rows(county, users, client_for):
    secretary = users["secretary_a1"]
    client = client_for(users["staff_a"])
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    rows = _existing_rows(secretary) + [{"role": Role.WOODPECKER, "unit": county["grid_a1"]}]
    assert client.post(url, _user_form_data(secretary, rows)).status_code == 302
    assert _audit("role.grant", secretary).count() == 1
    rows = _existing_rows(secretary)
    for row in rows:
        row["delete"] = row["role"] == Role.WOODPECKER
    assert client.post(url, _user_form_data(secretary, rows)).status_code == 302
    assert list(secretary.role_assignments.values_list("role", flat=True)) == [Role.SECRETARY]
    assert _audit("role.revoke", secretary).count() == 1


def test_inline_replacing_the_only_role_grants_then_revokes(county, users, client_for):
    secretary = users["secretary_a1"]
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    rows = _existing_rows(secretary)
    rows[0]["role"] = Role.GRID_WORKER
    rows[0]["unit"] = county["grid_a1"]
    assert client_for(users["staff_a"]).post(url, _user_form_data(secretary, rows)).status_code == 302
    assert list(secretary.role_assignments.values_list("role", "unit")) == [(Role.GRID_WORKER, county["grid_a1"].pk)]
    assert _audit("role.grant", secretary).count() == 1 and _audit("role.revoke", secretary).count() == 1


def test_privilege_flags_are_not_editable_by_non_superusers(county, users, client_for):
    secretary = users["secretary_a1"]
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    data = _user_form_data(secretary, _existing_rows(secretary), {"is_superuser": "on", "is_staff": "on"})
    assert client_for(users["staff_a"]).post(url, data).status_code == 302
    secretary.refresh_from_db()
    assert not secretary.is_superuser and not secretary.is_staff


def test_deactivation_through_the_change_form_is_audited(county, users, client_for):
    secretary = users["secretary_a1"]
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    data = _user_form_data(secretary, _existing_rows(secretary))
    del data["is_active"]
    data["display_name"] = "改名"
    assert client_for(users["staff_a"]).post(url, data).status_code == 302
    secretary.refresh_from_db()
    assert not secretary.is_active and secretary.display_name == "改名"
    assert _audit("account.deactivate", secretary).count() == 1
    assert _audit("account.update", secretary).count() == 1


def _reset_targets(county, users):
    both = user_with_role("both", Role.SECRETARY, county["village_a1"])
    RoleAssignment.objects.create(user=both, role=Role.SECRETARY, unit=county["village_b1"])
    root = user_with_role("root_a", Role.SECRETARY, county["village_a1"], superuser=True)
    colleague = user_with_role("colleague_a", Role.TOWNSHIP_STAFF, county["township_a"], staff=True)
    return {"both": both, "superuser": root, "colleague": colleague}


@pytest.mark.parametrize("target", ["both", "superuser", "colleague"])
def test_admin_password_reset_refused_beyond_reach(target, county, users, client_for):
    account = _reset_targets(county, users)[target]
    client = client_for(users["staff_a"])
    url = f"/admin/accounts/user/{account.pk}/password/"
    before = _state()
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "Another-pass-2025", "password2": "Another-pass-2025"})
    assert response.status_code == 403
    assert _state() == before
    # the change form is read-only for them as well
    assert client.post(reverse("admin:accounts_user_change", args=[account.pk]), {}).status_code == 403


def test_admin_password_reset_of_a_managed_account_is_audited(county, users, client_for):
    secretary = users["secretary_a1"]
    url = f"/admin/accounts/user/{secretary.pk}/password/"
    response = client_for(users["staff_a"]).post(
        url, {"password1": "Another-pass-2025", "password2": "Another-pass-2025"}
    )
    assert response.status_code == 302
    secretary.refresh_from_db()
    assert secretary.check_password("Another-pass-2025")
    assert _audit("account.password_reset", secretary).get().actor == users["staff_a"]


def test_admin_password_form_outside_scope_is_404(county, users, client_for):
    outsider = user_with_role("outsider_b", Role.SECRETARY, county["village_b1"])
    assert client_for(users["staff_a"]).get(f"/admin/accounts/user/{outsider.pk}/password/").status_code == 404


def test_admin_add_user_needs_a_role_on_the_ladder(county, users, client_for):
    client = client_for(users["staff_a"])
    url = reverse("admin:accounts_user_add")
    base = {
        "username": "added_by_a",
        "password1": "Another-pass-2025",
        "password2": "Another-pass-2025",
        "usable_password": "true",
        f"{PREFIX}-TOTAL_FORMS": "1",
        f"{PREFIX}-INITIAL_FORMS": "0",
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
        f"{PREFIX}-0-id": "",
        f"{PREFIX}-0-user": "",
    }
    before = _state()
    for role, unit in [(Role.ORG_DEPARTMENT, "township_a"), (Role.SECRETARY, "village_b1")]:
        response = client.post(url, {**base, f"{PREFIX}-0-role": role, f"{PREFIX}-0-unit": county[unit].pk})
        assert response.status_code == 200
    response = client.post(url, {**base, f"{PREFIX}-TOTAL_FORMS": "0"})
    assert response.status_code == 200
    assert _state() == before
    response = client.post(
        url, {**base, f"{PREFIX}-0-role": Role.SECRETARY, f"{PREFIX}-0-unit": county["village_a2"].pk}
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    account = User.objects.get(username="added_by_a")
    assert account.check_password("Another-pass-2025")
    assert list(account.role_assignments.values_list("role", flat=True)) == [Role.SECRETARY]
    assert _audit("account.create", account).count() == 1 and _audit("role.grant", account).count() == 1


def test_admin_delete_follows_the_ladder_and_history(county, users, client_for):
    client = client_for(users["staff_a"])
    fresh = user_with_role("fresh_a", Role.SECRETARY, county["village_a2"])
    colleague = user_with_role("colleague_a", Role.TOWNSHIP_STAFF, county["township_a"], staff=True)
    before = _state()
    assert client.post(reverse("admin:accounts_user_delete", args=[colleague.pk]), {"post": "yes"}).status_code == 403
    assert (
        client.post(reverse("admin:accounts_user_delete", args=[users["staff_a"].pk]), {"post": "yes"}).status_code
        == 403
    )
    secretary = users["secretary_a1"]
    secretary.last_login = secretary.date_joined
    secretary.save()
    response = client.post(reverse("admin:accounts_user_delete", args=[secretary.pk]), {"post": "yes"})
    assert response.status_code == 302 and User.objects.filter(pk=secretary.pk).exists()
    assert _state()[0] == before[0]
    pk = fresh.pk
    response = client.post(reverse("admin:accounts_user_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="account.delete", object_id=str(pk), actor=users["staff_a"]).count() == 1


def test_admin_revoke_through_the_role_assignment_delete_view(county, users, client_for):
    client = client_for(users["staff_a"])
    own = users["staff_a"].role_assignments.get()
    assert (
        client.post(reverse("admin:accounts_roleassignment_delete", args=[own.pk]), {"post": "yes"}).status_code == 403
    )
    assignment = users["secretary_a1"].role_assignments.get()
    response = client.post(reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert _audit("role.revoke", users["secretary_a1"]).count() == 1


def test_role_assignments_are_never_edited_in_place(county, users, client_for):
    assignment = users["secretary_a1"].role_assignments.get()
    response = client_for(users["staff_a"]).post(
        reverse("admin:accounts_roleassignment_change", args=[assignment.pk]),
        {"user": assignment.user_id, "role": Role.TOWNSHIP_STAFF, "unit": assignment.unit_id},
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.role == Role.SECRETARY


def test_no_bulk_delete_action(county, users, client_for):
    """Bulk deletion would bypass the ladder and the audit trail: not offered, and a forged post deletes nothing."""
    client = client_for(users["admin"])
    secretary = users["secretary_a1"]
    targets = {"user": secretary.pk, "roleassignment": secretary.role_assignments.get().pk}
    before = _state()
    for model, pk in targets.items():
        url = reverse(f"admin:accounts_{model}_changelist")
        form = client.get(url).context["action_form"]
        assert form is None or "delete_selected" not in dict(form.fields["action"].choices)
        client.post(url, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})
    assert _state() == before


def test_admin_pages_render_for_township_staff(county, users, client_for):
    client = client_for(users["staff_a"])
    secretary = users["secretary_a1"]
    for url in [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[secretary.pk]),
        reverse("admin:accounts_user_change", args=[users["staff_a"].pk]),  # read-only
        f"/admin/accounts/user/{secretary.pk}/password/",
        reverse("admin:accounts_roleassignment_changelist"),
        reverse("admin:accounts_roleassignment_add"),
        reverse("admin:accounts_roleassignment_change", args=[secretary.role_assignments.get().pk]),
    ]:
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("admin:accounts_user_change", args=[secretary.pk])).content.decode()
    assert 'name="is_superuser"' not in body and 'name="is_staff"' not in body
