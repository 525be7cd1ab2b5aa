"""The initiatives' part of a person's data: initiatives, journal entries, curation acts (sociallab.privacy)."""
from sociallab.extensions import db
from sociallab.initiatives.models import (
    Indicator,
    Initiative,
    JournalEntry,
    ReviewEvent,
    StageChange,
    initiative_author,
)
from sociallab.privacy.registry import register
from sociallab.search.hooks import reindex

TEXT_FIELDS = ("title", "summary", "problem", "approach", "target_groups")


def _authored(user):
    return db.select(Initiative).where(db.or_(
        Initiative.created_by_id == user.id,
        Initiative.id.in_(db.select(initiative_author.c.initiative_id).where(initiative_author.c.user_id == user.id))))


def export(user, archive):
    initiatives = db.session.scalars(_authored(user).order_by(Initiative.id))
    archive.add_json("initiatives.json", [
        {"id": i.id, **{f: getattr(i, f) for f in TEXT_FIELDS}, "lang": i.lang, "space": i.space.slug,
         "status": i.status, "stage": i.stage, "start_date": i.start_date, "end_date": i.end_date,
         "created_by_you": i.created_by_id == user.id, "created_at": i.created_at, "url": i.path}
        for i in initiatives])
    entries = db.session.scalars(db.select(JournalEntry).where(JournalEntry.author_id == user.id)
                                 .order_by(JournalEntry.id))
    archive.add_json("journal.json", [
        {"id": e.id, "initiative_id": e.initiative_id, "entry_date": e.entry_date, "tried": e.tried,
         "observed": e.observed, "adjusted": e.adjusted, "lang": e.lang, "created_at": e.created_at}
        for e in entries])
    acts = [{"kind": "stage", "initiative_id": c.initiative_id, "from": c.from_stage, "to": c.to_stage,
             "comment": c.comment, "created_at": c.created_at}
            for c in db.session.scalars(db.select(StageChange).where(StageChange.actor_id == user.id)
                                        .order_by(StageChange.id))]
    acts += [{"kind": "curation", "initiative_id": r.initiative_id, "action": r.action, "comment": r.comment,
              "created_at": r.created_at}
             for r in db.session.scalars(db.select(ReviewEvent).where(ReviewEvent.actor_id == user.id)
                                         .order_by(ReviewEvent.id))]
    archive.add_json("curation.json", acts)


def erase(erasure):
    user = erasure.user
    # Initiatives belong to their partners: they stay, written by "Former member".
    db.session.execute(db.delete(initiative_author).where(initiative_author.c.user_id == user.id))
    for initiative in db.session.scalars(db.select(Initiative).where(
            erasure.mentions_text(*(getattr(Initiative, f) for f in TEXT_FIELDS)))):
        for field in TEXT_FIELDS:
            setattr(initiative, field, erasure.text(getattr(initiative, field), initiative.lang))
    for entry in db.session.scalars(db.select(JournalEntry).where(
            erasure.mentions_text(JournalEntry.tried, JournalEntry.observed, JournalEntry.adjusted))):
        for field in ("tried", "observed", "adjusted"):
            setattr(entry, field, erasure.text(getattr(entry, field), entry.lang))
    for model in (StageChange, ReviewEvent):
        for row in db.session.scalars(db.select(model).where(erasure.mentions_text(model.comment))):
            row.comment = erasure.text(row.comment)
    for indicator in db.session.scalars(db.select(Indicator).where(
            erasure.mentions_text(Indicator.name, Indicator.description))):
        indicator.name = erasure.text(indicator.name)
        indicator.description = erasure.text(indicator.description)
    reindex(db.session.scalars(db.select(Initiative).where(Initiative.created_by_id == user.id)))
    reindex(db.session.scalars(db.select(JournalEntry).where(JournalEntry.author_id == user.id)))


def init_app(app):
    register(app, "initiatives", export=export, erase=erase)
