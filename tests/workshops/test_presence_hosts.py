"""Presence survives a crashed server process: its people leave the lists, announced once."""
import time
from datetime import timedelta

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.workshops import hosts, room
from sociallab.workshops.models import Presence, RoomHost


def _crash_the_process_holding(connection, minutes_ago=10):
    """Hand the person's connections to a process that stopped beating `minutes_ago`."""
    dead = RoomHost(id=f"crashed:{connection.user.id}", seen_at=utcnow() - timedelta(minutes=minutes_ago))
    db.session.add(dead)
    db.session.flush()
    db.session.execute(db.update(Presence).where(Presence.user_id == connection.user.id)
                       .values(host_id=dead.id))
    db.session.commit()
    return dead.id


def test_people_of_a_stopped_process_leave_the_list_and_the_room_is_told_once(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    assert [p.name for p in room.present_people(workshop)] == ["Aminata Sénégal", "Fred Facilitator"]
    dead = _crash_the_process_holding(amy)
    # Silent for three beats: no longer listed, even before anyone sweeps.
    assert [p.name for p in room.present_people(workshop)] == ["Fred Facilitator"]

    events = hosts.sweep()
    assert [(e.kind, e.data["person"]["name"]) for e in events] == [("presence.left", "Aminata Sénégal")]
    fred.drain()
    assert fred.seen[fred.last_seq]["kind"] == "presence.left"
    assert db.session.get(RoomHost, dead) is None
    assert db.session.scalar(db.select(db.func.count(Presence.id)).where(Presence.host_id == dead)) == 0
    # A second sweep (another process, a minute later) finds nothing more to announce.
    before = fred.last_seq
    assert hosts.sweep() == []
    fred.drain()
    assert fred.last_seq == before


def test_a_late_process_is_not_swept_before_it_misses_three_beats(app, world, workshop, connect):
    amy = connect(world.member, workshop)
    seconds = app.config["WORKSHOP_HEARTBEAT_SECONDS"]
    _crash_the_process_holding(amy, minutes_ago=2 * seconds / 60)
    assert [p.name for p in room.present_people(workshop)] == ["Aminata Sénégal"]
    assert hosts.sweep() == []


def test_a_person_still_connected_through_a_live_process_stays_present(world, workshop, connect):
    fred = connect(world.facilitator, workshop)
    amy_phone = connect(world.member, workshop)
    _crash_the_process_holding(amy_phone)
    connect(world.member, workshop)  # her laptop, on this (live) process
    fred.drain()
    before = fred.last_seq
    assert hosts.sweep() == []
    fred.drain()
    assert fred.last_seq == before  # nobody announced as gone
    assert [p.name for p in room.present_people(workshop)] == ["Aminata Sénégal", "Fred Facilitator"]


def test_closing_the_last_live_tab_announces_the_departure_despite_a_dead_one(world, workshop, connect):
    fred = connect(world.facilitator, workshop)
    amy_phone = connect(world.member, workshop)
    _crash_the_process_holding(amy_phone)
    laptop = connect(world.member, workshop)
    laptop.disconnect()
    fred.drain()
    assert fred.seen[fred.last_seq]["kind"] == "presence.left"


def test_the_heartbeat_task_keeps_its_process_listed_and_sweeps_the_dead(app, world, workshop, connect):
    amy = connect(world.member, workshop)
    connect(world.facilitator, workshop)
    _crash_the_process_holding(amy)
    seconds = app.config["WORKSHOP_HEARTBEAT_SECONDS"]
    app.config.update(WORKSHOP_HEARTBEAT_TASK=True, WORKSHOP_HEARTBEAT_SECONDS=0.05)
    state = hosts.start(app)
    try:
        deadline = time.monotonic() + 10
        while state["beats"] < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        hosts.stop(app)
        time.sleep(0.2)  # let the task see the flag before the test's database goes
        app.config["WORKSHOP_HEARTBEAT_SECONDS"] = seconds
    assert state["beats"] >= 3
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Presence.id)).where(Presence.user_id == world.member.id)) == 0
    own = db.session.get(RoomHost, hosts.host_id())
    assert own is not None and own.seen_at > utcnow() - timedelta(seconds=5)
    assert [p.name for p in room.present_people(workshop)] == ["Fred Facilitator"]


def test_a_beat_creates_the_process_row_once_and_then_moves_it_forward(app, world):
    earlier = utcnow() - timedelta(minutes=1)
    own = hosts.beat(earlier)
    db.session.commit()
    # A second writer for the same process (the heartbeat task beside a room join) upserts.
    assert hosts.beat() == own
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(RoomHost.id)).where(RoomHost.id == own)) == 1
    assert db.session.get(RoomHost, own).seen_at > earlier
