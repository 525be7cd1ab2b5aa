"""What one chat message costs the database, and the rate limit counted in the statement that
numbers it (workshop_bench.py measures the CPU; these keep the statements from creeping back)."""
from sociallab.extensions import db
from sociallab.workshops.models import ChatMessage, RoomEvent
from tests.factories.world import user
from tests.querycount import count_queries
from tests.workshops.test_room_safeguarding import IDENTIFYING as HELD


def _messages_of(person, workshop):
    return db.session.scalar(db.select(db.func.count(ChatMessage.id)).where(
        ChatMessage.workshop_id == workshop.id, ChatMessage.author_id == person.id))


def test_one_chat_message_takes_five_statements(world, workshop, connect):
    """The person with their roles, the workshop with the person's removal and whether they read
    its space, the sequence number with the rate count, the message, its event."""
    amy = connect(world.member, workshop)
    assert amy.act("chat", body="warming up", client_id="a-0")["ok"]
    with count_queries() as statements:
        assert amy.act("chat", body="Bonjour", client_id="a-1")["ok"]
    assert len(statements) == 5, statements
    numbering = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(numbering) == 1 and "count(" in numbering[0].lower()
    assert not [s for s in statements if "FROM room_removal" in s and "FROM workshop" not in s], statements


def test_the_rate_limit_counts_both_sockets_of_one_person(app, world, workshop, connect):
    app.config["WORKSHOP_CHAT_RATE"] = (3, 10)
    phone, laptop = connect(world.member, workshop), connect(world.member, workshop)
    assert phone.act("chat", body="one", client_id="p-1")["ok"]
    assert laptop.act("chat", body="two", client_id="l-1")["ok"]
    assert phone.act("chat", body="three", client_id="p-2")["ok"]
    for socket in (laptop, phone):
        refused = socket.act("chat", body="four", client_id=f"x-{id(socket)}")
        assert not refused["ok"] and refused["code"] == 429
    assert _messages_of(world.member, workshop) == 3


def test_a_refused_message_leaves_no_gap_in_the_numbers(app, world, workshop, connect):
    """The number taken with the rate count goes back with the refusal."""
    app.config["WORKSHOP_CHAT_RATE"] = (1, 10)
    amy, moussa = connect(world.member, workshop), connect(world.member2, workshop)
    first = amy.act("chat", body="one", client_id="a-1")
    assert not amy.act("chat", body="two", client_id="a-2")["ok"]
    second = moussa.act("chat", body="mine", client_id="s-1")
    assert second["seq"] == first["seq"] + 1
    assert db.session.scalar(db.select(db.func.max(RoomEvent.seq)).where(
        RoomEvent.workshop_id == workshop.id)) == second["seq"]


def test_a_held_message_asks_the_same_statements_however_many_people_are_present(world, workshop, connect):
    """Who receives a held message in full is decided for each person present (the author, the
    facilitators, the moderators), without a query per person."""
    connect(world.facilitator, workshop), connect(world.moderator, workshop)
    amy = connect(world.member, workshop)

    def statements_of_a_held_message(client_id):
        with count_queries() as statements:
            ack = amy.act("chat", body=HELD, client_id=client_id, safeguarding="publish", justification="Needed.")
        assert ack["ok"], ack
        return len(statements)

    statements_of_a_held_message("h-0")  # what only the first held message of a room asks
    few = statements_of_a_held_message("h-1")
    people = [user(f"present{i}@example.org", world.sn_org) for i in range(4)] + [world.member2, world.volunteer_in]
    db.session.commit()
    for person in people:
        connect(person, workshop)
    # Before, two more statements for each person present (their roles, their readable spaces).
    assert statements_of_a_held_message("h-2") <= few


def test_a_message_does_not_read_the_cookie_session_again(client, auth, world, workshop, connect, monkeypatch):
    """A socket's events run on the session copied at its connection (Flask-SocketIO): the cookie
    is verified and decoded once, at the connection, not at every message (sociallab.sessions)."""
    from flask.sessions import SecureCookieSessionInterface
    opened = []
    original = SecureCookieSessionInterface.open_session

    def counted(self, app, request):
        opened.append(request.path)
        return original(self, app, request)
    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counted)
    amy = connect(world.member, workshop)
    assert amy.act("chat", body="Bonjour", client_id="a-1")["ok"]
    at_connection = len(opened)
    for n in range(3):
        assert amy.act("chat", body=f"Encore {n}", client_id=f"a-{n + 2}")["ok"]
    assert len(opened) == at_connection
    # Pages still read the person's cookie at every request.
    auth.login(world.member.email)
    before = len(opened)
    assert client.get("/spaces").status_code == 200
    assert len(opened) == before + 1
