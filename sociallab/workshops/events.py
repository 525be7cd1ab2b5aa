"""Socket.IO events of the live room, on the /workshops namespace, one room per workshop.

A connection is accepted only from our own pages (Origin), for a signed-in person who may enter
the workshop named in its `auth` payload; it is bound to that workshop. It then sends `join`
with the last sequence number it saw and gets back what it missed. Every later event acts on
that workshop through the same services as the form posts.
"""
from functools import wraps
from urllib.parse import urlparse

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from sociallab import payloads, permissions
from sociallab.errors import ServiceError
from sociallab.extensions import db, socketio
from sociallab.workshops import hosts, room
from sociallab.workshops.models import Presence

NS = room.NAMESPACE


def _answers_refusals(handler):
    """A refused action is rolled back and answered with its message (the browser keeps the text);
    what may identify a child is answered with its passages (room_checks.Identifying)."""
    @wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except ServiceError as error:
            db.session.rollback()
            return error.as_ack()
    return wrapped


def _same_origin():
    origin = request.headers.get("Origin")
    # Browsers always send Origin on a WebSocket or cross-site request; a missing one is a
    # non-browser client, which still needs the signed session cookie.
    return origin is None or urlparse(origin).netloc == request.host


def on_unexpected_error(error):
    """A failure no service foresaw (the database went away, a bug): logged and rolled back.

    A connection is refused rather than accepted half-made; any other event is answered, so the
    browser gives the person their text back with a message instead of waiting for an answer.
    """
    db.session.rollback()
    current_app.logger.error("workshop room event %r failed", request.event.get("message"), exc_info=error)
    if request.event.get("message") == "connect":
        return False
    return {"ok": False, "code": 500,
            "error": _("Something went wrong on our side. Your text is kept: try again in a moment.")}


@payloads.lifecycle
@_answers_refusals
def on_connect(auth=None):
    if not _same_origin():
        raise ConnectionRefusedError("foreign origin")
    if not permissions.is_signed_in():
        raise ConnectionRefusedError("sign in first")
    try:
        workshop_id = payloads.check(auth, {"workshop_id": payloads.integer(minimum=1)}, required=True)["workshop_id"]
    except payloads.InvalidPayload:
        raise ConnectionRefusedError("invalid request") from None
    workshop = permissions.enterable_workshop(workshop_id)
    if workshop is None:
        raise ConnectionRefusedError("not a participant of this room")
    # The socket's own session (Flask-SocketIO keeps one per connection) binds it to the room.
    session["workshop_id"] = workshop.id
    hosts.start(current_app._get_current_object())
    return True


@payloads.lifecycle
@_answers_refusals
def on_disconnect(*_args):
    room.leave_room(request.sid)


# What a (re)connecting page sends: the last sequence number it applied (0 for none).
CATCH_UP = {"last_seq": payloads.integer()}


@_answers_refusals
@payloads.event(CATCH_UP)
def on_join(data):
    """Enter a workshop's room; the answer carries every event after `last_seq`."""
    user = _person()
    workshop = _connected_workshop(user)
    room.check_participant(workshop, user)
    join_room(room.room_name(workshop.id))
    if db.session.scalar(db.select(Presence.id).where(Presence.sid == request.sid)) is None:
        room.join_room(workshop, user, request.sid)
    return {"ok": True, "user_id": user.id, "events": room.replay(workshop, data["last_seq"] or 0, user)}


def _connected_workshop(user):
    """The workshop this socket was bound to at connection, loaded afresh for the event (with
    whether the person was removed from its room: permissions.room_workshop)."""
    if not permissions.is_signed_in(user):
        raise room.Forbidden(_("You are not a participant of this room."))
    workshop = permissions.room_workshop(session.get("workshop_id") or 0, user)
    if workshop is None:
        raise room.Forbidden(_("You are not a participant of this room."))
    return workshop


def _person():
    """The signed-in person of this event, loaded afresh (Flask-Login), as the object itself: the
    services read it many times, and each read through the current_user proxy costs a lookup."""
    return current_user._get_current_object()


@_answers_refusals
@payloads.event(CATCH_UP)
def on_resume(data):
    """Fill a gap the client noticed in the sequence numbers."""
    user = _person()
    workshop = _connected_workshop(user)
    room.check_participant(workshop, user)
    return {"ok": True, "events": room.replay(workshop, data["last_seq"] or 0, user)}


def _action_handler(action):
    @_answers_refusals
    @payloads.event(required=False)
    def handler(data):
        # A malformed payload is refused before any query (room.perform checks it again, as it
        # does for a form post; checking checked fields changes nothing).
        fields = room.check_action(action, data)
        user = _person()
        workshop = _connected_workshop(user)
        # The service decides access through permissions.py, afresh for every event.
        event = room.perform(workshop, user, action, fields)
        return {"ok": True, "seq": event.sent["seq"] if event is not None else None}
    handler.__name__ = f"on_{action}"
    return handler


def init_app(app):
    """Listen to the room's namespace on the Socket.IO server of `app` (each app has its own)."""
    socketio.on_error(NS)(on_unexpected_error)
    for name, handler in (("connect", on_connect), ("disconnect", on_disconnect), ("join", on_join),
                          ("resume", on_resume)):
        socketio.on_event(name, handler, namespace=NS)
    for action in room.ACTIONS:
        socketio.on_event(action, _action_handler(action), namespace=NS)
