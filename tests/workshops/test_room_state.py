"""Questions, polls, raised hands and shared notes: the rules people rely on in a live room."""
import re
from datetime import timedelta

from flask_babel import force_locale, gettext

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.workshops import room
from sociallab.workshops.models import Poll, Presence, Question, Workshop
from sociallab.workshops.poll_results import poll_counts
from sociallab.workshops.room_questions import questions
from tests.conftest import Auth
from tests.factories import make_workshop


def test_question_upvoted_once_per_person_and_ordered_by_votes(world, workshop, connect):
    amy, moussa, fred = connect(world.member, workshop), connect(world.member2, workshop), \
        connect(world.facilitator, workshop)
    first = amy.act("ask", body="First question")["seq"]
    second = amy.act("ask", body="Second question")["seq"]
    q1, q2 = amy.seen[first]["data"]["id"], amy.seen[second]["data"]["id"]
    assert moussa.act("vote_question", question_id=q2)["ok"]
    again = moussa.act("vote_question", question_id=q2)
    assert not again["ok"] and "déjà" in again["error"]
    assert fred.act("vote_question", question_id=q2)["ok"]
    assert moussa.act("vote_question", question_id=q1)["ok"]
    assert [(q.body, q.votes) for q in questions(workshop)] == [("Second question", 2), ("First question", 1)]
    fred.drain()
    assert fred.seen[fred.last_seq]["data"] == {"id": q1, "votes": 1}


def test_facilitator_marks_a_question_answered_and_highlighted(world, workshop, connect):
    amy, fred = connect(world.member, workshop), connect(world.facilitator, workshop)
    qid = amy.seen[amy.act("ask", body="Who decides?")["seq"]]["data"]["id"]
    assert fred.act("mark_question", question_id=qid, answered=True)["ok"]
    assert fred.act("mark_question", question_id=qid, highlighted=True)["ok"]
    amy.drain()
    assert amy.seen[amy.last_seq]["data"] == {"id": qid, "answered": True, "highlighted": True}


def test_poll_vote_counts_once_and_can_change_until_closed(world, workshop, connect):
    fred, amy, moussa = connect(world.facilitator, workshop), connect(world.member, workshop), \
        connect(world.member2, workshop)
    opened = fred.act("open_poll", question="Best time?", options=["Morning", "Evening"])
    poll = fred.seen[opened["seq"]]["data"]
    morning, evening = (o["id"] for o in poll["options"])
    assert amy.act("vote_poll", poll_id=poll["id"], option_ids=[morning])["ok"]
    assert amy.act("vote_poll", poll_id=poll["id"], option_ids=[morning])["ok"]
    assert moussa.act("vote_poll", poll_id=poll["id"], option_ids=[morning])["ok"]
    assert amy.act("vote_poll", poll_id=poll["id"], option_ids=[evening])["ok"]
    fred.drain()
    live = fred.seen[fred.last_seq]["data"]
    assert live["counts"] == {str(morning): 1, str(evening): 1} and live["voters"] == 2
    assert not amy.act("vote_poll", poll_id=poll["id"], option_ids=[morning, evening])["ok"]  # single choice
    assert fred.act("close_poll", poll_id=poll["id"])["ok"]
    late = moussa.act("vote_poll", poll_id=poll["id"], option_ids=[evening])
    assert not late["ok"] and "clos" in late["error"]
    assert poll_counts(db.session.get(Poll, poll["id"])) == {str(morning): 1, str(evening): 1}


def test_multiple_choice_poll_takes_several_options(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    poll = fred.seen[fred.act("open_poll", question="Topics?", options=["A", "B", "C"], multiple=True)["seq"]]["data"]
    a, b, c = (o["id"] for o in poll["options"])
    assert amy.act("vote_poll", poll_id=poll["id"], option_ids=[a, c])["ok"]
    assert poll_counts(db.session.get(Poll, poll["id"])) == {str(a): 1, str(b): 0, str(c): 1}
    assert not amy.act("vote_poll", poll_id=poll["id"], option_ids=[999])["ok"]


def test_poll_needs_two_options(world, workshop, connect):
    fred = connect(world.facilitator, workshop)
    refused = fred.act("open_poll", question="Alone?", options=["only one", "  "])
    assert not refused["ok"] and "two options" in refused["error"]  # Fred reads English


def test_raised_hands_in_order_lowered_by_self_or_facilitator(world, workshop, connect):
    fred, amy, moussa = connect(world.facilitator, workshop), connect(world.member, workshop), \
        connect(world.member2, workshop)
    moussa.act("raise_hand")
    amy.act("raise_hand")
    amy.act("raise_hand")  # already up: stays in its place
    assert [h.user.name for h in room.raised_hands(workshop)] == ["Moussa Sénégal", "Aminata Sénégal"]
    assert fred.act("lower_hand", user_id=world.member2.id)["ok"]
    assert [h.user.name for h in room.raised_hands(workshop)] == ["Aminata Sénégal"]
    assert amy.act("lower_hand")["ok"]
    assert room.raised_hands(workshop) == []


def test_stale_note_edit_is_refused_and_shown_the_newer_text(world, workshop, connect):
    from sociallab.accounts.models import SpaceRole
    from tests import factories
    other = factories.user("facilitator2@example.org", None, name="Fanta Facilitator")
    factories.role(other, SpaceRole.FACILITATOR, world.sn_space)
    db.session.commit()
    fred, fanta = connect(world.facilitator, workshop), connect(other, workshop)
    assert fred.act("notes", notes="Fred's notes", version=0)["ok"]
    stale = fanta.act("notes", notes="Fanta's notes", version=0)
    assert not stale["ok"] and stale["code"] == 409
    assert stale["notes"] == "Fred's notes" and stale["version"] == 1
    assert fanta.act("notes", notes="Fred's notes\nFanta's notes", version=1)["ok"]
    db.session.refresh(workshop)
    assert workshop.notes == "Fred's notes\nFanta's notes" and workshop.notes_version == 2


def test_removed_message_text_is_not_replayed_to_a_late_client(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    sent = amy.act("chat", body="my phone is 555 0100")
    message_id = amy.seen[sent["seq"]]["data"]["id"]
    assert fred.act("remove_message", message_id=message_id)["ok"]
    late = connect(world.member2, workshop)
    assert late.seen[sent["seq"]]["data"]["body"] == ""
    assert late.seen[sent["seq"]]["data"]["removed"] is True
    assert "chat.removed" in late.kinds()


def test_live_notes_reach_participants_as_sanitised_html(world, workshop, connect):
    """Participants see the notes formatted as on the room page, never a script someone typed."""
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    notes = "## Décisions\n\n- **Écouter** l'enfant\n\n<script>alert(1)</script> [x](javascript:alert(2))"
    assert fred.act("notes", notes=notes, version=0)["ok"]
    amy.drain()
    event = amy.seen[amy.last_seq]
    assert event["kind"] == "notes.updated" and event["data"]["notes"] == notes
    html = event["data"]["html"]
    assert "<h2>Décisions</h2>" in html and "<strong>Écouter</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html


# --- issue 13: the state shown is the state of the room ---------------------------------------

def _room_url(world, workshop):
    return f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/room"


def _present_count(page):
    return int(re.search(r'id="presence-count">(\d+)<', page).group(1))


def test_nobody_up_votes_their_own_question(world, workshop, connect, client, auth):
    """Refused by the service with a clear reason (403); the button is not offered to the asker."""
    amy, fred = connect(world.member, workshop), connect(world.facilitator, workshop)
    qid = amy.seen[amy.act("ask", body="Who decides?")["seq"]]["data"]["id"]
    refused = amy.act("vote_question", question_id=qid)
    with force_locale("fr"):  # Aminata reads French
        reason = gettext("You cannot up-vote your own question.")
    assert (refused["ok"], refused["code"], refused["error"]) == (False, 403, reason)
    assert db.session.get(Question, qid).votes == 0
    assert fred.act("vote_question", question_id=qid)["ok"]
    auth.login(world.member.email)
    page = client.get(_room_url(world, workshop)).get_data(as_text=True)
    assert 'data-action="vote_question"' not in page
    auth.logout()
    auth.login(world.member2.email)
    assert 'data-action="vote_question"' in client.get(_room_url(world, workshop)).get_data(as_text=True)


def test_readers_without_javascript_are_counted_in_the_room(app, world, workshop, connect):
    """Two people reading the room without JavaScript both see "In the room (2)" (it read 0: only a
    socket connection counted), and a live page is told they came."""
    fred = connect(world.facilitator, workshop)
    pages = []
    for person in (world.member, world.member2):
        browser = app.test_client()
        Auth(browser).login(person.email)
        pages.append(browser.get(_room_url(world, workshop)).get_data(as_text=True))
    assert _present_count(pages[1]) == 3
    assert "Aminata Sénégal" in pages[1] and "Dans la salle" in pages[1]
    fred.drain()
    joined = [e["data"]["person"]["id"] for e in fred.applied if e["kind"] == "presence.joined"]
    assert {world.member.id, world.member2.id} <= set(joined)
    # A refresh is not a second arrival.
    seq = db.session.get(Workshop, workshop.id).last_seq
    browser.get(_room_url(world, workshop))
    assert db.session.get(Workshop, workshop.id).last_seq == seq


def test_a_reader_without_javascript_leaves_when_they_stop_reading(app, client, auth, world, workshop, connect):
    fred = connect(world.facilitator, workshop)
    auth.login(world.member.email)
    client.get(_room_url(world, workshop))
    db.session.execute(db.update(Presence).where(Presence.user_id == world.member.id)
                       .values(connected_at=utcnow() - room.PAGE_PRESENCE - timedelta(seconds=1)))
    db.session.commit()
    assert [p.id for p in room.present_people(workshop)] == [world.facilitator.id]
    auth.logout()
    auth.login(world.member2.email)
    page = client.get(_room_url(world, workshop)).get_data(as_text=True)
    assert _present_count(page) == 2
    fred.drain()
    assert ("presence.left", world.member.id) in [(e["kind"], e["data"]["person"]["id"]) for e in fred.applied]


def test_a_reader_who_connects_is_counted_once_and_leaves_with_the_connection(app, client, auth, world, workshop,
                                                                              connect):
    fred = connect(world.facilitator, workshop)
    auth.login(world.member.email)
    client.get(_room_url(world, workshop))  # the page loads, then its script connects
    amy = connect(world.member, workshop)
    assert db.session.scalar(db.select(db.func.count(Presence.id)).where(Presence.user_id == world.member.id)) == 1
    amy.disconnect()
    fred.drain()
    assert [e["kind"] for e in fred.applied if e["data"].get("person", {}).get("id") == world.member.id] == [
        "presence.joined", "presence.left"]
    assert [p.id for p in room.present_people(workshop)] == [world.facilitator.id]


def test_an_ended_room_shows_the_ended_state_without_javascript(app, client, auth, world):
    workshop = make_workshop(world, video_url="https://meet.example.org/atelier")
    auth.login(world.member.email)
    live = client.get(_room_url(world, workshop)).get_data(as_text=True)
    assert "En direct" in live and "Rejoindre l" in live and 'id="presence-list"' in live
    with app.test_request_context():
        room.end_session(workshop, world.facilitator)
    page = client.get(_room_url(world, workshop)).get_data(as_text=True)
    assert "Terminé" in page and "En direct" not in page
    assert "La séance est terminée." in page and 'id="room-ended" class="flash" role="status">' in page
    for gone in ('id="presence-list"', 'id="hand-list"', "Actualiser pour voir", "meet.example.org",
                 'data-action="chat"', 'data-action="ask"', 'data-action="raise_hand"', "/js/workshops."):
        assert gone not in page, gone
    assert room.present_people(workshop) == []


def test_a_page_reconnecting_after_the_end_catches_up_and_is_not_counted(world, workshop, connect):
    amy, fred = connect(world.member, workshop), connect(world.facilitator, workshop)
    amy.disconnect()
    assert fred.act("end")["ok"]
    amy.connect()
    assert amy.kinds()[-1] == "session.ended"
    assert db.session.scalar(db.select(db.func.count(Presence.id)).where(Presence.workshop_id == workshop.id)) == 0


def test_the_minutes_say_when_the_session_was_held_in_the_readers_zone(app, client, auth, world, workshop):
    """Stored minutes cannot know the reader's zone: they carry no time, the page says it (it read
    "Tenu le … 20:18:12 (UTC)" for everyone)."""
    with app.test_request_context():
        room.end_session(workshop, world.facilitator)
    assert "UTC" not in db.session.get(Workshop, workshop.id).minutes
    auth.login(world.member.email)  # Aminata, in Dakar, reads French
    page = client.get(f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}").get_data(as_text=True)
    held = re.search(r'<p class="meta held-on"[^>]*>([^<]*)</p>', page).group(1)
    with force_locale("fr"):
        before, after = gettext("Held on %(start)s.").split("%(start)s")
    assert held.startswith(before) and held.endswith("(Africa/Dakar)" + after)
    assert "(UTC)" not in page
