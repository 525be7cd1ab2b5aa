"""What moderators do with what may identify a child: the queue of held items, approving one,
and redacting any item after the fact (its text, its history, its copies, the notifications and
audit entries that quote it), each audited without storing what was removed."""
from flask_babel import gettext as _

from sociallab import permissions
from sociallab.audit.models import AuditEntry
from sociallab.audit.services import record
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.notifications.models import Notification
from sociallab.notifications.services import release
from sociallab.safeguarding import detector
from sociallab.safeguarding.models import SensitiveItem
from sociallab.safeguarding.registry import content_type_named, content_type_of
from sociallab.safeguarding.screening import REDACT, deciding
from sociallab.search.hooks import reindex
from sociallab.spaces.models import Space

PASSAGES_MAX = 50


class ReviewError(ServiceError):
    """A moderation of a held or identifying item refused."""


def check_review(space_id, user):
    if space_id not in permissions.moderated_space_ids(user):
        raise ReviewError(_("Only the space's moderators can do this."), status=403)


def queue(user):
    """[(SensitiveItem, content type, item, space)] held in the spaces the person moderates, oldest first.

    The space is the item's own, read live (an initiative edited into another space takes its
    place in that space's queue); one query for the held items and one per content type."""
    spaces = permissions.moderated_space_ids(user)
    if not spaces:
        return []
    items = db.session.scalars(db.select(SensitiveItem).where(SensitiveItem.status == SensitiveItem.HELD)
                               .options(db.joinedload(SensitiveItem.author))
                               .order_by(SensitiveItem.created_at, SensitiveItem.id)).all()
    by_type = {}
    for item in items:
        by_type.setdefault(item.item_type, []).append(item.item_id)
    loaded = {}
    for name, ids in by_type.items():
        content_type = content_type_named(name)
        if content_type is None:
            continue
        for obj in db.session.scalars(db.select(content_type.model).where(content_type.model.id.in_(ids))):
            loaded[(name, obj.id)] = (content_type, obj)
    found = []
    for item in items:
        if (item.item_type, item.item_id) in loaded:
            content_type, obj = loaded[(item.item_type, item.item_id)]
            if content_type.space_id(obj) in spaces:
                found.append((item, content_type, obj))
    names = {space.id: space for space in db.session.scalars(
        db.select(Space).where(Space.id.in_({c.space_id(o) for _, c, o in found})))} if found else {}
    return [(item, content_type, obj, names.get(content_type.space_id(obj))) for item, content_type, obj in found]


def held_count(user):
    """How many held items wait for this person (the header's badge): one count query when nothing
    is held anywhere, the usual case; else the queue itself, which places items by their live space."""
    if not permissions.moderated_space_ids(user):
        return 0
    if not db.session.scalar(db.select(db.func.count(SensitiveItem.id)).where(
            SensitiveItem.status == SensitiveItem.HELD)):
        return 0
    return len(queue(user))


def space_of(sensitive_item):
    """The live space of a held item (None when the item is gone)."""
    content_type, obj = item_of(sensitive_item)
    return content_type.space_id(obj) if obj is not None else None


def item_of(sensitive_item):
    content_type = content_type_named(sensitive_item.item_type)
    obj = db.session.get(content_type.model, sensitive_item.item_id) if content_type is not None else None
    return content_type, obj


def _decided(sensitive_item, status, moderator):
    sensitive_item.status = status
    sensitive_item.decided_by_id = moderator.id
    sensitive_item.decided_at = utcnow()
    release(sensitive_item)


def check_still_held(sensitive_item):
    if sensitive_item.status != SensitiveItem.HELD:
        raise ReviewError(_("A moderator has already decided on this item."), status=409)


def approve(sensitive_item, moderator):
    """The item may stay as it is: it is shown to the space, and its notifications go out."""
    check_review(space_of(sensitive_item), moderator)
    check_still_held(sensitive_item)
    content_type, obj = item_of(sensitive_item)
    if obj is not None:
        obj.sensitive = False
        _reindex_related(content_type, obj)
    _decided(sensitive_item, SensitiveItem.APPROVED, moderator)
    record(moderator, "safeguarding.approved", obj if obj is not None else sensitive_item,
           after={"item": sensitive_item.item_type}, space_id=space_of(sensitive_item))
    db.session.commit()


def _passages(text, findings, extra):
    """The findings of `text`, plus every occurrence of the passages a moderator typed."""
    spans = list(findings)
    for passage in extra:
        start = text.find(passage)
        while start != -1 and len(spans) < 500:
            spans.append(detector.Finding(start, start + len(passage), "moderator"))
            start = text.find(passage, start + len(passage))
    return spans


def _replace_all(value, excerpts, mark):
    """`value` (a string, or JSON made of lists and dicts) with each excerpt replaced."""
    if isinstance(value, str):
        for excerpt in excerpts:
            value = value.replace(excerpt, mark)
        return value
    if isinstance(value, list):
        return [_replace_all(v, excerpts, mark) for v in value]
    if isinstance(value, dict):
        return {k: _replace_all(v, excerpts, mark) for k, v in value.items()}
    return value


def parse_passages(text):
    """The passages a moderator typed, one per line (short ones would remove ordinary words)."""
    lines = [line.strip() for line in (text or "").splitlines()]
    return [line for line in lines if len(line) >= 3][:PASSAGES_MAX]


def redact(obj, moderator, passages=()):
    """A moderator of its space removes from `obj` what the detector finds and the `passages` they
    name (remove_passages), committed. Returns how many passages were removed."""
    check_review(content_type_of(obj).space_id(obj), moderator)
    count = remove_passages(obj, moderator, passages)
    db.session.commit()
    return count


def remove_passages(obj, actor, passages=(), audited_with=()):
    """Remove from `obj` what the detector finds and the `passages` named, and from its edit
    history, its copies (minutes, room events), the notifications of its space and the audit
    entries quoting it (and those of `audited_with`); a held item is no longer held. Audited with
    the number of passages and their kinds, never their text. The caller checks who may, and
    commits. Returns how many passages were removed."""
    content_type = content_type_of(obj)
    space_id = content_type.space_id(obj)
    language = content_type.language(obj)
    mark = detector.placeholder(language)
    excerpts, kinds = set(), set()
    changes = {}
    for field in content_type.fields:
        text = getattr(obj, field) or ""
        spans = _passages(text, detector.check(text), passages)
        if spans:
            excerpts.update(text[s.start:s.end] for s in spans)
            kinds.update(s.kind for s in spans)
            changes[field] = detector.redact(text, spans, language)
    if not changes:
        raise ReviewError(_("Nothing to remove was found: name the passages to remove, one per line."))
    ordered = sorted(excerpts, key=len, reverse=True)
    with deciding(REDACT):
        for field, text in changes.items():
            setattr(obj, field, text)
        if content_type.rerender is not None:
            content_type.rerender(obj)
        for rows in (content_type.history, content_type.copies):
            for row, field in (rows(obj) if rows is not None else ()):
                setattr(row, field, _replace_all(getattr(row, field) or "", ordered, mark))
        _reindex_related(content_type, obj)
        _clean_notifications(space_id, ordered, mark)
        for target in (obj, *audited_with):
            _clean_audit(target, ordered, mark)
        held = db.session.scalar(db.select(SensitiveItem).where(
            SensitiveItem.item_type == content_type.name, SensitiveItem.item_id == obj.id))
        if getattr(obj, "sensitive", False):
            obj.sensitive = False
        if held is not None and held.status == SensitiveItem.HELD:
            _decided(held, SensitiveItem.REDACTED, actor)
        record(actor, "safeguarding.redacted", obj,
               after={"passages": len(excerpts), "kinds": sorted(kinds)}, space_id=space_id)
        db.session.flush()
    return len(excerpts)


def _reindex_related(content_type, obj):
    if content_type.related is not None:
        reindex(list(content_type.related(obj)))


def _clean_notifications(space_id, excerpts, mark):
    for notification in db.session.scalars(db.select(Notification).where(Notification.space_id == space_id)):
        cleaned = _replace_all(notification.data or {}, excerpts, mark)
        if cleaned != notification.data:
            notification.data = cleaned


def _clean_audit(obj, excerpts, mark):
    for entry in db.session.scalars(db.select(AuditEntry).where(
            AuditEntry.target_type == type(obj).__name__, AuditEntry.target_id == obj.id)):
        before, after = _replace_all(entry.before, excerpts, mark), _replace_all(entry.after, excerpts, mark)
        if before != entry.before:
            entry.before = before
        if after != entry.after:
            entry.after = after
