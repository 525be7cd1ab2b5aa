"""A Peru member signs in, reads the interface in Spanish, and cannot reach the Senegal space."""
from tests.browser.conftest import sign_in


def test_peru_member_sees_spanish_and_no_senegal(live_server, page):
    sign_in(page, live_server, "member.pe@example.org")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Mis espacios").is_visible()
    page.get_by_role("link", name="Perú").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Perú").is_visible()
    live_server.screenshot(page, "foundation-peru-space")
    response = page.goto(f"{live_server.url}/spaces/country-sn")
    assert response.status == 404
    assert page.get_by_role("heading", name="Página no encontrada").is_visible()
