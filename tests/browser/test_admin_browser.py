"""An administrator walks through the administration in Chromium; a focal point invites a colleague."""
from tests.browser.conftest import sign_in


def test_admin_refuses_a_fifth_senegal_partner_and_reads_the_audit_log(live_server, page):
    sign_in(page, live_server, "admin@example.org")
    page.get_by_role("link", name="Administration").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Administration", exact=True).is_visible()
    live_server.screenshot(page, "admin-dashboard")

    page.goto(f"{live_server.url}/admin/countries")
    live_server.screenshot(page, "admin-countries")

    page.goto(f"{live_server.url}/admin/organisations/new")
    page.fill("input[name=name]", "Cinquième Partenaire Fictif")
    page.select_option("select[name=country_id]", label="Sénégal")
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="4 organisations partenaires").is_visible()
    assert page.input_value("input[name=name]") == "Cinquième Partenaire Fictif"
    live_server.screenshot(page, "admin-fifth-partner-refused")

    page.goto(f"{live_server.url}/admin/people?q=member")
    live_server.screenshot(page, "admin-people")
    page.get_by_role("link", name="Membre Togo").click()
    page.wait_for_load_state()
    page.uncheck("input[name=active]")
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()
    live_server.screenshot(page, "admin-person")

    page.goto(f"{live_server.url}/admin/audit")
    live_server.screenshot(page, "admin-audit")
    assert page.locator("table").get_by_text("Personne modifiée").first.is_visible()

    for section in ("organisations", "spaces", "mandates", "themes", "roles"):
        page.goto(f"{live_server.url}/admin/{section}")
        assert page.locator("table").is_visible()
        live_server.screenshot(page, f"admin-{section}")
    page.goto(f"{live_server.url}/admin/invitations")
    live_server.screenshot(page, "admin-invitations")


def test_focal_point_invites_a_colleague_from_the_profile(live_server, page):
    sign_in(page, live_server, "member.pe@example.org")  # the Peru partner's focal point, in Spanish
    page.goto(f"{live_server.url}/account/profile")
    page.get_by_role("link", name="Invitar a un/a colega").click()
    page.wait_for_load_state()
    page.fill("input[name=email]", "colega.nueva@example.org")
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()
    assert page.get_by_text("colega.nueva@example.org").first.is_visible()
    live_server.screenshot(page, "focal-point-invite")


def test_admin_pages_fit_a_phone_screen(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server, "admin@example.org")
    page.goto(f"{live_server.url}/admin/organisations")
    width = page.evaluate("document.documentElement.scrollWidth")
    live_server.screenshot(page, "admin-organisations-phone")
    assert width <= 360, "the page scrolls sideways; only its tables may"
    context.close()
