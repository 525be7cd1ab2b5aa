"""The workshops' part of a person's data: registrations, chat, questions, notes, presence (sociallab.privacy)."""
from sociallab.extensions import db
from sociallab.privacy.registry import register
from sociallab.workshops.models import (
    Attendance,
    ChatMessage,
    Presence,
    Question,
    RaisedHand,
    Registration,
    RoomEvent,
    RoomRemoval,
    Workshop,
    workshop_facilitator,
)

TEXT_FIELDS = ("title", "description", "agenda", "notes", "minutes")


def _workshop(workshop):
    return {"id": workshop.id, "title": workshop.title, "space": workshop.space.slug,
            "starts_at": workshop.starts_at, "ends_at": workshop.ends_at}


def export(user, archive):
    registrations = db.session.scalars(db.select(Registration).where(Registration.user_id == user.id)
                                       .order_by(Registration.id))
    archive.add_json("registrations.json", [{"workshop": _workshop(r.workshop), "registered_at": r.created_at}
                                            for r in registrations])
    facilitated = db.select(workshop_facilitator.c.workshop_id).where(workshop_facilitator.c.user_id == user.id)
    run = db.session.scalars(db.select(Workshop).where(
        db.or_(Workshop.created_by_id == user.id, Workshop.id.in_(facilitated))).order_by(Workshop.id))
    archive.add_json("facilitated.json", [
        {**_workshop(w), "description": w.description, "agenda": w.agenda, "created_by_you": w.created_by_id == user.id}
        for w in run])
    messages = db.session.scalars(db.select(ChatMessage).where(ChatMessage.author_id == user.id)
                                  .order_by(ChatMessage.id))
    archive.add_json("chat.json", [{"workshop_id": m.workshop_id, "body": m.body, "created_at": m.created_at,
                                    "removed": m.removed_at is not None} for m in messages])
    questions = db.session.scalars(db.select(Question).where(Question.author_id == user.id).order_by(Question.id))
    archive.add_json("questions.json", [{"workshop_id": q.workshop_id, "body": q.body, "votes": q.votes,
                                         "answered": q.answered, "created_at": q.created_at} for q in questions])
    notes = db.session.scalars(db.select(RoomEvent).where(RoomEvent.actor_id == user.id,
                                                          RoomEvent.kind == "notes.updated").order_by(RoomEvent.id))
    archive.add_json("notes.json", [{"workshop_id": e.workshop_id, "notes": e.data.get("notes", ""),
                                     "saved_at": e.created_at} for e in notes])


def erase(erasure):
    user = erasure.user
    for model in (Registration, Presence, Attendance, RaisedHand, RoomRemoval):
        db.session.execute(db.delete(model).where(model.user_id == user.id))
    db.session.execute(db.delete(workshop_facilitator).where(workshop_facilitator.c.user_id == user.id))
    # Chat messages and questions stay in the room's record under "Former member"; the events a
    # reconnecting browser replays name people, and the minutes quote the chat with names.
    for event in db.session.scalars(db.select(RoomEvent).where(erasure.mentions_json(RoomEvent.data))):
        event.data = erasure.value(event.data, event_language(event))
    for workshop in db.session.scalars(db.select(Workshop).where(
            erasure.mentions_text(*(getattr(Workshop, f) for f in TEXT_FIELDS)))):
        for field in TEXT_FIELDS:
            setattr(workshop, field, erasure.text(getattr(workshop, field), workshop.lang))
    for model in (ChatMessage, Question):
        for row in db.session.scalars(db.select(model).where(erasure.mentions_text(model.body))):
            row.body = erasure.text(row.body)


def event_language(event):
    workshop = db.session.get(Workshop, event.workshop_id)
    return workshop.lang if workshop is not None else None


def init_app(app):
    register(app, "workshops", export=export, erase=erase)
