"""The workbench on the home page: each role's queues, each count equal to its selector's, the query count pinned;
menus per role; the unread badge."""

import re

import pytest
from django.apps import apps

from accounts.permissions import holds_action
from accounts.roles import Role
from cadres import workbench as cadres_queues
from collective_economy import workbench as economy_queues
from core import workbench
from core.context_processors import menu_entries
from grid_woodpecker import workbench as clue_queues
from grid_woodpecker.services.clues import clue_submit
from notifications.services import notify
from reporting import workbench as reporting_queues
from tests import roles
from tests.notifications.world import build_day

pytestmark = pytest.mark.django_db

# Each queue's selector: the count a page shows must be this queryset's.
SELECTORS = {
    "clue_triage": clue_queues.triage_clues,
    "clue_overdue": clue_queues.overdue_clues,
    "clue_soon_due": clue_queues.soon_due_clues,
    "clue_rating": clue_queues.awaiting_rating,
    "redemptions_counter": clue_queues.to_hand_out,
    "redemptions_pickup": clue_queues.to_pick_up,
    "development_approval": cadres_queues.steps_to_approve,
    "reserve_due": cadres_queues.reserves_due,
    "deadlines_month": cadres_queues.probations_ending,
    "income_reports_approval": economy_queues.reports_to_approve,
    "income_reports_returned": economy_queues.reports_returned,
    "reports_to_submit": reporting_queues.reports_to_fill,
    "reports_to_approve": reporting_queues.reports_waiting,
}

# What the day leaves waiting, by hand: (role, queue) → count. A queue the role has and not listed here holds 0.
EXPECTED = {
    ("township_staff_a", "clue_triage"): 1,
    ("township_staff_a", "clue_overdue"): 1,
    ("township_staff_a", "clue_soon_due"): 1,
    ("township_staff_a", "redemptions_counter"): 1,
    ("township_staff_a", "development_approval"): 1,
    ("township_staff_a", "reserve_due"): 1,
    ("township_staff_a", "income_reports_approval"): 1,
    ("org_department", "clue_triage"): 1,
    ("org_department", "clue_overdue"): 1,
    ("org_department", "clue_soon_due"): 1,
    ("org_department", "redemptions_counter"): 1,
    ("org_department", "development_approval"): 1,
    ("org_department", "reserve_due"): 1,
    ("org_department", "income_reports_approval"): 1,
    ("secretary_a", "clue_triage"): 1,
    ("secretary_a", "clue_overdue"): 1,
    ("secretary_a", "clue_soon_due"): 1,
    ("secretary_a", "redemptions_counter"): 1,
    ("secretary_a", "reserve_due"): 1,
    ("grid_worker_a", "clue_triage"): 1,
    ("grid_worker_a", "clue_overdue"): 1,
    ("grid_worker_a", "clue_soon_due"): 1,
    ("grid_worker_a", "redemptions_counter"): 1,
    ("department_handler", "clue_soon_due"): 1,
    ("woodpecker_a", "clue_rating"): 1,
    ("woodpecker_a", "redemptions_pickup"): 1,
}
# Queues a role must not have at all (its menu has no such page).
ABSENT = {
    "department_handler": {"clue_triage", "redemptions_counter", "development_approval", "income_reports_approval"},
    "woodpecker_a": {"clue_triage", "clue_overdue", "redemptions_counter", "development_approval", "reserve_due"},
    "external_system": {"clue_triage", "clue_rating", "redemptions_counter", "development_approval"},
    "secretary_a": {"development_approval", "income_reports_approval", "clue_rating"},
}


@pytest.fixture
def day(county, users):
    return build_day(county, users)


def _page_counts(html: str) -> dict:
    return {
        key: int(count) for key, count in re.findall(r'data-queue="([a-z_]+)".*?data-count="(\d+)"', html, flags=re.S)
    }


@pytest.mark.parametrize("spec", [r for r in roles.MATRIX if r.role], ids=str)
def test_each_roles_workbench_counts_what_its_selectors_hold(spec, day, client):
    user = day["people"][spec.name]
    client.force_login(user)
    response = client.get("/")
    if spec.name == "external_system":  # a service account has no portal session: its queues, asked directly
        assert response.status_code == 302
        shown = {queue.key: queue.count for queue in workbench.queues_for(user)}
    else:
        assert response.status_code == 200
        shown = {queue.key: queue.count for queue in response.context["queues"]}
        assert _page_counts(response.content.decode()) == shown  # the page shows the counts it was given
    registered = {entry.key for entry in workbench.registered()}
    assert registered == set(SELECTORS)
    for key, count in shown.items():
        assert count == SELECTORS[key](user).count(), key
        assert count == EXPECTED.get((spec.name, key), 0), (spec.name, key)
    for (role, key), count in EXPECTED.items():
        if role == spec.name:
            assert shown.get(key) == count, key
    assert not ABSENT.get(spec.name, set()) & set(shown), spec.name


def test_items_link_to_their_records(day, client):
    client.force_login(day["people"]["township_staff_a"])
    queues = {queue.key: queue for queue in client.get("/").context["queues"]}
    overdue = queues["clue_overdue"].items[0]
    assert overdue.url == f"/woodpecker/clues/{day['clues']['overdue'].pk}/" and overdue.tone == "alert"
    assert queues["income_reports_approval"].items[0].url == f"/economy/reports/{day['report'].pk}/"
    assert queues["development_approval"].url.endswith("?pending=1")


# The home page of township staff: the session, the user, the roles held (names; units and roles for every scope),
# the roles card, the badge, and one query (the short list with its count) for each of its 9 queues. Fixed whatever
# the rows.
HOME_QUERIES = 15


def test_workbench_query_count_is_pinned(day, client, django_assert_num_queries):
    client.force_login(day["people"]["township_staff_a"])
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")
    for text in (
        "更多线索一二三四五",
        "更多线索六七八九十",
        "更多线索甲乙丙丁戊",
        "更多线索己庚辛壬癸",
        "更多线索子丑寅卯辰",
    ):
        clue_submit(actor=day["people"]["woodpecker_a"], category=day["category"], description=text, check_limits=False)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    queues = {queue.key: queue for queue in response.context["queues"]}
    assert queues["clue_triage"].count == 6 and len(queues["clue_triage"].items) == workbench.SHORT_LIST


def test_menus_show_only_what_the_role_can_use(day, client):
    def menu(name):
        client.force_login(day["people"][name])
        response = client.get("/")
        urls = {item["url"] for item in response.context["nav_items"]}
        return urls, response.context["show_api_docs"], response.content.decode()

    handler, handler_api, _html = menu("department_handler")
    assert "/woodpecker/triage/" not in handler and "/woodpecker/community/" not in handler
    assert "/woodpecker/department/" in handler and handler_api
    woodpecker, woodpecker_api, html = menu("woodpecker_a")
    assert "/org/" not in woodpecker and not woodpecker_api and "/api/v1/docs/" not in html
    assert {"/woodpecker/me/", "/woodpecker/points/"} <= woodpecker
    worker, _api, _html = menu("grid_worker_a")
    assert {"/woodpecker/triage/", "/woodpecker/community/", "/woodpecker/counter/", "/org/"} <= worker
    staff, staff_api, _html = menu("township_staff_a")
    assert "/woodpecker/triage/" not in staff and "/woodpecker/counter/" in staff and staff_api
    # The pages where staff keep what Django's admin used to: stations and goods (those who keep the counter too),
    # clue categories and demonstration titles (organization-department and township staff).
    assert {"/woodpecker/stations/", "/woodpecker/goods/", "/woodpecker/categories/", "/org/titles/"} <= staff
    assert {"/woodpecker/stations/", "/woodpecker/goods/"} <= worker
    assert not {"/woodpecker/categories/", "/org/titles/"} & worker
    assert not {"/woodpecker/stations/", "/woodpecker/leaderboard/"} & handler


def test_every_roles_menu_leads_to_pages_it_may_use(day, client):
    """For every role of accounts/roles.py held by a portal user of the matrix (tests/roles.py), each menu link is
    one the role may use — the entry names the role or an action the role holds (the models' declarations,
    `holds_action`) — and answers 200. An entry open to everyone is not allowed: a page someone has no use for
    shows up empty or forbidden."""
    entries = {entry.url_name: entry for entry in menu_entries()}
    assert all(entry.roles or entry.action for entry in entries.values()), "a menu entry must name roles or an action"
    tried, service_accounts = set(), set()
    for spec in roles.MATRIX:
        if spec.role is None:
            continue
        user = day["people"][spec.name]
        if not roles.uses_portal(user):
            service_accounts.add(spec.role)
            continue
        tried.add(spec.role)
        client.force_login(user)
        items = client.get("/").context["nav_items"]
        assert items, spec.name
        for item in items:
            entry = entries[item["url_name"]]
            assert not entry.roles or user.role_names() & set(entry.roles), (spec.name, item["url"])
            if entry.action:
                model, action = entry.action
                assert holds_action(user, apps.get_model(model), action), (spec.name, item["url"])
            response = client.get(item["url"], follow=True)  # a section's front page may send to the user's own
            assert response.status_code == 200, (spec.name, item["url"], response.redirect_chain)
    assert tried | service_accounts == set(Role.values), "the matrix must hold every role"


def test_unread_badge(day, client):
    user = day["people"]["woodpecker_a"]
    client.force_login(user)
    before = len(user.notifications.all())
    assert before >= 1  # the day told the reporter of their clues' steps
    html = client.get("/").content.decode()
    assert f"data-unread-badge>{before}</span>" in html
    notify(recipients=[user], event="deadline.reminder", title="提醒")
    assert f"data-unread-badge>{before + 1}</span>" in client.get("/").content.decode()
    client.post("/notifications/read/")
    assert "data-unread-badge" not in client.get("/").content.decode()
