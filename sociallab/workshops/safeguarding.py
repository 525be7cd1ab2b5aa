"""What of the workshops safeguarding checks (registered by workshops.init_app).

A workshop's title, description, agenda, notes and minutes. A workshop is a scheduled event
that people register for: it cannot wait hidden for a moderator, so it is not holdable (the
author redacts or changes the text; "publish anyway" is refused).

The minutes are stored text (Workshop.minutes, and the body of the knowledge resource that
publishes them), built from the room when the session ends: redacting a text they quote
(the agenda, the notes, a chat message, a question) redacts its copy in them too —
`minutes_copies(row)` names those copies for any row of a workshop's room.
"""
from flask import g, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sociallab import safeguarding
from sociallab.extensions import db
from sociallab.knowledge.models import Resource
from sociallab.safeguarding import detector
from sociallab.safeguarding.registry import content_type_of
from sociallab.safeguarding.screening import PUBLISH, REDACT, IdentifyingDetails, Screened, current_decision
from sociallab.workshops.models import ChatMessage, Question, RoomEvent, Workshop

# Room events that carry a workshop's own text (replayed to a reconnecting client).
WORKSHOP_TEXT_EVENTS = ("notes.updated",)


def _workshop_url(workshop):
    return url_for("workshops.detail", slug=workshop.space.slug, workshop_id=workshop.id)


def minutes_copies(row):
    """(row, field) pairs of the stored minutes quoting `row` (a workshop, or anything of its
    room with a `workshop_id`): the workshop's minutes and the resource publishing them."""
    workshop = row if isinstance(row, Workshop) else db.session.get(Workshop, row.workshop_id)
    if workshop is None or not workshop.minutes:
        return []
    copies = [(workshop, "minutes")]
    if workshop.minutes_resource_id is not None:
        resource = db.session.get(Resource, workshop.minutes_resource_id)
        if resource is not None:
            copies += [(resource, "title"), (resource, "summary"), (resource, "body")]
    return copies


def _workshop_copies(workshop):
    """The minutes, and the stored room events replaying the notes."""
    events = db.session.scalars(db.select(RoomEvent).where(
        RoomEvent.workshop_id == workshop.id, RoomEvent.kind.in_(WORKSHOP_TEXT_EVENTS))).all()
    return minutes_copies(workshop) + [(event, "data") for event in events]


def checked_text(obj, field, text):
    """`text` as it may be saved into `field` of a registered `obj` by a bulk UPDATE, which the
    flush-time check does not see (the shared notes, saved only if nobody saved since): the
    author's decision applied — redacted, or IdentifyingDetails when there is none. Not holdable."""
    content_type = content_type_of(obj)
    findings = detector.check(text) if content_type is not None and text else []
    if not findings:
        return text
    decision = current_decision()
    if decision is not None and decision.choice == REDACT:
        return detector.redact(text, findings, content_type.language(obj))
    screened = [Screened(content_type, obj, field, text, findings)]
    message = None
    if decision is not None and decision.choice == PUBLISH:
        message = _("This cannot wait for a moderator: remove the passages or change the text.")
    error = IdentifyingDetails(screened, message)
    if has_request_context():
        g.safeguarding_error = error
    raise error


def _room_workshop(row):
    return db.session.get(Workshop, row.workshop_id)


def _room_url(row):
    """A chat message or question, in its room (the moderators' queue links there)."""
    workshop = _room_workshop(row)
    anchor = "message" if isinstance(row, ChatMessage) else "question"
    return url_for("workshops.room_page", slug=workshop.space.slug, workshop_id=workshop.id) + f"#{anchor}-{row.id}"


def _room_copies(row):
    """The stored room event announcing a chat message or question (replayed to a reconnecting
    client), and the minutes quoting it."""
    event = db.session.scalar(db.select(RoomEvent).where(
        RoomEvent.workshop_id == row.workshop_id, RoomEvent.seq == row.event_seq)) if row.event_seq else None
    return ([(event, "data")] if event is not None else []) + minutes_copies(row)


def _register_room(app):
    """Chat messages and questions of the live room (sociallab.workshops.room): held ones reach
    only their author, the workshop's facilitators and the space's moderators."""
    for model, name, label in ((ChatMessage, "chat_message", _l("live-room chat message")),
                               (Question, "question", _l("live-room question"))):
        safeguarding.register(app, model, name, ("body",), label=label,
                              space_id=lambda row: _room_workshop(row).space_id, url=_room_url,
                              language=lambda row: _room_workshop(row).lang or "fr", copies=_room_copies)


def init_app(app):
    _register_room(app)
    safeguarding.register(app, Workshop, "workshop", ("title", "description", "agenda", "notes", "minutes"),
                          label=_l("workshop"), space_id=lambda workshop: workshop.space_id, url=_workshop_url,
                          author_id=lambda workshop: workshop.created_by_id,
                          language=lambda workshop: workshop.lang or "fr", copies=_workshop_copies)
