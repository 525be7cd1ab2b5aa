"""The live room's event log: numbered events, committed, then broadcast to the room.

Every room action (room.py) and the sweep of stopped server processes (hosts.py) announce what
happened through these functions; neither of them is imported here, so both can use it.
"""
from sqlalchemy import bindparam

from sociallab.extensions import db, socketio
from sociallab.i18n import utcnow
from sociallab.workshops.models import RoomEvent, Workshop

NAMESPACE = "/workshops"

# Built once: every chat message runs both, and building a statement (then its cache key) each
# time cost several times what executing it does.
_workshops, _events = Workshop.__table__, RoomEvent.__table__
NEXT_SEQ = (_workshops.update().where(_workshops.c.id == bindparam("workshop_id"))
            .values(last_seq=_workshops.c.last_seq + 1).returning(_workshops.c.last_seq))
_INSERT_EVENT = _events.insert().returning(_events.c.id)


def room_name(workshop_id):
    return f"workshop:{workshop_id}"


def next_seq(workshop):
    """The room's next sequence number, taken inside the current transaction.

    The UPDATE … RETURNING takes the workshop row's write lock, so two processes never hand
    out the same number; the unique (workshop_id, seq) constraint is the backstop.
    """
    return take_seq(NEXT_SEQ, workshop)[0]


def take_seq(statement, workshop, **params):
    """Run `statement`, NEXT_SEQ with more RETURNING columns (NEXT_SEQ.returning(...)): the row it
    returns, the number first. What an action checks in the same statement costs no query of its own."""
    db.session.flush()  # what the action changed goes first, as an ORM statement would have it
    return db.session.execute(statement, {"workshop_id": workshop.id, **params}).one()


def append_event(workshop, kind, actor, seq=None, **data):
    """Store an event of the room under its sequence number (a new one unless given).

    Inserted at once, in the current transaction, without the session's unit of work (nothing in
    an event is screened or indexed, and the ORM's insert cost as much as the rest of a chat
    message); the RoomEvent returned is not in the session: it carries the payload to broadcast."""
    seq = seq if seq is not None else next_seq(workshop)
    row = {"workshop_id": workshop.id, "seq": seq, "kind": kind,
           "actor_id": actor.id if actor is not None else None, "data": data, "created_at": utcnow()}
    event = RoomEvent(**row)
    event.id = db.session.execute(_INSERT_EVENT, row).scalar_one()
    return event


def commit_and_broadcast(*events, audience=()):
    """Commit, then send each event to the room; returns the last one.

    The payload is taken before the commit expires the objects (reading them afterwards would
    cost a query each) and kept on the event as `sent`. An event about a held chat message or
    question (its data says "held") goes in full only to the socket ids of `audience` (its
    author, the facilitators, the moderators present); the rest of the room gets its number
    alone (`placeholder`), so nobody else receives the text and nobody sees a gap.
    """
    targets = []
    for event in events:
        event.sent = event.payload()
        targets.append((event.workshop_id, event.sent))
    db.session.commit()
    for workshop_id, payload in targets:
        if payload["data"].get("held"):
            broadcast_held(workshop_id, payload, audience)
        else:
            broadcast(workshop_id, payload)
    return events[-1] if events else None


def placeholder(payload):
    """What takes the place of a held item's event for those who may not see it: its number only."""
    return {"seq": payload["seq"], "kind": "held", "data": {}, "at": payload["at"]}


def broadcast(workshop_id, payload):
    socketio.emit("room_event", payload, namespace=NAMESPACE, to=room_name(workshop_id))


def broadcast_held(workshop_id, payload, audience):
    sids = sorted(set(audience))
    for sid in sids:
        socketio.emit("room_event", payload, namespace=NAMESPACE, to=sid)
    socketio.emit("room_event", placeholder(payload), namespace=NAMESPACE, to=room_name(workshop_id),
                  skip_sid=sids or None)


def person_payload(user):
    """A person as events name them."""
    return {"id": user.id, "name": user.name}


def presence_event(workshop, kind, user):
    # Only the person who came or went: a full list in each event would cost K² deliveries
    # when K people arrive at the start of a session.
    return append_event(workshop, kind, user, person=person_payload(user))
