"""A participant whose connection drops gets exactly what was missed: nothing lost, nothing twice."""
import random

from sociallab.extensions import db
from sociallab.workshops.models import ChatMessage, RoomEvent


def test_hundred_reconnections_while_others_talk_end_with_the_same_sequence(app, world, workshop, connect):
    app.config["WORKSHOP_CHAT_RATE"] = (1000, 10)  # the loop talks faster than people do
    fred, amy, moussa = connect(world.facilitator, workshop), connect(world.member, workshop), \
        connect(world.member2, workshop)
    flaky = connect(world.volunteer_in, workshop)
    rng = random.Random(6)
    offline_outbox = []
    for cycle in range(100):
        flaky.disconnect()
        # Others keep talking while the flaky participant is away.
        for speaker in rng.sample([fred, amy, moussa], 2):
            assert speaker.act("chat", body=f"cycle {cycle} from {speaker.user.name}")["ok"]
        if cycle % 10 == 0:
            amy.act("ask", body=f"question {cycle}")
        # Typed offline: sent on reconnection; a lost acknowledgement means it is sent again.
        offline_outbox.append({"body": f"offline {cycle}", "client_id": f"flaky-{cycle}"})
        flaky.connect()
        for message in offline_outbox:
            assert flaky.act("chat", **message)["ok"]
        if cycle % 3:
            offline_outbox.clear()  # acknowledged; otherwise kept and re-sent next time
    offline_outbox.clear()
    for connection in (fred, amy, moussa, flaky):
        connection.drain()
    total = db.session.scalar(db.select(db.func.max(RoomEvent.seq)))
    for connection in (fred, amy, moussa, flaky):
        assert [e["seq"] for e in connection.applied] == list(range(1, total + 1)), connection.user.name
    for connection in (amy, moussa, flaky):
        assert connection.applied == fred.applied
    offline = db.session.scalars(db.select(ChatMessage.body).where(ChatMessage.body.like("offline %"))).all()
    assert sorted(offline) == sorted(f"offline {i}" for i in range(100))
