"""The live room over Socket.IO: who may connect, what each event does, and who may do it."""
from sociallab.extensions import db
from sociallab.workshops import room
from sociallab.workshops.models import ChatMessage, RoomEvent, Workshop
from tests import factories
from tests.factories import make_workshop
from tests.workshops.conftest import NS


def test_signed_out_connection_is_refused(app, world, workshop):
    from sociallab.extensions import socketio
    sio = socketio.test_client(app, namespace=NS, flask_test_client=app.test_client(),
                               auth={"workshop_id": workshop.id})
    assert not sio.is_connected(NS)


def test_member_of_another_space_is_refused(world, workshop, connect):
    assert not connect(world.other_member, workshop, join=False).connected
    assert not connect(world.volunteer_out, workshop, join=False).connected


def test_foreign_origin_is_refused(world, workshop, connect):
    assert not connect(world.member, workshop, join=False, headers={"Origin": "https://evil.example"}).connected
    assert connect(world.member, workshop, join=False, headers={"Origin": "http://localhost"}).connected


def test_member_joins_and_everyone_sees_presence(world, workshop, connect):
    fred = connect(world.facilitator, workshop)
    amy = connect(world.member, workshop)
    fred.drain()
    last = fred.seen[fred.last_seq]
    assert last["kind"] == "presence.joined" and last["data"]["person"]["name"] == "Aminata Sénégal"
    assert [p.name for p in room.present_people(workshop)] == ["Aminata Sénégal", "Fred Facilitator"]
    amy.disconnect()
    fred.drain()
    assert fred.seen[fred.last_seq]["kind"] == "presence.left"
    assert fred.seen[fred.last_seq]["data"]["person"]["name"] == "Aminata Sénégal"
    assert [p.name for p in room.present_people(workshop)] == ["Fred Facilitator"]


def test_a_second_tab_does_not_leave_when_the_first_closes(world, workshop, connect):
    first, second = connect(world.member, workshop), connect(world.member, workshop)
    first.disconnect()
    second.drain()
    assert second.seen[second.last_seq]["kind"] == "presence.joined"
    assert [p.name for p in room.present_people(workshop)] == ["Aminata Sénégal"]


def test_chat_message_reaches_the_room_with_a_sequence_number(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    ack = amy.act("chat", body="Bonjour à tous", client_id="c-1")
    assert ack["ok"]
    fred.drain()
    event = fred.seen[ack["seq"]]
    assert event["kind"] == "chat.message" and event["data"]["body"] == "Bonjour à tous"
    assert event["data"]["author"]["name"] == "Aminata Sénégal"


def test_chat_resent_with_the_same_client_id_is_stored_once(world, workshop, connect):
    amy = connect(world.member, workshop)
    first = amy.act("chat", body="once", client_id="same-id")
    second = amy.act("chat", body="once", client_id="same-id")
    assert first["ok"] and second["ok"] and first["seq"] == second["seq"]
    assert db.session.scalar(db.select(db.func.count(ChatMessage.id))) == 1


def test_locked_chat_refuses_members_but_not_facilitators(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    assert fred.act("lock_chat", locked=True)["ok"]
    refused = amy.act("chat", body="hello")
    assert not refused["ok"] and refused["code"] == 403 and "verrouillé" in refused["error"]  # in Aminata's language
    assert fred.act("chat", body="One moment please")["ok"]
    assert fred.act("lock_chat", locked=False)["ok"]
    assert amy.act("chat", body="hello")["ok"]


def test_chat_rate_limit_gives_a_clear_notice(app, world, workshop, connect):
    app.config["WORKSHOP_CHAT_RATE"] = (3, 10)
    amy = connect(world.member, workshop)
    for i in range(3):
        assert amy.act("chat", body=f"message {i}")["ok"]
    refused = amy.act("chat", body="one too many")
    assert not refused["ok"] and refused["code"] == 429
    assert "trop vite" in refused["error"] and "3 messages au plus en 10 secondes" in refused["error"]
    # Someone else is not held back by Aminata's pace.
    assert connect(world.member2, workshop).act("chat", body="my turn")["ok"]


def test_oversized_and_empty_messages_are_refused(world, workshop, connect):
    amy = connect(world.member, workshop)
    too_long = amy.act("chat", body="x" * 2001)
    assert not too_long["ok"] and "trop long" in too_long["error"] and "2000" in too_long["error"]
    assert not amy.act("chat", body="   ")["ok"]
    assert not amy.act("ask", body="q" * 501)["ok"]
    assert not amy.act("chat", body="fine", client_id="z" * 65)["ok"]
    assert db.session.scalar(db.select(db.func.count(ChatMessage.id))) == 0


FACILITATOR_ONLY = [
    ("lock_chat", {"locked": True}),
    ("remove_message", {"message_id": 1}),
    ("mark_question", {"question_id": 1, "answered": True}),
    ("open_poll", {"question": "Q?", "options": ["a", "b"]}),
    ("close_poll", {"poll_id": 1}),
    ("lower_hand", {"user_id": 0}),
    ("notes", {"notes": "mine", "version": 0}),
    ("start", {}),
    ("end", {}),
    ("remove_participant", {"user_id": 0}),
]


def test_every_facilitator_action_is_refused_to_a_member(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    assert fred.act("chat", body="hello")["ok"]
    assert amy.act("ask", body="why?")["ok"]
    fred.act("open_poll", question="Ready?", options=["yes", "no"])
    assert connect(world.member2, workshop).act("raise_hand")["ok"]
    before = db.session.scalar(db.select(db.func.max(RoomEvent.seq)))
    for action, data in FACILITATOR_ONLY:
        data = dict(data)
        if data.get("user_id") == 0:
            data["user_id"] = world.member2.id
        ack = amy.act(action, **data)
        assert not ack["ok"] and ack["code"] == 403, (action, ack)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.max(RoomEvent.seq))) == before


def test_removed_participant_is_disconnected_and_refused_again(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    assert fred.act("remove_participant", user_id=world.member.id)["ok"]
    assert not amy.connected
    assert not connect(world.member, workshop, join=False).connected
    fred.drain()
    assert "participant.removed" in fred.kinds()
    # A facilitator cannot be removed.
    assert not fred.act("remove_participant", user_id=world.facilitator.id)["ok"]


def test_two_rooms_stay_isolated(world, workshop, connect):
    other = make_workshop(world, title="Another room")
    amy, bob = connect(world.member, workshop), connect(world.member2, other)
    amy.act("chat", body="only in the first room")
    bob.drain()
    assert all(e["data"].get("body") != "only in the first room" for e in bob.seen.values())


def test_actions_before_the_start_are_refused(world, connect):
    scheduled = make_workshop(world, live=False)
    amy = connect(world.member, scheduled)
    refused = amy.act("chat", body="too early")
    assert not refused["ok"] and "pas encore commencé" in refused["error"]
    fred = connect(world.facilitator, scheduled)
    assert fred.act("start")["ok"]
    assert amy.act("chat", body="now")["ok"]


def test_moderator_of_the_space_is_a_participant_not_a_facilitator(world, workshop, connect):
    mona = connect(world.moderator, workshop)
    assert mona.connected
    assert not mona.act("start")["ok"]


def test_facilitator_named_on_the_workshop_runs_it_without_the_space_role(world):
    from sociallab import permissions
    guest = factories.user("guest@example.org", world.sn_org)
    workshop = make_workshop(world)
    assert not permissions.can_run_workshop(workshop, guest)
    workshop.facilitators.append(guest)
    db.session.commit()
    assert permissions.can_run_workshop(workshop, guest)


def test_a_mandate_that_ends_during_the_session_counts_at_the_next_event(world, workshop, connect):
    """Access is decided on every event, not once per connection: the very next message is refused."""
    from datetime import date, timedelta
    vera = connect(world.volunteer_in, workshop)
    assert vera.act("chat", body="still in mandate", client_id="v-1")["ok"]
    for mandate in world.volunteer_in.mandates:
        mandate.end_date = date.today() - timedelta(days=1)
    db.session.commit()
    refused = vera.act("chat", body="after the mandate", client_id="v-2")
    assert not refused["ok"] and refused["code"] == 403
    assert not vera.act("raise_hand")["ok"]
    assert not vera.act("ask", body="a question", client_id="q-1")["ok"]
    assert db.session.scalar(db.select(db.func.count(ChatMessage.id)).where(
        ChatMessage.workshop_id == workshop.id)) == 1


def test_a_deactivated_partner_loses_the_room_at_the_next_event(world, workshop, connect):
    amy = connect(world.member, workshop)
    world.member.organisation.active = False
    db.session.commit()
    refused = amy.act("chat", body="after deactivation", client_id="a-1")
    assert not refused["ok"] and refused["code"] == 403
    assert not amy.sio.emit("resume", {"last_seq": 0}, namespace=NS, callback=True)["ok"]


def test_an_unexpected_failure_is_answered_and_the_room_goes_on(world, workshop, connect, monkeypatch):
    """A bug or a lost database answers the event with a message (the browser gives the text back)."""
    amy = connect(world.member, workshop)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")
    fields, _act = room.ACTIONS["chat"]
    monkeypatch.setitem(room.ACTIONS, "chat", (fields, broken))
    failed = amy.act("chat", body="lost?", client_id="u-1")
    assert failed["ok"] is False and failed["code"] == 500 and "réessayez" in failed["error"]
    monkeypatch.undo()
    assert amy.act("chat", body="lost?", client_id="u-1")["ok"]


def test_an_unexpected_failure_while_connecting_refuses_the_connection(world, workshop, connect, monkeypatch):
    from sociallab import permissions

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")
    monkeypatch.setattr(permissions, "can_enter_room", broken)
    assert not connect(world.member, workshop, join=False).connected


def test_a_payload_that_is_not_an_object_is_refused_and_does_not_end_the_session(world, workshop, connect):
    """`end` sent with a string was taken for `end` with no options, and ended the session."""
    fred = connect(world.facilitator, workshop)
    refused = fred.sio.emit("end", "now", namespace=NS, callback=True)
    assert refused["ok"] is False and refused["code"] == 400 and refused["error"]
    db.session.refresh(workshop)
    assert workshop.status == Workshop.LIVE


def test_text_with_a_nul_or_a_lone_surrogate_is_refused_in_the_persons_language(world, workshop, connect):
    """PostgreSQL cannot store NUL and no database can encode a lone surrogate: the sender is told,
    in French for Aminata, and nothing is stored."""
    amy = connect(world.member, workshop)
    for body in ("a\x00b", "x\ud800y"):
        for action in ("chat", "ask"):
            refused = amy.act(action, body=body, client_id=f"{action}-{len(body)}")
            assert refused["ok"] is False and refused["code"] == 400 and "caractère" in refused["error"]
    assert db.session.scalar(db.select(db.func.count(ChatMessage.id))) == 0
    assert amy.act("chat", body="Bonjour\tà tous\n")["ok"]


def test_an_id_beyond_what_the_database_holds_is_refused(world, workshop, connect):
    """2**31 and above name no row: refused as not understood, not a database error."""
    fred = connect(world.facilitator, workshop)
    for action, field in (("remove_message", "message_id"), ("vote_question", "question_id"),
                          ("close_poll", "poll_id"), ("remove_participant", "user_id")):
        for value in (2**31, 2**70, float("inf"), "1e3"):
            refused = fred.act(action, **{field: value})
            assert refused["ok"] is False and refused["code"] == 400, (action, value, refused)
