"""Live-room services: each action a participant or facilitator takes, checked, stored and numbered.

The socket events (events.py) and the no-JavaScript form posts (views.py) call the same
functions. Each action checks the permission, changes the state, appends a RoomEvent with the
room's next sequence number, commits, and only then broadcasts the event to the room (room_log.py).

The room uses hosts.py (which server process holds a connection) and minutes.py (what an ended
session leaves); neither imports the room back. Kept in one file over 400 lines on purpose:
every action and the ACTIONS table that sockets and forms share are read together.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sociallab import payloads, permissions
from sociallab.accounts.models import User
from sociallab.audit.services import record as audit
from sociallab.content import render_markdown
from sociallab.errors import ServiceError
from sociallab.extensions import db, socketio
from sociallab.i18n import utcnow
from sociallab.workshops import hosts, minutes
from sociallab.workshops.models import (
    Attendance,
    ChatMessage,
    Poll,
    PollOption,
    PollVote,
    Presence,
    Question,
    QuestionVote,
    RaisedHand,
    RoomEvent,
    RoomRemoval,
    Workshop,
)
from sociallab.workshops.poll_results import poll_counts, poll_voters
from sociallab.workshops.room_log import (
    NAMESPACE,
    append_event,
    commit_and_broadcast,
    next_seq,
    person_payload,
    presence_event,
    room_name,
)

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


# --- checks ---------------------------------------------------------------------------------

def check_participant(workshop, user):
    """Room access through permissions.can_enter_room, decided afresh on every action: a lost
    membership, a closed mandate or a removal from the room counts at the next event."""
    if not permissions.can_enter_room(workshop, user):
        raise Forbidden(_("You are not a participant of this room."))


def check_facilitator(workshop, user):
    if not permissions.can_run_workshop(workshop, user):
        raise Forbidden(_("Only the workshop's facilitators may do this."))


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
        raise RoomError(_("%(what)s is too long (%(length)d characters; at most %(limit)d).",
                          what=what, length=len(text), limit=limit))
    return text


def check_client_id(value):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > MAX_CLIENT_ID:
        raise RoomError(_("Invalid message identifier."))
    return value


def check_chat_rate(workshop, user):
    """A per-person limit counted in the database, so it holds across server processes."""
    count, seconds = current_app.config["WORKSHOP_CHAT_RATE"]
    since = utcnow() - timedelta(seconds=seconds)
    recent = db.session.scalar(db.select(func.count(ChatMessage.id)).where(
        ChatMessage.workshop_id == workshop.id, ChatMessage.author_id == user.id,
        ChatMessage.created_at > since))
    if recent >= count:
        raise RateLimited(ngettext(
            "You are sending messages too fast: at most %(num)d messages in %(seconds)d seconds. "
            "Wait a moment and send it again.",
            "You are sending messages too fast: at most %(num)d messages in %(seconds)d seconds. "
            "Wait a moment and send it again.", count, seconds=seconds))


# --- events ---------------------------------------------------------------------------------

def events_since(workshop, last_seq):
    """Every stored event after `last_seq`, in order: what a reconnecting client missed."""
    return db.session.scalars(db.select(RoomEvent).where(
        RoomEvent.workshop_id == workshop.id, RoomEvent.seq > last_seq).order_by(RoomEvent.seq)).all()


# --- presence -------------------------------------------------------------------------------

def present_people(workshop):
    """People with a connection in the room held by a server process that is still running."""
    return db.session.scalars(db.select(User).where(User.id.in_(
        db.select(Presence.user_id).where(Presence.workshop_id == workshop.id,
                                          hosts.held_by_live_process())))
        .order_by(User.name)).all()


def join_room(workshop, user, sid):
    """A connection enters the room: presence and attendance are recorded and announced."""
    check_participant(workshop, user)
    db.session.add(Presence(workshop_id=workshop.id, user_id=user.id, sid=sid, host_id=hosts.beat()))
    if db.session.scalar(db.select(Attendance.id).where(
            Attendance.workshop_id == workshop.id, Attendance.user_id == user.id)) is None:
        db.session.add(Attendance(workshop_id=workshop.id, user_id=user.id))
    db.session.flush()
    return commit_and_broadcast(presence_event(workshop, "presence.joined", user))


def leave_room(sid):
    """A connection closed; announce it when it was the person's last one in the room."""
    presence = db.session.scalar(db.select(Presence).where(Presence.sid == sid))
    if presence is None:
        return None
    workshop, user = db.session.get(Workshop, presence.workshop_id), presence.user
    db.session.delete(presence)
    db.session.flush()
    still_here = db.session.scalar(db.select(Presence.id).where(
        Presence.workshop_id == workshop.id, Presence.user_id == user.id,
        hosts.held_by_live_process()).limit(1))
    if still_here is not None:
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
    check_chat_rate(workshop, user)
    seq = next_seq(workshop)
    message = ChatMessage(workshop_id=workshop.id, author_id=user.id, body=body, client_id=client_id,
                          created_at=utcnow(), event_seq=seq)
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError:
        # Sent again after a lost acknowledgement (or from two tabs at once): the unique
        # (workshop, author, client id) keeps the first; answer with its event.
        db.session.rollback()
        return _chat_event_for(workshop, user, client_id)
    event = append_event(workshop, "chat.message", user, seq=seq, id=message.id, author=person_payload(user),
                          body=body, client_id=client_id)
    return commit_and_broadcast(event)


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


def set_chat_locked(workshop, user, locked):
    check_facilitator(workshop, user)
    workshop.chat_locked = bool(locked)
    return commit_and_broadcast(append_event(workshop, "chat.locked", user, locked=bool(locked)))


# --- questions ------------------------------------------------------------------------------

def ask_question(workshop, user, body, client_id=None):
    check_participant(workshop, user)
    client_id = check_client_id(client_id)
    if client_id is not None:
        existing = db.session.scalar(db.select(Question).where(
            Question.workshop_id == workshop.id, Question.author_id == user.id, Question.client_id == client_id))
        if existing is not None:
            return None
    check_live(workshop)
    body = check_text(body, MAX_QUESTION, _l("The question"))
    question = Question(workshop_id=workshop.id, author_id=user.id, body=body, client_id=client_id,
                        created_at=utcnow())
    db.session.add(question)
    db.session.flush()
    return commit_and_broadcast(append_event(
        workshop, "question.asked", user, id=question.id, author=person_payload(user), body=body, votes=0,
        answered=False, highlighted=False, client_id=client_id))


def _question(workshop, question_id):
    question = db.session.get(Question, parse_id(question_id))
    if question is None or question.workshop_id != workshop.id:
        raise RoomError(_("This question is not in this room."))
    return question


def vote_question(workshop, user, question_id):
    """One up-vote per person and question."""
    check_participant(workshop, user)
    check_live(workshop)
    question = _question(workshop, question_id)
    db.session.add(QuestionVote(question_id=question.id, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise RoomError(_("You have already up-voted this question.")) from None
    db.session.execute(update(Question).where(Question.id == question.id)
                       .values(votes=Question.votes + 1).execution_options(synchronize_session=False))
    votes = db.session.scalar(db.select(Question.votes).where(Question.id == question.id))
    return commit_and_broadcast(append_event(workshop, "question.voted", user, id=question.id, votes=votes))


def mark_question(workshop, user, question_id, answered=None, highlighted=None):
    check_facilitator(workshop, user)
    question = _question(workshop, question_id)
    if answered is not None:
        question.answered = bool(answered)
    if highlighted is not None:
        question.highlighted = bool(highlighted)
    return commit_and_broadcast(append_event(workshop, "question.marked", user, id=question.id,
                                               answered=question.answered, highlighted=question.highlighted))


def questions(workshop):
    """Ordered by votes, then by who asked first."""
    return db.session.scalars(db.select(Question).where(Question.workshop_id == workshop.id)
                              .options(selectinload(Question.author))
                              .order_by(Question.votes.desc(), Question.created_at, Question.id)).all()


def voted_question_ids(workshop, user):
    return set(db.session.scalars(db.select(QuestionVote.question_id).join(Question).where(
        Question.workshop_id == workshop.id, QuestionVote.user_id == user.id)))


# --- polls ----------------------------------------------------------------------------------

def open_poll(workshop, user, question, options, multiple=False):
    check_facilitator(workshop, user)
    check_live(workshop)
    question = check_text(question, MAX_POLL_QUESTION, _l("The poll question"))
    labels = [o.strip() for o in (options or []) if isinstance(o, str) and o.strip()]
    if len(labels) < 2:
        raise RoomError(_("A poll needs at least two options."))
    if len(labels) > MAX_POLL_OPTIONS:
        raise RoomError(_("A poll has at most %(limit)d options.", limit=MAX_POLL_OPTIONS))
    labels = [check_text(label, MAX_POLL_OPTION, _l("An option")) for label in labels]
    poll = Poll(workshop_id=workshop.id, question=question, multiple=bool(multiple), created_by_id=user.id,
                options=[PollOption(label=label, position=i) for i, label in enumerate(labels)])
    db.session.add(poll)
    db.session.flush()
    return commit_and_broadcast(append_event(workshop, "poll.opened", user, **poll_state(poll)))


def _poll(workshop, poll_id):
    poll = db.session.get(Poll, parse_id(poll_id))
    if poll is None or poll.workshop_id != workshop.id:
        raise RoomError(_("This poll is not in this room."))
    return poll


def vote_poll(workshop, user, poll_id, option_ids):
    """Record the person's choice; voting again replaces it until the poll closes."""
    check_participant(workshop, user)
    check_live(workshop)
    poll = _poll(workshop, poll_id)
    if not poll.is_open:
        raise RoomError(_("This poll is closed."))
    if not isinstance(option_ids, (list, tuple)):
        option_ids = [option_ids]
    chosen = {parse_id(o) for o in option_ids} - {None}
    valid = {o.id for o in poll.options}
    if not chosen or not chosen <= valid:
        raise RoomError(_("Choose one of the options."))
    if not poll.multiple and len(chosen) > 1:
        raise RoomError(_("This poll takes a single choice."))
    db.session.execute(db.delete(PollVote).where(PollVote.poll_id == poll.id, PollVote.user_id == user.id))
    db.session.add_all(PollVote(poll_id=poll.id, option_id=o, user_id=user.id) for o in sorted(chosen))
    db.session.flush()
    return commit_and_broadcast(append_event(workshop, "poll.voted", None, id=poll.id,
                                               counts=poll_counts(poll), voters=poll_voters(poll)))


def close_poll(workshop, user, poll_id):
    check_facilitator(workshop, user)
    poll = _poll(workshop, poll_id)
    if not poll.is_open:
        raise RoomError(_("This poll is closed."))
    poll.closed_at = utcnow()
    return commit_and_broadcast(append_event(workshop, "poll.closed", user, id=poll.id,
                                               counts=poll_counts(poll), voters=poll_voters(poll)))


def poll_counts_of(workshop, polls):
    """poll_counts for every poll of the room in one query (the room page shows them all)."""
    rows = db.session.execute(db.select(PollVote.poll_id, PollVote.option_id, func.count(PollVote.id))
                              .join(Poll).where(Poll.workshop_id == workshop.id)
                              .group_by(PollVote.poll_id, PollVote.option_id)).all()
    counts = {(poll_id, option_id): n for poll_id, option_id, n in rows}
    return {p.id: {str(o.id): counts.get((p.id, o.id), 0) for o in p.options} for p in polls}


def poll_state(poll):
    return {"id": poll.id, "question": poll.question, "multiple": poll.multiple, "open": poll.is_open,
            "options": [{"id": o.id, "label": o.label} for o in poll.options],
            "counts": poll_counts(poll), "voters": poll_voters(poll)}


def polls(workshop):
    return db.session.scalars(db.select(Poll).where(Poll.workshop_id == workshop.id)
                              .options(selectinload(Poll.options)).order_by(Poll.id.desc())).all()


def my_poll_choices(workshop, user):
    rows = db.session.execute(db.select(PollVote.poll_id, PollVote.option_id).join(Poll).where(
        Poll.workshop_id == workshop.id, PollVote.user_id == user.id)).all()
    choices = {}
    for poll_id, option_id in rows:
        choices.setdefault(poll_id, set()).add(option_id)
    return choices


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
        raise RoomError(_("The notes are too long (%(length)d characters; at most %(limit)d).",
                          length=len(text), limit=MAX_NOTES))
    version = parse_id(base_version)
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
    sids = list(db.session.scalars(db.select(Presence.sid).where(
        Presence.workshop_id == workshop.id, Presence.user_id == person.id)))
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


def parse_id(value):
    """An id from a form or a socket payload, or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- one entry point for sockets and forms ----------------------------------------------------

_ID, _TEXT, _FLAG = payloads.integer(minimum=1, required=True), payloads.text(), payloads.flag()

# Each action: the fields its payload may carry (checked by sociallab.payloads before anything
# else), and what it does with them.
ACTIONS = {
    "chat": ({"body": _TEXT, "client_id": _TEXT},
             lambda w, u, d: send_chat(w, u, d["body"], d["client_id"])),
    "remove_message": ({"message_id": _ID}, lambda w, u, d: remove_message(w, u, d["message_id"])),
    "lock_chat": ({"locked": _FLAG}, lambda w, u, d: set_chat_locked(w, u, bool(d["locked"]))),
    "ask": ({"body": _TEXT, "client_id": _TEXT},
            lambda w, u, d: ask_question(w, u, d["body"], d["client_id"])),
    "vote_question": ({"question_id": _ID}, lambda w, u, d: vote_question(w, u, d["question_id"])),
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


def check_action(action, data):
    """The checked fields of a named action's payload, or a RoomError saying it cannot be understood."""
    if action not in ACTIONS:
        raise RoomError(_("Unknown action."))
    try:
        return payloads.check(data, ACTIONS[action][0])
    except payloads.InvalidPayload as error:
        raise RoomError(error.message) from None


def perform(workshop, user, action, data):
    """Run a named room action with the data a socket event or a form post carried."""
    return ACTIONS[action][1](workshop, user, check_action(action, data))
