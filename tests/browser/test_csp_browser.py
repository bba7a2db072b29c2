"""The Content-Security-Policy in a real browser: the portal's pages, their scripts (tree, year pickers, charts),
the back office and the API docs run with no CSP violation at all."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def watch(page):
    page.add_init_script(RECORD_VIOLATIONS)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return lambda: problems + page.evaluate("window.__csp || []")


def test_portal_pages_run_under_the_csp(live_server, page, login, county, users):
    problems = watch(page)
    login(page, "city_staff")
    page.click("text=组织体系")
    page.locator("#org-tree li.node >> button.toggle").first.click()  # children load through static/js/portal.js
    page.wait_for_selector("#org-tree li.node li.node")
    page.goto(f"{live_server.url}/goals/units/{county['city'].pk}/")
    page.wait_for_selector(".goal-chart canvas")  # ECharts draws
    select = page.locator("select[data-autosubmit]")
    years = select.locator("option").all_inner_texts()
    if len(years) > 1:  # the year picker submits on change, wired by data attribute
        with page.expect_navigation():
            select.select_option(years[-1])
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("button[data-toggle-nav]")
    assert "nav-open" in page.evaluate("document.body.className")
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector("#content")
    # A change list of sheet-kept records links to the portal's import, export and template (a superuser also gets
    # django-import-export's export, straight to the file: no format page, no inline handler).
    page.goto(f"{live_server.url}/admin/organizations/organizationunit/")
    page.wait_for_selector("a[href='/sheets/export/units.xlsx']")
    assert problems() == []


def test_api_docs_render_under_their_policy(live_server, page, login, users):
    problems = watch(page)
    login(page, "city_staff")
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)
    assert "dangjian API" in page.locator(".swagger-ui .title").first.inner_text()  # the schema loaded and rendered
    page.goto(f"{live_server.url}/api/v1/redoc/")
    page.wait_for_selector("h1", timeout=30000)
    assert "dangjian API" in page.locator("h1").first.inner_text()
    # ReDoc's sidebar footer links its vendor's logo from a CDN: the policy blocks it (as it should; nothing is
    # loaded from another origin) and the page works without it. Any other violation fails.
    expected = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [p for p in problems() if expected not in p] == []


def test_docs_need_a_login_in_the_browser(live_server, page):
    page.goto(f"{live_server.url}/api/v1/docs/")
    assert page.url.startswith(f"{live_server.url}/login/")
