import pytest

pytestmark = pytest.mark.django_db


def test_me_lists_the_callers_jurisdiction(county, users, api_for):
    body = api_for(users["staff_a"]).get("/api/v1/accounts/me/").json()
    assert body["username"] == "staff_a"
    assert body["roles"] == [
        {"role": "township_staff", "unit_id": county["township_a"].pk, "unit_code": "TOWNA0001", "unit_name": "甲镇"}
    ]


def test_home_lists_roles_and_work(county, users, client_for):
    body = client_for(users["secretary_a1"]).get("/").content.decode()
    assert "村（社区）党组织书记" in body and "甲一村" in body and "组织体系" in body
