"""What one chat message costs the database, and the rate limit counted in the statement that
numbers it (workshop_bench.py measures the CPU; these keep the statements from creeping back)."""
from sociallab.extensions import db
from sociallab.workshops.models import ChatMessage, RoomEvent
from tests.querycount import count_queries


def _messages_of(person, workshop):
    return db.session.scalar(db.select(db.func.count(ChatMessage.id)).where(
        ChatMessage.workshop_id == workshop.id, ChatMessage.author_id == person.id))


def test_one_chat_message_takes_six_statements(world, workshop, connect):
    """The person with their roles, the workshop with the person's removal, the readable spaces,
    the sequence number with the rate count, the message, its event."""
    amy = connect(world.member, workshop)
    assert amy.act("chat", body="warming up", client_id="a-0")["ok"]
    with count_queries() as statements:
        assert amy.act("chat", body="Bonjour", client_id="a-1")["ok"]
    assert len(statements) == 6, statements
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
