"""The audit log's part of a person's data: the entries of what they changed or what was changed on
their account, and their name, address and handle taken out of every entry's values."""
from sociallab.accounts.models import User
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db


def export(user, archive):
    entries = db.session.scalars(db.select(AuditEntry).where(db.or_(
        AuditEntry.actor_id == user.id,
        db.and_(AuditEntry.target_type == User.__name__, AuditEntry.target_id == user.id)))
        .order_by(AuditEntry.id))
    archive.add_json("entries.json", [
        {"created_at": e.created_at, "by_you": e.actor_id == user.id, "action": e.action,
         "target_type": e.target_type, "target_id": e.target_id, "before": e.before, "after": e.after}
        for e in entries])


def erase(erasure):
    # The entries stay (who changed what, when); only the erased person's details go.
    for entry in db.session.scalars(db.select(AuditEntry).where(
            erasure.mentions_json(AuditEntry.before, AuditEntry.after))):
        entry.before = erasure.value(entry.before)
        entry.after = erasure.value(entry.after)
