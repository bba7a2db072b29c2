import pytest

pytestmark = pytest.mark.django_db


def test_not_found_page_is_chinese_and_says_nothing_about_existence(county, users, client_for):
    response = client_for(users["staff_a"]).get(f"/org/units/{county['village_b1'].pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "不存在" in body and "乙一村" not in body


def test_forbidden_page_is_chinese(county, users, client_for):
    response = client_for(users["secretary_a1"]).get(f"/org/units/{county['village_a1'].pk}/edit/")
    assert response.status_code == 403
    assert "无权" in response.content.decode()


def test_only_the_current_menu_entry_is_marked_active(county, users, client_for):
    response = client_for(users["city_staff"]).get("/org/")
    active = [item["url"] for item in response.context["nav_items"] if item["active"]]
    assert active == ["/org/"]
