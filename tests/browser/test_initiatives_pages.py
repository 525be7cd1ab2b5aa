"""The initiative pages pass axe-core's WCAG 2.1 checks, for a member and for a moderator."""
from tests.browser.conftest import axe_violations, sign_in

PAGES = ["/initiatives", "/initiatives?stage=pilot&country=sn", "/good-practices", "/dashboard",
         "/spaces/country-sn/dashboard", "/spaces/country-sn", "/spaces/country-sn/initiatives/new"]


def _first_initiative(page, live_server):
    page.goto(f"{live_server.url}/initiatives?country=sn&sort=title")
    return page.locator(".initiative-item h3 a").first.get_attribute("href")


def test_member_pages_pass_axe(live_server, page):
    sign_in(page, live_server, "member.sn@example.org")
    detail = _first_initiative(page, live_server)
    for path in PAGES + [detail, f"{detail}/edit", f"{detail}/journal/new", f"{detail}/indicators/new"]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}{detail}")
    values = page.locator("a[href*='/values']").first.get_attribute("href")
    page.goto(f"{live_server.url}{values}")
    assert axe_violations(page) == [], values
    page.fill("#period", "2025-12-31")
    page.fill("#actual-total", "10")
    page.fill("#actual-girls", "3")
    page.get_by_role("button", name="Enregistrer les valeurs").click()
    assert page.locator("#actual-total-error").is_visible()
    assert axe_violations(page) == [], "values page with errors"
    live_server.screenshot(page, "initiatives-values-errors")


def test_moderator_pages_pass_axe(live_server, page):
    sign_in(page, live_server, "moderator@example.org")
    page.goto(f"{live_server.url}/initiatives/review")
    assert axe_violations(page) == []
    page.locator("table a").first.click()
    page.wait_for_load_state()
    assert axe_violations(page) == [], page.url
