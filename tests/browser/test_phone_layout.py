"""Secretary and staff pages on a 390×844 phone.

- A village secretary nominates a reserve cadre by picking a registered person by name (the typeahead of
  cadres/picker.py): no ID number is typed, and the village, the only unit possible, comes preselected.
- No page of any demo role's menu is wider than the phone, nor squeezes a table's cells to a character a line:
  the roles come from accounts/roles.py (every role whose holders use the portal, tests/roles.uses_portal), their
  holders from the demo county's accounts (`load_demo`), and the links from each app's menu.py as the navigation
  shows them (core.context_processors.menu_for). Lists become cards and wide tables scroll inside their own box
  (static/css/portal.css, static/js/portal.js).
"""

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from cadres.models import ReserveCadre
from core.context_processors import menu_for
from organizations.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests import roles
from tests.browser.conftest import screenshot
from tests.cadres import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Table cells squeezed to a character or two a line (a label or a name written downwards): their text.
SQUEEZED_CELLS = """() => [...document.querySelectorAll("td, th")].filter((cell) => {
  const style = getComputedStyle(cell);
  const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const head = cell.closest("thead");
  if (head && head.getBoundingClientRect().width <= 1) return false; // a header hidden while rows are cards
  return cell.offsetParent !== null && cell.innerText.trim().length > 3 && inner < 2.5 * parseFloat(style.fontSize);
}).map((cell) => cell.innerText.trim().slice(0, 20)).slice(0, 5)"""


def test_secretary_nominates_a_reserve_cadre_by_picking_a_name(live_server, phone_page, login, county, users):
    chosen = h.person(county["village_a1"], "李明远", age=28)
    h.person(county["village_b1"], "李明远", age=30)  # a namesake in another township: never offered
    login(phone_page, "secretary_a1")
    phone_page.goto(f"{live_server.url}/cadres/reserves/new/")
    # The village is the secretary's only possible unit: shown as text, nothing to choose.
    assert phone_page.locator("[data-only-choice]").inner_text() == "甲一村（VILA10001）"
    phone_page.locator("#id_person_q").press_sequentially("李明", delay=60)
    option = phone_page.locator(".picker-option", has_text="李明远")
    option.wait_for()
    assert option.count() == 1 and "甲一村" in option.inner_text()
    assert chosen.id_number_masked in option.inner_text()
    option.click()
    phone_page.select_option("#id_post_for", "secretary")
    phone_page.select_option("#id_nomination", "open")
    phone_page.fill("#id_nominated_on", "2024-02-01")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone_page, "reserve-picked-by-name")
    phone_page.click("form.form button.primary")
    phone_page.wait_for_url(f"{live_server.url}/cadres/reserves/*/")
    reserve = ReserveCadre.objects.get()
    assert reserve.person == chosen and reserve.unit == county["village_a1"]
    # No field of the form was an ID number: the only text typed was the name.
    assert phone_page.locator("text=李明远").count() >= 1


def _demo_users():
    """The demo county's holders of every role that uses the portal (accounts/roles.py), one browser login each."""
    found = []
    for role in Role:
        holders = User.objects.filter(username__in=DEMO_ACCOUNTS, role_assignments__role=role).distinct()
        for user in holders.order_by("username"):
            if roles.uses_portal(user) and user not in found:
                found.append(user)
    return found


def test_no_menu_page_of_any_demo_role_is_wider_than_a_phone(live_server, browser):
    call_command("load_demo", quiet_users=True)
    users = _demo_users()
    held = {role for user in users for role in user.role_names()}
    assert held == {role for role in Role if role != Role.EXTERNAL_SYSTEM}, held  # every role a person uses
    too_wide = []
    visited = 0
    for user in users:
        context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        for url in ["/", *[item["url"] for item in menu_for(user)]]:
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None and response.status < 400, (user.username, url, response and response.status)
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            squeezed = page.evaluate(SQUEEZED_CELLS)
            visited += 1
            if width > PHONE["width"] or squeezed:
                too_wide.append((user.username, url, width, squeezed))
                screenshot(page, f"too-wide-{user.username}-{url.strip('/').replace('/', '-') or 'home'}")
        context.close()
    assert visited > len(users)
    assert not too_wide, too_wide
