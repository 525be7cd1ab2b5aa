"""Record audited changes; callers commit with the change itself so both land or neither."""
from datetime import date, datetime

from sociallab.audit.models import AuditEntry
from sociallab.extensions import db


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def snapshot(obj, fields):
    """The audited fields of obj as a JSON-ready dict."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def record(actor, action, target, before=None, after=None, space_id=None):
    """Add an audit entry for `action` by `actor` on `target` to the current transaction."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__,
        target_id=getattr(target, "id", None),
        space_id=space_id,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
