import pytest
from django.urls import reverse

from core.models import AuditEntry
from organizations.models import OrganizationUnit

pytestmark = pytest.mark.django_db
UNITS = "/api/v1/organizations/units/"


def test_unit_page_shows_party_org_children_and_breadcrumbs_up_to_scope(county, users, client_for):
    page = client_for(users["staff_a"]).get(reverse("organizations:unit_detail", args=[county["community_a"].pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "甲社区一网格" in body and "甲社区党组织" in body
    crumbs = [u.name for u in page.context["breadcrumbs"]]
    assert crumbs == ["甲镇", "甲社区"]  # the city lies above the township user's scope


def test_tree_children_fragment(county, users, client_for):
    client = client_for(users["staff_a"])
    body = client.get(reverse("organizations:tree_children", args=[county["township_a"].pk])).content.decode()
    assert "甲一村" in body and "乙一村" not in body
    assert client.get(reverse("organizations:tree_children", args=[county["township_b"].pk])).status_code == 404


def test_search_by_name_and_code(county, users, client_for):
    client = client_for(users["staff_a"])
    assert [u.code for u in client.get("/org/", {"q": "一村"}).context["results"]] == ["VILA10001", "VILA10001-G01"]
    assert [u.code for u in client.get("/org/", {"q": "vila2"}).context["results"]] == ["VILA20001"]


def test_ui_village_under_building_shows_chinese_error_and_writes_nothing(county, users, client_for):
    client = client_for(users["staff_a"])
    before = OrganizationUnit.objects.count()
    response = client.post(
        reverse("organizations:unit_create", args=[county["building_ac"].pk]),
        {"name": "楼里的村", "code": "BADVIL001", "kind": "village", "sort_order": 0},
    )
    assert response.status_code == 200
    assert "“村”不能隶属于“楼栋”" in response.content.decode()
    assert OrganizationUnit.objects.count() == before


def test_ui_duplicate_code_shows_chinese_error(county, users, client_for):
    response = client_for(users["staff_a"]).post(
        reverse("organizations:unit_create", args=[county["township_a"].pk]),
        {"name": "重复村", "code": "vila10001", "kind": "village"},
    )
    assert "该编码已被其他组织使用。" in response.content.decode()


def test_ui_move_cycle_is_not_offered_and_refused(county, users, client_for):
    client = client_for(users["staff_a"])
    url = reverse("organizations:unit_move", args=[county["community_a"].pk])
    response = client.post(url, {"parent": county["grid_ac"].pk})
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert OrganizationUnit.objects.get(code="COMA00001").parent_id == county["township_a"].pk


def test_ui_create_and_move_work_for_staff(county, users, client_for):
    client = client_for(users["city_staff"])
    response = client.post(
        reverse("organizations:unit_create", args=[county["township_a"].pk]),
        {"name": "甲三村", "code": "vila30001", "kind": "village"},
    )
    created = OrganizationUnit.objects.get(code="VILA30001")
    assert response.status_code == 302 and created.party_org.name == "甲三村党组织"
    client.post(reverse("organizations:unit_move", args=[created.pk]), {"parent": county["township_b"].pk})
    assert OrganizationUnit.objects.get(pk=created.pk).parent_id == county["township_b"].pk


def test_secretary_can_view_but_not_edit_own_village(county, users, client_for):
    client = client_for(users["secretary_a1"])
    assert client.get(reverse("organizations:unit_detail", args=[county["village_a1"].pk])).status_code == 200
    assert client.get(reverse("organizations:unit_edit", args=[county["village_a1"].pk])).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/org/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_api_requires_authentication(county):
    from rest_framework.test import APIClient

    response = APIClient().get(UNITS)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail", "code", "errors"}


def test_api_token_auth_for_external_system(county, users):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=users["external"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(UNITS, {"within": "TOWNA0001", "kind": "village"})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["VILA10001", "VILA20001"]
    # An external system reads; it does not change the tree.
    assert api.patch(f"{UNITS}{county['village_a1'].pk}/", {"name": "x"}, format="json").status_code == 403


def test_api_children_and_ancestors(county, users, api_for):
    api = api_for(users["staff_a"])
    children = api.get(f"{UNITS}{county['community_a'].pk}/children/").json()["results"]
    assert [row["code"] for row in children] == ["COMA00001-G01"]
    ancestors = api.get(f"{UNITS}{county['building_ac'].pk}/ancestors/").json()
    assert [row["code"] for row in ancestors] == ["TOWNA0001", "COMA00001", "COMA00001-G01"]


def test_api_malformed_body_gets_400_with_field_errors(county, users, api_for):
    api = api_for(users["staff_a"])
    before = OrganizationUnit.objects.count()
    response = api.post(UNITS, {"name": "", "code": "x", "kind": "planet"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and {"name", "code", "kind", "parent_code"} <= set(body["errors"])
    response = api.post(UNITS, "{not json", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    assert OrganizationUnit.objects.count() == before


def test_api_village_under_building_is_400_in_chinese(county, users, api_for):
    response = api_for(users["staff_a"]).post(
        UNITS,
        {"name": "楼里的村", "code": "BADVIL002", "kind": "village", "parent_code": "COMA00001-G01-B01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["parent"] == ["“村”不能隶属于“楼栋”；允许的上级为：乡镇、街道、开发区。"]


def test_api_duplicate_code_and_cycle_are_400(county, users, api_for):
    api = api_for(users["staff_a"])
    dup = api.post(
        UNITS, {"name": "重复", "code": "VILA20001", "kind": "village", "parent_code": "TOWNA0001"}, format="json"
    )
    assert dup.status_code == 400 and "code" in dup.json()["errors"]
    cycle = api.post(f"{UNITS}{county['village_a1'].pk}/move/", {"parent_code": "VILA10001-G01"}, format="json")
    assert cycle.status_code == 400 and "parent" in cycle.json()["errors"]


def test_api_move_writes_audit_and_moves_subtree(county, users, api_for):
    response = api_for(users["city_staff"]).post(
        f"{UNITS}{county['community_a'].pk}/move/", {"parent_code": "TOWNB0001"}, format="json"
    )
    assert response.status_code == 200 and response.json()["parent_code"] == "TOWNB0001"
    assert OrganizationUnit.objects.get(code="COMA00001-G01-B01").path.startswith(county["township_b"].path)
    assert AuditEntry.objects.filter(action="unit.move", actor=users["city_staff"]).count() == 1


def test_api_move_out_of_scope_target_is_400(county, users, api_for):
    response = api_for(users["staff_a"]).post(
        f"{UNITS}{county['community_a'].pk}/move/", {"parent_code": "TOWNB0001"}, format="json"
    )
    assert response.status_code == 400
    assert OrganizationUnit.objects.get(code="COMA00001").parent_id == county["township_a"].pk


def test_admin_create_with_wrong_kind_shows_message(county, users, client_for):
    client = client_for(users["staff_a"])
    response = client.post(
        reverse("admin:organizations_organizationunit_add"),
        {
            "name": "楼里的村",
            "code": "BADVIL003",
            "kind": "village",
            "parent": county["building_ac"].pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "“村”不能隶属于“楼栋”" in response.content.decode()
    assert not OrganizationUnit.objects.filter(code="BADVIL003").exists()


def test_admin_create_through_service_sets_path(county, users, client_for):
    client = client_for(users["staff_a"])
    response = client.post(
        reverse("admin:organizations_organizationunit_add"),
        {
            "name": "甲四村",
            "code": "VILA40001",
            "kind": "village",
            "parent": county["township_a"].pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = OrganizationUnit.objects.get(code="VILA40001")
    assert created.path == county["township_a"].path + f"{created.pk:010d}." and created.depth == 2


def test_admin_parent_choices_limited_to_scope(county, users, client_for):
    response = client_for(users["staff_a"]).get(reverse("admin:organizations_organizationunit_add"))
    choices = {str(u) for u in response.context["adminform"].form.fields["parent"].queryset}
    assert "甲一村" in choices and "乙一村" not in choices


def test_unit_page_shows_change_history_to_staff_only(county, users, client_for):
    from organizations import services

    services.unit_update(unit=county["village_a1"], actor=users["staff_a"], name="甲一新村")
    url = reverse("organizations:unit_detail", args=[county["village_a1"].pk])
    staff_page = client_for(users["staff_a"]).get(url).content.decode()
    assert "变更记录" in staff_page and "修改组织" in staff_page and "名称由 甲一村 改为 甲一新村" in staff_page
    assert "变更记录" not in client_for(users["secretary_a1"]).get(url).content.decode()
