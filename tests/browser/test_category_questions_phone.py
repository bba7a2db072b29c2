"""On a 390-px phone with JavaScript off, township staff give a clue category its questions (Open311 service
attributes) through plain forms: a list question with its choices as rows, more rows on demand, a refusal that
keeps what was typed, a move and a delete — no JSON, no sideways scrolling."""

import pytest

from tests.browser.conftest import screenshot
from tests.grid_woodpecker import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scrolling


@pytest.fixture
def no_script_phone(browser):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_staff_edit_a_categorys_questions_on_a_phone_without_javascript(
    live_server, no_script_phone, login, county, users
):
    page = no_script_phone
    category = helpers.category(county["township_a"], code="fire", name="消防隐患")
    login(page, "staff_a")
    page.goto(f"{live_server.url}/woodpecker/categories/{category.pk}/edit/")
    assert page.locator("textarea[name=attributes]").count() == 0
    _fits(page)
    page.click("#questions a.button.primary")  # 添加问题

    page.fill("#id_code", "place")
    page.fill("#id_description", "隐患所在位置")
    page.select_option("#id_datatype", "singlevaluelist")
    page.check("#id_required")
    page.fill("#id_values-0-key", "corridor")
    page.fill("#id_values-0-name", "楼道")
    _fits(page)
    page.click("button[name=more_rows]")  # more empty rows, nothing saved, nothing lost
    assert page.input_value("#id_description") == "隐患所在位置"
    assert page.input_value("#id_values-0-name") == "楼道"
    page.fill("#id_values-1-key", "corridor")  # the same code twice: refused, everything kept
    page.fill("#id_values-1-name", "消防通道")
    page.click("form.form button.primary")
    assert "有两个选项的代码都是 corridor" in page.inner_text("form.form")
    assert page.input_value("#id_values-1-name") == "消防通道"
    _fits(page)
    screenshot(page, "category-question-refused-phone")
    page.fill("#id_values-1-key", "exit")
    page.click("form.form button.primary")
    page.wait_for_selector(".msg-success")
    _fits(page)

    page.click("#questions a.button.primary")
    page.fill("#id_code", "blocked")
    page.fill("#id_description", "通道是否被堵")
    page.fill("#id_order", "0")
    page.click("form.form button.primary")
    page.wait_for_selector(".msg-success")
    category.refresh_from_db()
    assert [q["code"] for q in category.attributes] == ["blocked", "place"]
    page.locator("#questions li").nth(1).locator("button", has_text="上移").click()
    page.wait_for_selector(".msg-success")
    category.refresh_from_db()
    assert [q["code"] for q in category.attributes] == ["place", "blocked"]
    assert category.attributes[0]["values"] == [
        {"key": "corridor", "name": "楼道"},
        {"key": "exit", "name": "消防通道"},
    ]
    _fits(page)
    screenshot(page, "category-questions-phone")
    page.locator("#questions li").nth(1).locator("button", has_text="删除").click()  # no script: no confirm box
    page.wait_for_selector(".msg-success")
    category.refresh_from_db()
    assert [q["code"] for q in category.attributes] == ["place"]
