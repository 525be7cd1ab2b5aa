"""Record audited changes; the service making a change commits its entry with it, so both land or neither."""
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


def add_and_record(actor, obj, action, fields, space_id=None):
    """Add a new obj to the session (flushed, so it has its id) and record its `fields` as created.
    Returns obj."""
    db.session.add(obj)
    db.session.flush()
    record(actor, action, obj, after=snapshot(obj, fields), space_id=space_id)
    return obj


def apply_and_record(actor, obj, action, fields, values, space_id=None):
    """Set `values` (those named in `fields`) on obj and record the fields that changed, before
    and after; nothing is recorded when nothing changed. Returns obj."""
    before = snapshot(obj, fields)
    for name in fields:
        if name in values:
            setattr(obj, name, values[name])
    db.session.flush()
    after = snapshot(obj, fields)
    changed = [f for f in fields if before[f] != after[f]]
    if changed:
        record(actor, action, obj, before={f: before[f] for f in changed},
               after={f: after[f] for f in changed}, space_id=space_id)
    return obj
