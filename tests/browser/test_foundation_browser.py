"""The foundation as a person meets it in Chromium: language, spaces, 404s and accessibility."""
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, sign_in


def test_peru_member_sees_spanish_and_no_senegal(live_server, page):
    sign_in(page, live_server, "member.pe@example.org")
    assert page.locator("html").get_attribute("lang") == "es"
    expect(page.get_by_role("heading", name="Mis espacios")).to_be_visible()
    page.get_by_role("link", name="Perú", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/spaces/country-pe")
    expect(page.get_by_role("heading", name="Perú", exact=True)).to_be_visible()
    live_server.screenshot(page, "foundation-peru-space")
    response = page.goto(f"{live_server.url}/spaces/country-sn")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Página no encontrada")).to_be_visible()


def test_sign_in_and_space_pages_have_no_serious_accessibility_violations(live_server, page):
    page.goto(f"{live_server.url}/login")
    assert axe_violations(page) == []
    sign_in(page, live_server, "member.sn@example.org")
    for path in ("/spaces", "/spaces/country-sn", "/account/profile"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path


def test_keyboard_user_can_skip_to_content(live_server, page):
    page.goto(f"{live_server.url}/login")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
