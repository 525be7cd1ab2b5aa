"""Live-room services: each action a participant or facilitator takes, checked, stored and numbered.

The socket events (events.py) and the no-JavaScript form posts (views.py) call the same
functions. Each action checks the permission, changes the state, appends a RoomEvent with the
room's next sequence number, commits, and only then broadcasts the event to the room (room_log.py).

This module holds presence, chat, raised hands, notes and the session's start and end, and the
ACTIONS table that sockets and forms share; questions (room_questions.py) and polls
(room_polls.py) have their own modules, and every action's checks are in room_checks.py.
The room uses hosts.py (which server process holds a connection) and minutes.py (what an ended
session leaves); none of them imports the room back.
"""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sociallab import payloads, permissions
from sociallab.accounts.models import User
from sociallab.audit.services import record as audit
from sociallab.content import render_markdown
from sociallab.extensions import db, socketio
from sociallab.i18n import utcnow
from sociallab.permissions import can_see_held_in_room
from sociallab.safeguarding import review
from sociallab.safeguarding.screening import PUBLISH, REDACT, IdentifyingDetails, deciding, screen
from sociallab.workshops import hosts, minutes
from sociallab.workshops import safeguarding as workshop_safeguarding
from sociallab.workshops.models import (
    Attendance,
    ChatMessage,
    Presence,
    Question,
    RaisedHand,
    RoomEvent,
    RoomRemoval,
    Workshop,
)
from sociallab.workshops.room_checks import (
    MAX_CHAT,
    MAX_NOTES,
    Forbidden,
    Identifying,
    RoomError,
    StaleNotes,
    check_client_id,
    check_facilitator,
    check_live,
    check_participant,
    check_redactor,
    check_text,
    held_audience,
    next_chat_seq,
    parse_id,
)
from sociallab.workshops.room_log import (
    NAMESPACE,
    append_event,
    commit_and_broadcast,
    person_payload,
    placeholder,
    presence_event,
    room_name,
)
from sociallab.workshops.room_polls import close_poll, open_poll, vote_poll
from sociallab.workshops.room_questions import (
    ask_question,
    mark_question,
    question_in_room,
    question_payload,
    vote_question,
)

# --- events ---------------------------------------------------------------------------------

def events_since(workshop, last_seq):
    """Every stored event after `last_seq`, in order: what a reconnecting client missed."""
    return db.session.scalars(db.select(RoomEvent).where(
        RoomEvent.workshop_id == workshop.id, RoomEvent.seq > last_seq).order_by(RoomEvent.seq)).all()


# The events announcing what someone said, which may be about a held item.
SAID = {"chat.message": ChatMessage, "question.asked": Question}


def replay(workshop, last_seq, user):
    """The payloads of every event after `last_seq` as `user` may receive them: an event about a
    chat message or question still held is replaced by its number alone for anyone but its
    author, the facilitators and the moderators (permissions.can_see_held_in_room)."""
    replayed = []
    for event in events_since(workshop, last_seq):
        payload = event.payload()
        if event.data.get("held"):
            model = SAID.get(event.kind)
            item = db.session.get(model, event.data.get("id")) if model is not None else None
            if item is not None and not item.sensitive:
                # Approved or redacted since: shown to everyone (a redaction also redacted this event).
                payload["data"] = {k: v for k, v in event.data.items() if k != "held"}
            elif item is None or not can_see_held_in_room(workshop, item, user):
                payload = placeholder(payload)
        replayed.append(payload)
    return replayed


# --- presence -------------------------------------------------------------------------------

# Someone reading the room without JavaScript holds no connection: their page view stands for
# one (a Presence row without a server process) until they have not loaded or posted to the
# room for this long. Before this, nobody reading the no-JavaScript room was ever counted, so
# two people there read "In the room (0)".
PAGE_PRESENCE = timedelta(minutes=10)
PAGE_PRESENCE_WRITE = timedelta(minutes=1)


def _page_sid(workshop, user):
    return f"page:{workshop.id}:{user.id}"


def _here(now=None):
    """A condition on Presence rows: a connection held by a running process, or a recent page view."""
    return db.or_(hosts.held_by_live_process(now),
                  db.and_(Presence.host_id.is_(None), Presence.connected_at >= (now or utcnow()) - PAGE_PRESENCE))


def present_people(workshop):
    """People in the room: a connection held by a server process still running, or (without
    JavaScript) a page of the room loaded recently. Nobody is in an ended room."""
    if workshop.is_ended:
        return []
    return db.session.scalars(db.select(User).where(User.id.in_(
        db.select(Presence.user_id).where(Presence.workshop_id == workshop.id, _here())))
        .order_by(User.name)).all()


def _is_present(workshop, user):
    return db.session.scalar(db.select(Presence.id).where(
        Presence.workshop_id == workshop.id, Presence.user_id == user.id, _here()).limit(1)) is not None


def _attend(workshop, user):
    if db.session.scalar(db.select(Attendance.id).where(
            Attendance.workshop_id == workshop.id, Attendance.user_id == user.id)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(Attendance(workshop_id=workshop.id, user_id=user.id))
        except IntegrityError:
            pass  # the same person's other page or socket counted them a moment ago (seen under load)


def join_room(workshop, user, sid):
    """A connection enters the room: presence and attendance are recorded and announced.

    A page that reconnects after the session ended only catches up: nobody is in an ended room."""
    check_participant(workshop, user)
    if workshop.is_ended:
        return None
    arriving = not _is_present(workshop, user)
    # The connection now stands for the person; their page view no longer does.
    db.session.execute(db.delete(Presence).where(Presence.sid == _page_sid(workshop, user)))
    db.session.add(Presence(workshop_id=workshop.id, user_id=user.id, sid=sid, host_id=hosts.beat()))
    _attend(workshop, user)
    db.session.flush()
    if not arriving:
        db.session.commit()
        return None
    return commit_and_broadcast(presence_event(workshop, "presence.joined", user))


def visit_room(workshop, user):
    """The room page was loaded or a form posted to it (the way without JavaScript): the person
    is in the room for PAGE_PRESENCE more, counted in the attendance, announced when they arrive.
    Page views of people who have not come back in that time are announced as departures."""
    check_participant(workshop, user)
    if workshop.is_ended:
        return None
    now = utcnow()
    events = _expired_page_views(workshop, now)
    arriving = not _is_present(workshop, user)
    sid = _page_sid(workshop, user)
    view = db.session.scalar(db.select(Presence).where(Presence.sid == sid))
    if view is None:
        db.session.add(Presence(workshop_id=workshop.id, user_id=user.id, sid=sid, host_id=None, connected_at=now))
    elif not events and view.connected_at > now - PAGE_PRESENCE_WRITE:
        return None  # a refresh a moment ago already counts: no write for every reload
    else:
        view.connected_at = now
    _attend(workshop, user)
    db.session.flush()
    if arriving:
        events.append(presence_event(workshop, "presence.joined", user))
    if not events:
        db.session.commit()
        return None
    return commit_and_broadcast(*events)


def _expired_page_views(workshop, now):
    """Delete the page views of the room older than PAGE_PRESENCE; presence.left for each person
    no longer in the room. Flushed, not committed."""
    stale = db.session.scalars(db.select(Presence).where(
        Presence.workshop_id == workshop.id, Presence.host_id.is_(None),
        Presence.connected_at < now - PAGE_PRESENCE)).all()
    events = []
    for view in stale:
        person = view.user
        db.session.delete(view)
        db.session.flush()
        if not _is_present(workshop, person):
            events.append(presence_event(workshop, "presence.left", person))
    return events


def leave_room(sid):
    """A connection closed; announce it when it was the person's last one in the room."""
    presence = db.session.scalar(db.select(Presence).where(Presence.sid == sid))
    if presence is None:
        return None
    workshop, user = db.session.get(Workshop, presence.workshop_id), presence.user
    db.session.delete(presence)
    db.session.flush()
    if _is_present(workshop, user):
        db.session.commit()
        return None
    return commit_and_broadcast(presence_event(workshop, "presence.left", user))


# --- chat -----------------------------------------------------------------------------------

def send_chat(workshop, user, body, client_id=None):
    """Post a chat message; a message re-sent with the same client id is stored once."""
    check_participant(workshop, user)
    client_id = check_client_id(client_id)
    check_live(workshop)
    if workshop.chat_locked and not permissions.can_run_workshop(workshop, user):
        raise Forbidden(_("The facilitators have locked the chat."))
    body = check_text(body, MAX_CHAT, _l("The message"))
    seq = next_chat_seq(workshop, user)
    row = {"workshop_id": workshop.id, "author_id": user.id, "body": body, "client_id": client_id,
           "created_at": utcnow(), "event_seq": seq, "sensitive": False}
    message = ChatMessage(**row)
    try:
        if screen(db.session, [message]):
            # Safeguarding's check at the flush refuses, redacts or holds it, as the sender decided.
            db.session.add(message)
            db.session.flush()
        else:
            # Nothing for that check to act on: inserted directly, which costs a fraction of the
            # session's unit of work (the message is not in the session; it carries the payload).
            message.id = db.session.execute(_INSERT_MESSAGE, row).scalar_one()
    except IntegrityError:
        # Sent again after a lost acknowledgement (or from two tabs at once): the unique
        # (workshop, author, client id) keeps the first; answer with its event.
        db.session.rollback()
        return _chat_event_for(workshop, user, client_id)
    # The body as stored: redacted if the sender chose so, held if they sent it anyway.
    event = append_event(workshop, "chat.message", user, seq=seq, **chat_payload(message, user), client_id=client_id)
    return commit_and_broadcast(event, audience=held_audience(workshop, message) if message.sensitive else ())


_INSERT_MESSAGE = ChatMessage.__table__.insert().returning(ChatMessage.__table__.c.id)


def chat_payload(message, author=None):
    """A chat message as events carry it; "held" when only some people may receive it."""
    data = {"id": message.id, "author": person_payload(author or message.author), "body": message.body}
    if message.sensitive:
        data["held"] = True
    return data


def _chat_event_for(workshop, user, client_id):
    event = db.session.scalar(db.select(RoomEvent).join(ChatMessage, db.and_(
        ChatMessage.workshop_id == RoomEvent.workshop_id, ChatMessage.event_seq == RoomEvent.seq)).where(
        ChatMessage.workshop_id == workshop.id, ChatMessage.author_id == user.id, ChatMessage.client_id == client_id))
    event.sent = event.payload()
    return event


def remove_message(workshop, user, message_id):
    check_facilitator(workshop, user)
    message = db.session.get(ChatMessage, parse_id(message_id))
    if message is None or message.workshop_id != workshop.id or message.removed_at is not None:
        raise RoomError(_("This message is no longer in the chat."))
    message.removed_at = utcnow()
    # The stored event must not hand the removed text to a client catching up later.
    original = db.session.scalar(db.select(RoomEvent).where(
        RoomEvent.workshop_id == workshop.id, RoomEvent.seq == message.event_seq))
    if original is not None:
        original.data = {**original.data, "body": "", "removed": True}
    audit(user, "workshop.message_removed", workshop, before={"body": message.body}, space_id=workshop.space_id)
    return commit_and_broadcast(append_event(workshop, "chat.removed", user, id=message.id))


# --- safeguarding after the fact -------------------------------------------------------------

def redact_message(workshop, user, message_id, passages=()):
    """A facilitator removes what may identify a child from a chat message already sent: the
    message, the stored event replayed to reconnecting clients, the minutes, notifications and
    audit text quoting it; everyone's view is updated by a "chat.redacted" event."""
    check_redactor(workshop, user)
    message = db.session.get(ChatMessage, parse_id(message_id))
    if message is None or message.workshop_id != workshop.id or message.removed_at is not None:
        raise RoomError(_("This message is no longer in the chat."))
    redact_said(workshop, user, message, passages)
    return commit_and_broadcast(append_event(workshop, "chat.redacted", user, **chat_payload(message)))


def redact_question(workshop, user, question_id, passages=()):
    """The same as redact_message for a question ("question.redacted")."""
    check_redactor(workshop, user)
    question = question_in_room(workshop, question_id, user)
    redact_said(workshop, user, question, passages)
    return commit_and_broadcast(append_event(workshop, "question.redacted", user, **question_payload(question)))


def redact_said(workshop, user, item, passages=()):
    """Redact a chat message or question in place, with what quotes it (its registered copies:
    the room event that announced it and the minutes), the notifications and audit entries of the
    room (safeguarding.review.remove_passages). Flushed, not committed."""
    try:
        review.remove_passages(item, user, passages, audited_with=(workshop,))
    except review.ReviewError as error:
        raise RoomError(error.message) from None


def set_chat_locked(workshop, user, locked):
    check_facilitator(workshop, user)
    workshop.chat_locked = bool(locked)
    return commit_and_broadcast(append_event(workshop, "chat.locked", user, locked=bool(locked)))


# --- raised hands ---------------------------------------------------------------------------

def raised_hands(workshop):
    """Raised hands in the order they went up."""
    return db.session.scalars(db.select(RaisedHand).where(
        RaisedHand.workshop_id == workshop.id, RaisedHand.lowered_at.is_(None))
        .options(selectinload(RaisedHand.user)).order_by(RaisedHand.raised_at, RaisedHand.id)).all()


def _open_hand(workshop, user_id):
    return db.session.scalar(db.select(RaisedHand).where(
        RaisedHand.workshop_id == workshop.id, RaisedHand.user_id == user_id, RaisedHand.lowered_at.is_(None)))


def raise_hand(workshop, user):
    check_participant(workshop, user)
    check_live(workshop)
    if _open_hand(workshop, user.id) is not None:
        return None
    hand = RaisedHand(workshop_id=workshop.id, user_id=user.id, raised_at=utcnow())
    db.session.add(hand)
    return commit_and_broadcast(append_event(workshop, "hand.raised", user, person=person_payload(user),
                                               raised_at=hand.raised_at.isoformat() + "Z"))


def lower_hand(workshop, user, user_id=None):
    """The person lowers their own hand; a facilitator may lower anyone's."""
    check_participant(workshop, user)
    target = user.id if user_id in (None, "") else parse_id(user_id)
    if target != user.id:
        check_facilitator(workshop, user)
    hand = _open_hand(workshop, target)
    if hand is None:
        return None
    hand.lowered_at = utcnow()
    return commit_and_broadcast(append_event(workshop, "hand.lowered", user, user_id=target))


# --- shared notes ---------------------------------------------------------------------------

def update_notes(workshop, user, text, base_version):
    """Save the notes only if nobody saved since `base_version`; else refuse with the newer text."""
    check_facilitator(workshop, user)
    if workshop.is_ended:
        raise RoomError(_("The session has ended."))
    text = text if isinstance(text, str) else ""
    if len(text) > MAX_NOTES:
        raise RoomError(ngettext("The notes are too long (%(num)d character; at most %(limit)d).",
                                 "The notes are too long (%(num)d characters; at most %(limit)d).",
                                 len(text), limit=MAX_NOTES))
    version = parse_id(base_version)
    text = workshop_safeguarding.checked_text(workshop, "notes", text)
    saved = db.session.execute(
        update(Workshop).where(Workshop.id == workshop.id, Workshop.notes_version == version)
        .values(notes=text, notes_version=Workshop.notes_version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not saved:
        db.session.rollback()
        db.session.refresh(workshop)
        raise StaleNotes(_("Someone saved the notes after you opened them. Their version is shown; "
                           "add your changes to it and save again."),
                         notes=workshop.notes, version=workshop.notes_version)
    db.session.refresh(workshop)
    # The Markdown source for facilitators' editors, and the same sanitised HTML the room page
    # renders for everyone else, so a live update looks like a reload.
    return commit_and_broadcast(append_event(workshop, "notes.updated", user, notes=workshop.notes,
                                               html=str(render_markdown(workshop.notes)),
                                               version=workshop.notes_version, editor=person_payload(user)))


# --- facilitator controls -------------------------------------------------------------------

def start_session(workshop, user):
    check_facilitator(workshop, user)
    if workshop.status != Workshop.SCHEDULED:
        raise RoomError(_("The session has already started."))
    workshop.status, workshop.started_at = Workshop.LIVE, utcnow()
    audit(user, "workshop.started", workshop, space_id=workshop.space_id)
    return commit_and_broadcast(append_event(workshop, "session.started", user))


def end_session(workshop, user, include_chat=False):
    """End the session and store its minutes as a knowledge resource of the space."""
    check_facilitator(workshop, user)
    if workshop.status != Workshop.LIVE:
        raise RoomError(_("Only a session in progress can be ended."))
    workshop.status, workshop.ended_at = Workshop.ENDED, utcnow()
    db.session.execute(db.delete(RaisedHand).where(RaisedHand.workshop_id == workshop.id,
                                                   RaisedHand.lowered_at.is_(None)))
    # Nobody stays in an ended room (and rows left by a crashed server process go with it).
    db.session.execute(db.delete(Presence).where(Presence.workshop_id == workshop.id))
    db.session.flush()
    minutes.store_minutes(workshop, include_chat=bool(include_chat))
    audit(user, "workshop.ended", workshop, after={"include_chat": bool(include_chat)},
          space_id=workshop.space_id)
    return commit_and_broadcast(append_event(workshop, "session.ended", user,
                                               minutes_url=minutes.minutes_url(workshop)))


def remove_participant(workshop, user, user_id):
    """Remove a person for the rest of the session; their open connections are closed."""
    check_facilitator(workshop, user)
    target = parse_id(user_id)
    person = db.session.get(User, target) if target else None
    if person is None or person.id == user.id:
        raise RoomError(_("Choose a participant to remove."))
    if permissions.can_run_workshop(workshop, person):
        raise Forbidden(_("A facilitator cannot be removed from the room."))
    if not permissions.is_removed_from_room(workshop, person):
        db.session.add(RoomRemoval(workshop_id=workshop.id, user_id=person.id, removed_by_id=user.id))
    # Their connections (a page view without JavaScript has none to close).
    sids = list(db.session.scalars(db.select(Presence.sid).where(
        Presence.workshop_id == workshop.id, Presence.user_id == person.id, Presence.host_id.is_not(None))))
    db.session.execute(db.delete(Presence).where(Presence.workshop_id == workshop.id,
                                                 Presence.user_id == person.id))
    db.session.execute(update(RaisedHand).where(
        RaisedHand.workshop_id == workshop.id, RaisedHand.user_id == person.id,
        RaisedHand.lowered_at.is_(None)).values(lowered_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()
    audit(user, "workshop.participant_removed", workshop, after={"user_id": person.id},
          space_id=workshop.space_id)
    removed = append_event(workshop, "participant.removed", user, user_id=person.id)
    left = presence_event(workshop, "presence.left", person)
    event = commit_and_broadcast(removed, left)
    for sid in sids:
        # Through the message queue this reaches the process holding the connection.
        socketio.server.leave_room(sid, room_name(workshop.id), namespace=NAMESPACE)
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    return event


# --- one entry point for sockets and forms ----------------------------------------------------

_ID, _TEXT, _FLAG = payloads.integer(minimum=1, required=True), payloads.text(), payloads.flag()

# Each action: the fields its payload may carry (checked by sociallab.payloads before anything
# else), and what it does with them.
ACTIONS = {
    "chat": ({"body": _TEXT, "client_id": _TEXT},
             lambda w, u, d: send_chat(w, u, d["body"], d["client_id"])),
    "remove_message": ({"message_id": _ID}, lambda w, u, d: remove_message(w, u, d["message_id"])),
    # Passages the facilitator names, one per line, besides what the detector finds.
    "redact_message": ({"message_id": _ID, "passages": _TEXT},
                       lambda w, u, d: redact_message(w, u, d["message_id"], review.parse_passages(d["passages"]))),
    "lock_chat": ({"locked": _FLAG}, lambda w, u, d: set_chat_locked(w, u, bool(d["locked"]))),
    "ask": ({"body": _TEXT, "client_id": _TEXT},
            lambda w, u, d: ask_question(w, u, d["body"], d["client_id"])),
    "vote_question": ({"question_id": _ID}, lambda w, u, d: vote_question(w, u, d["question_id"])),
    "redact_question": ({"question_id": _ID, "passages": _TEXT},
                        lambda w, u, d: redact_question(w, u, d["question_id"], review.parse_passages(d["passages"]))),
    # An absent mark is left as it is.
    "mark_question": ({"question_id": _ID, "answered": _FLAG, "highlighted": _FLAG},
                      lambda w, u, d: mark_question(w, u, d["question_id"], answered=d["answered"],
                                                    highlighted=d["highlighted"])),
    "open_poll": ({"question": _TEXT, "options": payloads.many(_TEXT), "multiple": _FLAG},
                  lambda w, u, d: open_poll(w, u, d["question"], d["options"], bool(d["multiple"]))),
    "vote_poll": ({"poll_id": _ID, "option_ids": payloads.many(_ID)},
                  lambda w, u, d: vote_poll(w, u, d["poll_id"], d["option_ids"])),
    "close_poll": ({"poll_id": _ID}, lambda w, u, d: close_poll(w, u, d["poll_id"])),
    "raise_hand": ({}, lambda w, u, d: raise_hand(w, u)),
    # No user_id: the person's own hand.
    "lower_hand": ({"user_id": payloads.integer(minimum=1)}, lambda w, u, d: lower_hand(w, u, d["user_id"])),
    "notes": ({"notes": _TEXT, "version": payloads.integer(required=True)},
              lambda w, u, d: update_notes(w, u, d["notes"], d["version"])),
    "start": ({}, lambda w, u, d: start_session(w, u)),
    "end": ({"include_chat": _FLAG}, lambda w, u, d: end_session(w, u, bool(d["include_chat"]))),
    "remove_participant": ({"user_id": _ID}, lambda w, u, d: remove_participant(w, u, d["user_id"])),
}


def _choice(value):
    if value in (None, ""):
        return None
    if value not in (REDACT, PUBLISH):
        raise payloads.InvalidPayload()
    return value


# Any action may carry the sender's answer to a safeguarding warning (a chat message, a question,
# the notes, the minutes written at the end): "redact", or "publish" with a justification (a form
# names it safeguarding_justification, as every safeguarding warning does).
DECISION = {"safeguarding": _choice, "justification": _TEXT, "safeguarding_justification": _TEXT}


def check_action(action, data):
    """The checked fields of a named action's payload, or a RoomError saying it cannot be understood."""
    if action not in ACTIONS:
        raise RoomError(_("Unknown action."))
    try:
        return payloads.check(data, {**ACTIONS[action][0], **DECISION})
    except payloads.InvalidPayload as error:
        raise RoomError(error.message) from None


def perform(workshop, user, action, data):
    """Run a named room action with the data a socket event or a form post carried.

    What may identify a child is refused with Identifying (a RoomError, 422) unless the payload
    carries the sender's decision, applied to everything the action stores."""
    fields = check_action(action, data)
    run = ACTIONS[action][1]
    try:
        if fields["safeguarding"] is None:
            return run(workshop, user, fields)
        with deciding(fields["safeguarding"], fields["justification"] or fields["safeguarding_justification"]):
            return run(workshop, user, fields)
    except IdentifyingDetails as error:
        raise Identifying(error) from error
