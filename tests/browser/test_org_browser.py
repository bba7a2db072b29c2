import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_user_expands_tree_and_sees_only_own_township(live_server, page, login, county, users):
    login(page, "staff_a")
    page.click("text=组织体系")
    tree = page.locator("#org-tree")
    assert tree.locator(":scope > li > a").all_inner_texts() == ["甲镇"]
    tree.locator("li.node >> button.toggle").first.click()
    page.wait_for_selector("#org-tree li.node li.node")
    names = tree.locator("li.node li.node > a").all_inner_texts()
    assert {"甲一村", "甲二村", "甲社区"} <= set(names)
    # Expand the community, then its grid: buildings load on demand.
    page.locator("li.node:has(> a:text('甲社区')) > button.toggle").click()
    page.locator("li.node:has(> a:text('甲社区一网格')) > button.toggle").click()
    page.wait_for_selector("text=甲社区一网格1栋")
    body = page.content()
    assert "乙街道" not in body and "乙一村" not in body and "测试市" not in body
    screenshot(page, "org-browser-township")
    # A unit page of another township is not found.
    response = page.goto(f"{live_server.url}/org/units/{county['village_b1'].pk}/")
    assert response.status == 404


def test_phone_layout_has_menu_toggle(live_server, phone_page, login, county, users):
    login(phone_page, "staff_a")
    assert phone_page.locator(".nav-toggle").is_visible()
    assert not phone_page.locator(".mainnav").is_visible()
    phone_page.click(".nav-toggle")
    assert phone_page.locator(".mainnav").is_visible()
