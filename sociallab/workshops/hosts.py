"""Server processes holding live-room connections: their heartbeat, and the sweep of dead ones.

A presence row is written by the process that holds the socket and removed when the socket
closes. A process that crashes, or is killed during a deploy, never runs those disconnects: its
people would stay on the presence lists until the workshop ends. So each process records a
heartbeat; once a process has missed three, any live process (or the restarted one, under a new
id) removes its connections and tells the rooms who left. Until then the presence lists already
leave out the connections of a process that has gone silent.
"""
import logging
import os
import secrets
import socket
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from sociallab.accounts.models import User
from sociallab.background import run_every
from sociallab.extensions import db, socketio
from sociallab.i18n import utcnow
from sociallab.workshops.models import Presence, RoomHost, Workshop
from sociallab.workshops.room_log import commit_and_broadcast, presence_event

log = logging.getLogger(__name__)

MISSED_BEATS = 3
_identity = {}


def host_id():
    """This process's id; a forked worker gets its own, and so does a restart."""
    pid = os.getpid()
    if _identity.get("pid") != pid:
        _identity.update(pid=pid, id=f"{socket.gethostname()[:60]}:{pid}:{secrets.token_hex(4)}")
    return _identity["id"]


def alive_since(now=None):
    """Processes seen after this moment are alive."""
    seconds = current_app.config["WORKSHOP_HEARTBEAT_SECONDS"]
    return (now or utcnow()) - timedelta(seconds=seconds * MISSED_BEATS)


def held_by_live_process(now=None):
    """A condition on Presence rows: their connection is held by a process still beating."""
    return Presence.host_id.in_(select(RoomHost.id).where(RoomHost.seen_at >= alive_since(now)))


def beat(now=None):
    """Record that this process is alive, in one upsert: the heartbeat task and a room join
    may write the process's first row at the same moment."""
    now, own = now or utcnow(), host_id()
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    db.session.execute(insert(RoomHost).values(id=own, seen_at=now)
                       .on_conflict_do_update(index_elements=[RoomHost.id], set_={"seen_at": now}))
    return own


def sweep(now=None):
    """Remove the connections of dead processes and announce who left; returns those events."""
    cutoff = alive_since(now)
    dead = db.session.scalars(select(RoomHost.id).where(RoomHost.seen_at < cutoff,
                                                        RoomHost.id != host_id())).all()
    gone = set()
    for dead_id in dead:
        rows = db.session.execute(select(Presence.workshop_id, Presence.user_id)
                                  .where(Presence.host_id == dead_id)).all()
        # When two processes sweep at once, only the one that deletes the row announces.
        claimed = db.session.execute(delete(RoomHost).where(RoomHost.id == dead_id, RoomHost.seen_at < cutoff)
                                     .execution_options(synchronize_session=False)).rowcount
        if claimed:
            db.session.execute(delete(Presence).where(Presence.host_id == dead_id)
                               .execution_options(synchronize_session=False))
            gone.update(rows)
    events = _departures(gone, now) if gone else []
    commit_and_broadcast(*events)
    if gone:
        log.info("removed %d connections of %d stopped server processes", len(gone), len(dead))
    return events


def _departures(gone, now):
    """presence.left for each (workshop, person) of `gone` with no connection left elsewhere."""
    still_here = set(db.session.execute(select(Presence.workshop_id, Presence.user_id).where(
        Presence.workshop_id.in_({w for w, _ in gone}), Presence.user_id.in_({u for _, u in gone}),
        held_by_live_process(now))).all())
    left = sorted(gone - still_here)
    workshops = {w.id: w for w in db.session.scalars(select(Workshop).where(
        Workshop.id.in_({w for w, _ in left}), Workshop.status != Workshop.ENDED))}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({u for _, u in left})))}
    return [presence_event(workshops[w], "presence.left", people[u])
            for w, u in left if w in workshops and u in people]


def start(app):
    """Start this process's heartbeat, once per application (on its first room connection)."""
    if not app.config["WORKSHOP_HEARTBEAT_TASK"] or "room_heartbeat" in app.extensions:
        return None
    state = app.extensions["room_heartbeat"] = {"running": True, "beats": 0}
    socketio.start_background_task(_run, app, state)
    return state


def stop(app):
    state = app.extensions.pop("room_heartbeat", None)
    if state is not None:
        state["running"] = False


def _run(app, state):
    def tick():
        beat()
        sweep()
        state["beats"] += 1
    run_every(app, state, "WORKSHOP_HEARTBEAT_SECONDS", tick, "room heartbeat")
