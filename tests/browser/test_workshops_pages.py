"""A facilitator schedules a workshop in the browser; a member finds it, registers and enters the room."""
from tests.browser.conftest import axe_violations, sign_in


def test_schedule_register_and_enter_the_room(live_server, browser):
    facilitator = browser.new_context().new_page()
    sign_in(facilitator, live_server, "facilitator@example.org")  # Africa/Dakar, French
    facilitator.goto(f"{live_server.url}/spaces/country-sn/workshops/new")
    facilitator.fill("#title", "Atelier sur l'audition de l'enfant")
    facilitator.fill("#agenda", "1. Accueil\n2. Cas pratiques")
    facilitator.select_option("#timezone", "America/Tegucigalpa")
    facilitator.fill("#starts_at", "2031-03-10T09:00")
    facilitator.fill("#ends_at", "2031-03-10T11:00")
    facilitator.fill("#video_url", "https://meet.example.org/atelier")
    live_server.screenshot(facilitator, "workshops-schedule-form")
    assert axe_violations(facilitator) == []
    facilitator.get_by_role("button", name="Programmer").click()
    facilitator.wait_for_selector("h1:has-text(\"Atelier sur l'audition de l'enfant\")")
    # 09:00 in Honduras is 15:00 in Dakar.
    assert "15:00 (Africa/Dakar)" in facilitator.locator("dl.facts").inner_text()

    member = browser.new_context().new_page()
    sign_in(member, live_server, "member.sn@example.org")
    member.goto(f"{live_server.url}/spaces/country-sn")
    member.get_by_role("link", name="Atelier sur l'audition de l'enfant").click()
    member.get_by_role("button", name="M'inscrire").click()
    assert member.locator(".flash-success").is_visible()
    assert member.get_by_role("button", name="Annuler mon inscription").is_visible()
    live_server.screenshot(member, "workshops-detail")
    assert axe_violations(member) == []
    member.get_by_role("link", name="Entrer dans la salle en direct").click()
    member.wait_for_selector("#room[data-joined=true]")
    assert "pas encore commencé" in member.locator("#room-status").inner_text().lower()
    assert axe_violations(member) == []
    live_server.screenshot(member, "workshops-room-before-start")
