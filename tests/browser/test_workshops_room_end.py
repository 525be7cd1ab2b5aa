"""The facilitator ends the session: every open page of the room shows the ended room at once,
without a reload, and so does a page that was offline at that moment when it reconnects."""
from datetime import timedelta

from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.spaces.models import Space
from sociallab.workshops.models import Workshop
from tests.browser.conftest import sign_in

PHONE = {"width": 360, "height": 740}


def _live_workshop(app):
    with app.app_context():
        space = db.session.scalar(db.select(Space).where(Space.slug == "international"))
        facilitator = db.session.scalar(db.select(User).where(User.email == "facilitator@example.org"))
        workshop = Workshop(space_id=space.id, title="Écouter l'enfant", agenda="1. Accueil", lang="fr",
                            starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=1),
                            video_url="https://meet.example.org/ecouter", facilitators=[facilitator])
        db.session.add(workshop)
        db.session.commit()
        url = f"/spaces/international/workshops/{workshop.id}/room"
        db.session.remove()
        return url


def _open(browser, server, email, url, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    sign_in(page, server, email)
    page.goto(url)
    page.wait_for_selector("#room[data-joined=true]")
    return context, page


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_ending_the_session_updates_every_open_page_without_a_reload(live_server, browser):
    url = live_server.url + _live_workshop(live_server.app)
    _, fatou = _open(browser, live_server, "facilitator@example.org", url, viewport={"width": 1280, "height": 900})
    _, aminata = _open(browser, live_server, "member.sn@example.org", url, viewport=PHONE)
    # Lucía's page is offline when the session ends (only hers runs a test script: it needs eval).
    lucia_context, lucia = _open(browser, live_server, "member.pe@example.org", url, bypass_csp=True)

    fatou.get_by_role("button", name="Démarrer la séance").click()
    for page in (fatou, aminata, lucia):
        page.wait_for_selector("#room[data-status=live][data-joined=true]")
    fatou.fill("#chat-body", "Bienvenue à toutes et à tous")
    fatou.locator("form[data-action=chat] button").click()
    aminata.fill("#chat-body", "Bonjour depuis Dakar")
    aminata.locator("form[data-action=chat] button").click()
    aminata.fill("#question-body", "Comment associer les familles ?")
    aminata.locator("form[data-action=ask] button").click()
    fatou.wait_for_selector("#question-list li")
    fatou.wait_for_selector("#chat-list li:not(.pending):nth-child(2)")
    aminata.wait_for_selector("#question-list li")
    # The asker is not offered to up-vote her own question; the others are.
    assert aminata.locator("#question-list form[data-action=vote_question]").count() == 0
    assert fatou.locator("#question-list form[data-action=vote_question]").count() == 1
    # The chat's controls sit at the end of each message's line, not on lines of their own.
    line = fatou.locator("#chat-list li").first
    body_box = line.locator(".body").bounding_box()
    remove_box = line.get_by_role("button", name="Retirer", exact=True).bounding_box()
    assert abs(remove_box["y"] - body_box["y"]) < body_box["height"]
    # Desktop: chat and questions side by side, presence and hands together beside them.
    chat_box, questions_box = fatou.locator("#chat").bounding_box(), fatou.locator("#questions").bounding_box()
    assert abs(chat_box["y"] - questions_box["y"]) < 2 and questions_box["x"] > chat_box["x"]
    presence_box, hands_box = fatou.locator("#presence").bounding_box(), fatou.locator("#hands").bounding_box()
    assert 0 <= hands_box["y"] - (presence_box["y"] + presence_box["height"]) < 40
    for page in (fatou, aminata):
        page.wait_for_selector("#presence-count:text-is('3')")
    assert _no_horizontal_scroll(aminata)
    live_server.screenshot(fatou, "workshops-room-live-desktop")
    live_server.screenshot(aminata, "workshops-room-live-360")

    lucia_context.set_offline(True)
    lucia.evaluate("window.sociallabRoom.socket.io.engine.close()")
    lucia.wait_for_selector("#connection.offline")

    loads = []
    aminata.on("load", lambda _page: loads.append(True))
    fatou.get_by_role("button", name="Terminer la séance").click()
    for page in (fatou, aminata):
        page.wait_for_selector("#room[data-status=ended]")
        page.wait_for_selector("#room-ended", state="visible")
    assert loads == []  # updated in place, not reloaded
    for page in (fatou, aminata):
        assert page.locator("#room-status").inner_text() == "Terminé"
        assert page.locator(".tag.live").count() == 0
        for gone in ("#people", "#presence-list", "#hand-list", "#connection", "#video-link", "form[data-action=chat]",
                     "form[data-action=ask]", "form[data-action=vote_question]", "#notes-form"):
            assert page.locator(gone).count() == 0, gone
        assert "La séance est terminée." in page.locator("#room-ended").inner_text()
        assert "/resources/" in page.locator("#minutes-link").get_attribute("href")
        assert page.get_by_text("Bonjour depuis Dakar").is_visible()
    # Removing identifying details stays possible after the end (an ordinary post), as after a reload.
    assert fatou.locator("#chat-list form[data-action=redact_message][data-native]").count() == 2
    assert aminata.locator("#chat-list form").count() == 0
    assert _no_horizontal_scroll(aminata)
    live_server.screenshot(fatou, "workshops-room-ended-desktop")
    live_server.screenshot(aminata, "workshops-room-ended-360")

    # The page that was offline catches up when it reconnects: the same ended room.
    lucia_context.set_offline(False)
    lucia.wait_for_selector("#room[data-status=ended]", timeout=20000)
    assert lucia.locator("#people").count() == 0 and lucia.locator("#room-ended").is_visible()
    assert lucia.locator("#room-status").inner_text() == "Terminado"  # Lucía reads Spanish

    # What the server renders for the ended room agrees with what the live pages became.
    aminata.reload()
    assert aminata.locator("#room-status").inner_text() == "Terminé"
    for gone in ("#people", "#connection", "#video-link", "form[data-action=chat]", ".tag.live"):
        assert aminata.locator(gone).count() == 0, gone
    assert aminata.locator("#room-ended").is_visible()
    fatou.reload()
    assert fatou.locator("#chat-list form[data-action=redact_message][data-native]").count() == 2
