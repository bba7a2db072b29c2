"""The accounts pages: staff manage accounts and roles in the portal, on the same ladder as the admin."""

import re

import pytest

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from core.models import AuditEntry
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _audit(action, user):
    return AuditEntry.objects.filter(action=action, object_type="accounts.user", object_id=str(user.pk))


def _state():
    return (
        sorted(RoleAssignment.objects.values_list("user_id", "role", "unit_id")),
        sorted(User.objects.values_list("username", "password", "is_active")),
        AuditEntry.objects.exclude(action__startswith="login.").count(),  # logging in is audited too
    )


def test_list_shows_the_accounts_inside_the_subtree(county, users, client_for):
    outsider = user_with_role("outsider_b", Role.SECRETARY, county["village_b1"])
    response = client_for(users["staff_a"]).get("/accounts/")
    assert response.status_code == 200
    listed = {account.username for account in response.context["page"]}
    assert {"staff_a", "secretary_a1", "woodpecker_ac"} <= listed
    assert not listed & {"staff_b", "outsider_b", "city_staff", "admin_t", "external_sys"}
    assert outsider.username not in response.content.decode()


def test_list_search_and_status(county, users, client_for):
    client = client_for(users["staff_a"])
    users["woodpecker_ac"].is_active = False
    users["woodpecker_ac"].save()
    by_name = {a.username for a in client.get("/accounts/", {"q": "SECRETARY"}).context["page"]}
    assert by_name == {"secretary_a1"}
    inactive = {a.username for a in client.get("/accounts/", {"status": "inactive"}).context["page"]}
    assert inactive == {"woodpecker_ac"}
    assert client.get("/accounts/", {"status": "nonsense", "q": "x" * 500}).status_code == 200


def test_an_account_with_several_roles_is_listed_once(county, users, client_for):
    RoleAssignment.objects.create(user=users["secretary_a1"], role=Role.GRID_WORKER, unit=county["grid_a1"])
    page = client_for(users["staff_a"]).get("/accounts/").context["page"]
    assert [a.username for a in page].count("secretary_a1") == 1


def test_roles_that_grant_nothing_are_refused(county, users, client_for):
    for name in ("secretary_a1", "woodpecker_ac"):
        client = client_for(users[name])
        assert client.get("/accounts/").status_code == 403
        assert client.get(f"/accounts/{users['woodpecker_ac'].pk}/").status_code == 403


def test_menu_entry_for_staff_only(county, users, client_for):
    assert "/accounts/" in [i["url"] for i in client_for(users["staff_a"]).get("/").context["nav_items"]]
    assert "/accounts/" not in [i["url"] for i in client_for(users["secretary_a1"]).get("/").context["nav_items"]]


def test_out_of_scope_pages_are_404(county, users, client_for):
    outsider = user_with_role("outsider_b", Role.SECRETARY, county["village_b1"])
    client = client_for(users["staff_a"])
    before = _state()
    assignment = outsider.role_assignments.get()
    urls = [
        f"/accounts/{outsider.pk}/",
        f"/accounts/{outsider.pk}/edit/",
        f"/accounts/{outsider.pk}/grant/",
        f"/accounts/{outsider.pk}/roles/{assignment.pk}/revoke/",
        f"/accounts/{outsider.pk}/deactivate/",
        f"/accounts/{outsider.pk}/reactivate/",
        f"/accounts/{outsider.pk}/password/",
        f"/accounts/{outsider.pk}/delete/",
        f"/accounts/{users['admin'].pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": Role.SECRETARY, "unit": county["village_a1"].pk}).status_code == 404, url
    assert _state() == before


def test_visible_but_beyond_reach_is_read_only_and_403(county, users, client_for):
    both = user_with_role("both", Role.SECRETARY, county["village_a1"])
    RoleAssignment.objects.create(user=both, role=Role.SECRETARY, unit=county["village_b1"])
    colleague = user_with_role("colleague_a", Role.TOWNSHIP_STAFF, county["township_a"], staff=True)
    root = user_with_role("root_a", Role.SECRETARY, county["village_a1"], superuser=True)
    client = client_for(users["staff_a"])
    before = _state()
    for account in (both, colleague, root, users["staff_a"]):
        detail = client.get(f"/accounts/{account.pk}/")
        assert detail.status_code == 200
        assert not detail.context["may_manage"] and 'id="read-only"' in detail.content.decode()
        assignment = account.role_assignments.first()
        for url in [
            f"/accounts/{account.pk}/edit/",
            f"/accounts/{account.pk}/grant/",
            f"/accounts/{account.pk}/roles/{assignment.pk}/revoke/",
            f"/accounts/{account.pk}/deactivate/",
            f"/accounts/{account.pk}/password/",
            f"/accounts/{account.pk}/delete/",
        ]:
            assert client.post(url, {"role": Role.SECRETARY, "unit": county["village_a2"].pk}).status_code == 403, url
    assert _state() == before


def test_create_account_shows_the_password_once(county, users, client_for):
    client = client_for(users["staff_a"])
    form = client.get("/accounts/new/").context["form"]
    offered = [value for value, _label in form.fields["role"].widget.choices if value]
    assert offered == [Role.SECRETARY, Role.GRID_WORKER, Role.DEPARTMENT_HANDLER, Role.WOODPECKER]
    assert county["village_b1"] not in set(form.fields["unit"].queryset)
    response = client.post(
        "/accounts/new/",
        {"username": "new_sec", "display_name": "新书记", "role": Role.SECRETARY, "unit": county["village_a2"].pk},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)
    account = User.objects.get(username="new_sec")
    assert account.check_password(password.replace("&amp;", "&"))
    assert "已创建" in response.content.decode()
    assert _audit("account.create", account).count() == 1 and _audit("role.grant", account).count() == 1
    assert password not in str(client.session.items())
    # the detail page never shows it again
    assert password not in client.get(f"/accounts/{account.pk}/").content.decode()


def test_create_beyond_the_ladder_is_refused_with_a_message(county, users, client_for):
    before = _state()
    response = client_for(users["staff_a"]).post(
        "/accounts/new/", {"username": "new_org", "role": Role.ORG_DEPARTMENT, "unit": county["township_a"].pk}
    )
    assert response.status_code == 403
    assert "只能授予低于您自己的角色" in response.content.decode()
    assert _state() == before


def test_grant_beyond_the_ladder_is_refused_with_a_message(county, users, client_for):
    secretary = users["secretary_a1"]
    client = client_for(users["staff_a"])
    before = _state()
    for role in (Role.TOWNSHIP_STAFF, Role.ORG_DEPARTMENT, Role.EXTERNAL_SYSTEM):
        response = client.post(f"/accounts/{secretary.pk}/grant/", {"role": role, "unit": county["township_a"].pk})
        assert response.status_code == 403
        body = response.content.decode()
        assert "您不能在" in body and "只能授予低于您自己的角色" in body
    response = client.post(
        f"/accounts/{secretary.pk}/grant/", {"role": Role.SECRETARY, "unit": county["village_b1"].pk}
    )
    assert response.status_code == 200 and response.context["form"].errors  # not a unit of theirs
    assert _state() == before


def test_grant_and_revoke_within_the_ladder(county, users, client_for):
    secretary = users["secretary_a1"]
    client = client_for(users["staff_a"])
    response = client.post(f"/accounts/{secretary.pk}/grant/", {"role": Role.GRID_WORKER, "unit": county["grid_a1"].pk})
    assert response.status_code == 302
    assignment = secretary.role_assignments.get(role=Role.GRID_WORKER)
    assert _audit("role.grant", secretary).count() == 1
    follow = client.get(response["Location"])
    assert "已授予角色" in follow.content.decode()
    revoke_url = f"/accounts/{secretary.pk}/roles/{assignment.pk}/revoke/"
    assert client.get(revoke_url).status_code == 200
    assert client.post(revoke_url).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert _audit("role.revoke", secretary).count() == 1


def test_revoke_of_another_accounts_assignment_is_404(county, users, client_for):
    other = users["woodpecker_ac"].role_assignments.get()
    response = client_for(users["staff_a"]).post(f"/accounts/{users['secretary_a1'].pk}/roles/{other.pk}/revoke/")
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()


def test_deactivate_reactivate_and_reset_password(county, users, client_for):
    secretary = users["secretary_a1"]
    client = client_for(users["staff_a"])
    assert client.get(f"/accounts/{secretary.pk}/deactivate/").status_code == 200  # the confirmation
    secretary.refresh_from_db()
    assert secretary.is_active
    assert client.post(f"/accounts/{secretary.pk}/deactivate/").status_code == 302
    secretary.refresh_from_db()
    assert not secretary.is_active
    assert client.post(f"/accounts/{secretary.pk}/reactivate/").status_code == 302
    secretary.refresh_from_db()
    assert secretary.is_active
    response = client.post(f"/accounts/{secretary.pk}/password/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)
    secretary.refresh_from_db()
    assert secretary.check_password(password.replace("&amp;", "&"))
    for action in ("account.deactivate", "account.reactivate", "account.password_reset"):
        assert _audit(action, secretary).count() == 1, action
    history = client.get(f"/accounts/{secretary.pk}/").context["history"]
    assert {entry.action for entry in history} >= {"account.deactivate", "account.password_reset"}


def test_edit_account(county, users, client_for):
    secretary = users["secretary_a1"]
    response = client_for(users["staff_a"]).post(
        f"/accounts/{secretary.pk}/edit/", {"display_name": "甲一村书记", "email": "a1@example.cn"}
    )
    assert response.status_code == 302
    secretary.refresh_from_db()
    assert secretary.display_name == "甲一村书记" and secretary.email == "a1@example.cn"
    assert _audit("account.update", secretary).count() == 1


def test_delete_refused_with_history_and_allowed_without(county, users, client_for):
    client = client_for(users["staff_a"])
    secretary = users["secretary_a1"]
    secretary.last_login = secretary.date_joined
    secretary.save()
    response = client.post(f"/accounts/{secretary.pk}/delete/")
    assert response.status_code == 200 and "请停用" in response.content.decode()
    assert User.objects.filter(pk=secretary.pk).exists()
    fresh = user_with_role("fresh_a", Role.WOODPECKER, county["grid_a1"])
    pk = fresh.pk
    assert client.post(f"/accounts/{pk}/delete/").status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="account.delete", object_id=str(pk)).count() == 1


def test_org_department_staff_manage_township_staff(county, users, client_for):
    client = client_for(users["city_staff"])
    staff_a = users["staff_a"]
    assert client.get(f"/accounts/{staff_a.pk}/").context["may_manage"]
    response = client.post(
        "/accounts/new/", {"username": "new_town", "role": Role.TOWNSHIP_STAFF, "unit": county["township_b"].pk}
    )
    assert response.status_code == 200
    assert User.objects.get(username="new_town").is_staff
    before = _state()
    response = client.post(f"/accounts/{staff_a.pk}/grant/", {"role": Role.ORG_DEPARTMENT, "unit": county["city"].pk})
    assert response.status_code == 403
    assert _state() == before


def test_bad_input_never_answers_500(county, users, client_for):
    client = client_for(users["staff_a"])
    secretary = users["secretary_a1"]
    huge = "9" * 30
    assert client.get(f"/accounts/{huge}/").status_code == 404
    assert client.post(f"/accounts/{secretary.pk}/roles/{huge}/revoke/").status_code == 404
    assert client.get("/accounts/", {"q": "\x00"}).status_code == 400  # a NUL byte is refused (core.middleware)
    assert client.get("/accounts/", {"q": "甲", "page": "abc"}).status_code == 200
    before = _state()
    nul = {"username": "bad\x00name", "role": Role.SECRETARY, "unit": county["village_a1"].pk}
    assert client.post("/accounts/new/", nul).status_code == 400  # refused before the view (core.middleware)
    for data in [
        {"username": "bad name!", "role": Role.SECRETARY, "unit": county["village_a1"].pk},
        {"username": "x" * 500, "role": "nonsense", "unit": "abc"},
        {"username": "ok_name", "role": Role.SECRETARY, "unit": huge},
    ]:
        assert client.post("/accounts/new/", data).status_code == 200
    assert client.post(f"/accounts/{secretary.pk}/grant/", {"role": "", "unit": huge}).status_code == 200
    assert client.post(f"/accounts/{secretary.pk}/edit/", {"email": "not-an-email"}).status_code == 200
    assert _state() == before


def test_created_and_reset_accounts_change_their_password_at_first_login(county, users, client_for):
    from accounts import services

    account = user_with_role("handed_over", Role.SECRETARY, county["village_a1"])
    assert not account.must_change_password
    services.password_reset(user=account, actor=users["staff_a"])
    account.refresh_from_db()
    assert account.must_change_password
    client_for(users["staff_a"]).post(
        "/accounts/new/", {"username": "fresh_sec", "role": Role.SECRETARY, "unit": county["village_a1"].pk}
    )
    assert User.objects.get(username="fresh_sec").must_change_password
