"""What every live-room action checks first: who may act, is the session live, is the input sound.

A refusal is a RoomError whose status follows the policy of every domain (403 for a reader who may
not do this, 409 for stale notes, 429 for a rate limit, 400 for bad input); the socket events
answer it with as_ack(), the no-JavaScript forms show the room again with the message.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, func
from sqlalchemy.orm import selectinload

from sociallab import permissions
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.safeguarding.screening import IdentifyingDetails
from sociallab.workshops.models import ChatMessage, Presence, Workshop
from sociallab.workshops.room_log import NEXT_SEQ, take_seq

# Size bounds for what people send; the socket transport itself caps a packet at 64 KiB.
MAX_CHAT = 2000
MAX_QUESTION = 500
MAX_NOTES = 20000
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 200
MAX_POLL_OPTIONS = 10
MAX_CLIENT_ID = 64


class RoomError(ServiceError):
    """An action refused, with a message for the person and the HTTP status it maps to; a socket
    event answers it with as_ack(): {"ok": False, "error": message, "code": status, **details}."""


class Forbidden(RoomError):
    status = 403


class RateLimited(RoomError):
    status = 429


class StaleNotes(RoomError):
    status = 409


class Identifying(RoomError):
    """What was sent may identify a child (safeguarding's IdentifyingDetails, as a room refusal):
    nothing was stored or broadcast. Its ack carries `safeguarding` (the fields, their text and
    the passages with their reasons) and `can_hold`; the sender chooses and sends again with
    `safeguarding` = "redact" or "publish" (with a `justification`)."""

    status = 422

    def __init__(self, error: IdentifyingDetails):
        super().__init__(error.message, **error.details)
        self.screened, self.can_hold = error.screened, error.can_hold


def check_participant(workshop, user):
    """Room access through permissions.can_enter_room, decided afresh on every action: a lost
    membership, a closed mandate or a removal from the room counts at the next event."""
    if not permissions.can_enter_room(workshop, user):
        raise Forbidden(_("You are not a participant of this room."))


def check_facilitator(workshop, user):
    if not permissions.can_run_workshop(workshop, user):
        raise Forbidden(_("Only the workshop's facilitators may do this."))


def check_redactor(workshop, user):
    if not permissions.can_redact_in_room(workshop, user):
        raise Forbidden(_("Only the workshop's facilitators may do this."))


def held_audience(workshop, item):
    """The socket ids in the room that may receive a held item (room_log.broadcast_held)."""
    present = db.session.scalars(db.select(Presence).where(Presence.workshop_id == workshop.id,
                                                           Presence.host_id.is_not(None))
                                 .options(selectinload(Presence.user))).all()
    # Everyone's roles in one query: the rules then ask nothing more about a plain participant.
    permissions.load_roles([presence.user for presence in present])
    return [presence.sid for presence in present if permissions.can_see_held_in_room(workshop, item, presence.user)]


def check_live(workshop):
    if workshop.status == Workshop.SCHEDULED:
        raise RoomError(_("The session has not started yet."))
    if workshop.status == Workshop.ENDED:
        raise RoomError(_("The session has ended."))


def check_text(value, limit, what):
    """Stripped text within `limit` characters, else a clear refusal naming the limit."""
    text = (value if isinstance(value, str) else "").strip()
    if not text:
        raise RoomError(_("%(what)s is empty.", what=what))
    if len(text) > limit:
        raise RoomError(ngettext("%(what)s is too long (%(num)d character; at most %(limit)d).",
                                 "%(what)s is too long (%(num)d characters; at most %(limit)d).",
                                 len(text), what=what, limit=limit))
    return text


def check_client_id(value):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > MAX_CLIENT_ID:
        raise RoomError(_("Invalid message identifier."))
    return value


_messages = ChatMessage.__table__
# Built once (it runs for every chat message): the room's next sequence number and the person's
# messages in the rate window, in one statement.
_NEXT_SEQ_AND_RECENT = NEXT_SEQ.returning(db.select(func.count(_messages.c.id)).where(
    _messages.c.workshop_id == bindparam("workshop_id"), _messages.c.author_id == bindparam("author_id"),
    _messages.c.created_at > bindparam("since")).scalar_subquery())


def next_chat_seq(workshop, user):
    """The room's next sequence number for a chat message of `user`, refused (RateLimited) when they
    already sent the most the window allows. The limit is counted in the database, so it holds across
    server processes, by the statement that takes the number; a refusal rolls the number back with
    the rest of the action. (Two messages of one person sent through two processes at the same
    instant may both see the count before the other: the limit is a pace, not a quota.)"""
    count, seconds = current_app.config["WORKSHOP_CHAT_RATE"]
    seq, recent = take_seq(_NEXT_SEQ_AND_RECENT, workshop, author_id=user.id,
                           since=utcnow() - timedelta(seconds=seconds))
    if recent >= count:
        raise RateLimited(ngettext(
            "You are sending messages too fast: at most %(num)d messages in %(seconds)d seconds. "
            "Wait a moment and send it again.",
            "You are sending messages too fast: at most %(num)d messages in %(seconds)d seconds. "
            "Wait a moment and send it again.", count, seconds=seconds))
    return seq


def parse_id(value):
    """An id from a form or a socket payload, or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
