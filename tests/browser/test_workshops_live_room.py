"""A facilitator and two members run a poll and a question vote live; one member drops and returns."""
from datetime import timedelta

from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.spaces.models import Space
from sociallab.workshops.models import Workshop
from tests.browser.conftest import sign_in


def _create_workshop(app):
    with app.app_context():
        space = db.session.scalar(db.select(Space).where(Space.slug == "international"))
        facilitator = db.session.scalar(db.select(User).where(User.email == "facilitator@example.org"))
        workshop = Workshop(space_id=space.id, title="Écouter l'enfant", agenda="1. Accueil", lang="fr",
                            starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=1), facilitators=[facilitator])
        db.session.add(workshop)
        db.session.commit()
        url = f"/spaces/international/workshops/{workshop.id}/room"
        db.session.remove()
        return url


def _state(page):
    return {
        "chat": page.locator("#chat-list li:not(.pending) .body").all_inner_texts(),
        "questions": [(q.get_attribute("data-id"), q.get_attribute("data-votes"))
                      for q in page.locator("#question-list li").all()],
        "poll": page.locator("#poll-list .results .count").all_inner_texts(),
    }


def test_poll_and_question_vote_live_with_a_dropped_connection(live_server, browser):
    room_url = live_server.url + _create_workshop(live_server.app)
    people = {}
    for who, email in (("fatou", "facilitator@example.org"), ("aminata", "member.sn@example.org"),
                       ("lucia", "member.pe@example.org")):
        # Only Lucía's page runs a test script (to drop her connection), which needs eval.
        context = browser.new_context(bypass_csp=(who == "lucia"))
        page = context.new_page()
        sign_in(page, live_server, email)
        page.goto(room_url)
        page.wait_for_selector("#room[data-joined=true]")
        people[who] = (context, page)
    fatou, aminata, lucia = (people[w][1] for w in ("fatou", "aminata", "lucia"))

    # Starting reloads every open room page live.
    fatou.get_by_role("button", name="Démarrer la séance").click()
    for page in (fatou, aminata, lucia):
        page.wait_for_selector("#room[data-status=live][data-joined=true]")

    # Shared notes reach the members formatted, as the room page renders them.
    fatou.fill("#notes-text", "## Décisions\n\n- **Écouter** l'enfant")
    fatou.locator("#notes-form button[type=submit]").click()
    for page in (aminata, lucia):
        page.wait_for_selector("#notes-view h2:text-is('Décisions')")
        page.wait_for_selector("#notes-view li strong:text-is('Écouter')")

    fatou.locator("details.open-poll summary").click()
    fatou.fill("#poll-question", "Quel format ?")
    fatou.fill("#poll-options", "Atelier\nWebinaire")
    fatou.get_by_role("button", name="Ouvrir le sondage").click()
    for page in (aminata, lucia):
        page.wait_for_selector("#poll-list .poll h3:has-text('Quel format ?')")
    aminata.get_by_label("Atelier").check()
    aminata.locator("#poll-list form[data-action=vote_poll] button").click()
    lucia.get_by_label("Webinaire").check()
    lucia.locator("#poll-list form[data-action=vote_poll] button").click()
    fatou.wait_for_selector("#poll-list .results li:nth-child(2) .count:text-is('1')")
    fatou.wait_for_selector("#poll-list .results li:nth-child(1) .count:text-is('1')")

    aminata.fill("#question-body", "Comment protéger l'enfant témoin ?")
    aminata.locator("form[data-action=ask] button").click()
    lucia.wait_for_selector("#question-list li")
    lucia.locator("#question-list form[data-action=vote_question] button").click()
    fatou.wait_for_selector("#question-list li[data-votes='1']")

    # Lucía's connection drops: the page says so, she keeps typing, the others go on.
    lucia_context = people["lucia"][0]
    lucia_context.set_offline(True)
    lucia.evaluate("window.sociallabRoom.socket.io.engine.close()")
    lucia.wait_for_selector("#connection.offline")
    assert "reconectando" in lucia.locator("#connection").inner_text()  # Lucía reads Spanish
    lucia.fill("#chat-body", "Je suis de retour")
    lucia.locator("form[data-action=chat] button").click()
    aminata.fill("#chat-body", "Pendant ton absence")
    aminata.locator("form[data-action=chat] button").click()
    # Aminata asked it: nobody up-votes their own question, Fatou does.
    fatou.locator("#question-list form[data-action=vote_question] button").click()
    fatou.locator("#poll-list form[data-action=close_poll] button").click()
    fatou.wait_for_selector("#question-list li[data-votes='2']")
    live_server.screenshot(lucia, "workshops-room-offline")

    lucia_context.set_offline(False)
    lucia.wait_for_selector("#connection:not(.offline)", timeout=20000)
    for page in (fatou, aminata, lucia):
        page.wait_for_selector("#chat-list li:not(.pending):nth-child(2)")
        page.wait_for_selector("#chat-list li.pending", state="detached")
        page.wait_for_selector("#question-list li[data-votes='2']")
        page.wait_for_selector("#poll-list .poll h3 .tag")
    states = [_state(page) for page in (fatou, aminata, lucia)]
    assert states[0] == states[1] == states[2]
    assert sorted(states[0]["chat"]) == ["Je suis de retour", "Pendant ton absence"]
    assert states[0]["poll"] == ["1", "1"]
    seqs = [page.locator("#room").get_attribute("data-seq") for page in (fatou, aminata, lucia)]
    assert seqs[0] == seqs[1] == seqs[2]
    live_server.screenshot(fatou, "workshops-room-facilitator")
    # What the server rendered agrees with what the live pages built.
    lucia.reload()
    assert _state(lucia) == states[0]
    for context, _page in people.values():
        context.close()
