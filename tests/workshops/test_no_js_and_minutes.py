"""The room without JavaScript (form posts through the same services) and the minutes of a session."""
from sociallab import search
from sociallab.extensions import db
from sociallab.workshops import room
from sociallab.workshops.models import ChatMessage, Poll, Question, RoomEvent, Workshop
from sociallab.workshops.poll_results import poll_counts
from tests.conftest import csrf_token_from
from tests.factories import make_workshop


def _room(world, workshop):
    return f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/room"


def _post(client, world, workshop, action, data):
    html = client.get(_room(world, workshop)).get_data(as_text=True)
    return client.post(f"{_room(world, workshop)}/{action}", data={**data, "csrf_token": csrf_token_from(html)})


def test_room_page_shows_current_state_without_javascript(client, auth, world, workshop):
    room.send_chat(workshop, world.member2, "Hello from Thiès")
    room.ask_question(workshop, world.member2, "What about hearings?")
    room.open_poll(workshop, world.facilitator, "Useful?", ["Yes", "No"])
    room.update_notes(workshop, world.facilitator, "We agreed on **three** points.", 0)
    auth.login(world.member.email)
    page = client.get(_room(world, workshop)).get_data(as_text=True)
    for text in ("Hello from Thiès", "What about hearings?", "Useful?", "<strong>three</strong>",
                 "Actualiser pour voir les nouveautés"):
        assert text in page
    # Four actions, then the reader's own arrival (presence.joined: reading the room is being in it).
    assert 'data-last-seq="5"' in page


def test_chat_question_vote_and_hand_by_form_posts(client, auth, world, workshop):
    auth.login(world.member.email)
    assert _post(client, world, workshop, "chat", {"body": "Bonjour"}).status_code == 302
    assert _post(client, world, workshop, "ask", {"body": "Une question ?"}).status_code == 302
    room.ask_question(workshop, world.member2, "Et les familles ?")
    question = db.session.scalar(db.select(Question).where(Question.author_id == world.member2.id))
    assert _post(client, world, workshop, "vote_question", {"question_id": question.id}).status_code == 302
    again = _post(client, world, workshop, "vote_question", {"question_id": question.id})
    assert again.status_code == 400
    poll_event = room.open_poll(workshop, world.facilitator, "Morning or evening?", ["Morning", "Evening"])
    poll = db.session.get(Poll, poll_event.data["id"])
    option = poll.options[1]
    assert _post(client, world, workshop, "vote_poll", {"poll_id": poll.id, "option_ids": option.id}).status_code == 302
    assert _post(client, world, workshop, "raise_hand", {}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(ChatMessage.body)) == "Bonjour"
    assert question.votes == 1
    assert poll_counts(poll) == {str(poll.options[0].id): 0, str(option.id): 1}
    assert [h.user_id for h in room.raised_hands(workshop)] == [world.member.id]
    kinds = db.session.scalars(db.select(RoomEvent.kind).order_by(RoomEvent.seq)).all()
    # Every form post went through the numbered event log the live clients follow.
    assert {"chat.message", "question.asked", "question.voted", "poll.voted", "hand.raised"} <= set(kinds)


def test_refused_form_post_keeps_the_text_and_says_why(app, client, auth, world, workshop):
    room.set_chat_locked(workshop, world.facilitator, True)
    auth.login(world.member.email)
    response = _post(client, world, workshop, "chat", {"body": "My unsent words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "My unsent words" in page and "flash-error" in page


def test_stale_notes_by_form_show_the_newer_text_and_keep_mine(client, auth, world, workshop):
    auth.login(world.facilitator.email)
    room.update_notes(workshop, world.facilitator, "Saved by a colleague", 0)
    response = _post(client, world, workshop, "notes", {"notes": "My version", "version": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Saved by a colleague" in page and "My version" in page


def test_member_cannot_use_facilitator_forms(client, auth, world, workshop):
    auth.login(world.member.email)
    assert _post(client, world, workshop, "end", {}).status_code == 403
    assert _post(client, world, workshop, "open_poll", {"question": "Q", "options": "a\nb"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Workshop, workshop.id).status == Workshop.LIVE


def test_removed_participant_cannot_open_the_room(client, auth, world, workshop):
    room.remove_participant(workshop, world.facilitator, world.member.id)
    auth.login(world.member.email)
    assert client.get(_room(world, workshop)).status_code == 403
    assert _post_raw(client, world, workshop) == 403


def _post_raw(client, world, workshop):
    token = csrf_token_from(client.get(f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}").get_data(as_text=True))
    return client.post(f"{_room(world, workshop)}/chat", data={"body": "hi", "csrf_token": token}).status_code


def test_ending_produces_searchable_minutes_in_the_knowledge_base(app, client, auth, world, workshop):
    from sociallab.knowledge.models import Resource
    room.join_room(workshop, world.member, "sid-1")
    room.join_room(workshop, world.member2, "sid-2")
    question = room.ask_question(workshop, world.member, "Comment entendre l'enfant témoin ?")
    room.vote_question(workshop, world.member2, question.data["id"])
    room.mark_question(workshop, world.facilitator, question.data["id"], answered=True)
    poll = room.open_poll(workshop, world.facilitator, "Format préféré ?", ["Atelier", "Webinaire"])
    room.vote_poll(workshop, world.member, poll.data["id"], [poll.data["options"][0]["id"]])
    room.update_notes(workshop, world.facilitator, "Décision : audition filmée unique.", 0)
    room.send_chat(workshop, world.member, "Merci pour la séance")
    with app.test_request_context():
        room.end_session(workshop, world.facilitator, include_chat=False)
    resource = db.session.scalar(db.select(Resource).where(Resource.type == "minutes"))
    assert resource.space_id == world.sn_space.id and resource.lang == "fr"
    for text in ("1. Welcome", "2 participants", "audition filmée unique", "Atelier: 1", "Webinaire: 0"):
        assert text in resource.body, text
    question_line = next(line for line in resource.body.splitlines() if "enfant témoin" in line)
    assert "1 vote" in question_line and ("answered" in question_line or "répondu" in question_line)
    assert "Merci pour la séance" not in resource.body
    hits = search.query(world.member2, "audition filmée").hits
    assert [(hit.type, hit.url) for hit in hits] == [("minutes", f"/resources/{resource.id}")]
    assert search.query(world.other_member, "audition filmée").total == 0


def test_facilitator_may_include_the_chat_in_the_minutes(app, world, workshop):
    room.send_chat(workshop, world.member, "Merci pour la séance")
    with app.test_request_context():
        room.end_session(workshop, world.facilitator, include_chat=True)
    assert "Merci pour la séance" in db.session.get(Workshop, workshop.id).minutes


def test_room_is_read_only_after_the_end(app, world, workshop):
    with app.test_request_context():
        room.end_session(workshop, world.facilitator)
    try:
        room.send_chat(workshop, world.member, "too late")
    except room.RoomError as error:
        assert "terminée" in error.message
    else:
        raise AssertionError("chat accepted after the end")
    assert make_workshop(world).status == Workshop.LIVE


def test_room_page_query_count_does_not_grow_with_its_content(client, auth, world, workshop):
    from tests.querycount import count_queries
    auth.login(world.member.email)
    url = _room(world, workshop)
    client.get(url)  # the arrival is announced once: both views counted below are refreshes
    room.send_chat(workshop, world.member2, "first")
    room.ask_question(workshop, world.member2, "first?")
    room.open_poll(workshop, world.facilitator, "First poll", ["a", "b"])
    room.raise_hand(workshop, world.member2)
    with count_queries() as few:
        client.get(url)
    for i in range(5):
        room.send_chat(workshop, world.facilitator, f"more {i}")
        room.ask_question(workshop, world.facilitator, f"more {i}?")
        room.open_poll(workshop, world.facilitator, f"Poll {i}", ["x", "y", "z"])
    room.raise_hand(workshop, world.facilitator)
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_server_error_on_a_room_form_gives_the_typed_text_back(app, client, auth, world, workshop, monkeypatch):
    """A failure nobody foresaw still answers with the error page and the words the person typed."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page, not a traceback

    def broken(*args, **kwargs):
        db.session.execute(db.text("SELECT * FROM no_such_table"))
    monkeypatch.setitem(room.ACTIONS, "chat", broken)
    auth.login(world.member.email)
    response = _post(client, world, workshop, "chat", {"body": "Mes mots précieux"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in page
    assert "Mes mots précieux" in page
