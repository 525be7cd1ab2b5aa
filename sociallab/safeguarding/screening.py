"""Every registered text is checked when the session flushes, whichever service changes it.

What happens to a text with passages that may identify a child depends on the author's decision
for the current request (the warning's buttons post `safeguarding=redact|publish`) or the
current socket event or command (`deciding(...)`):

- no decision: the change is refused with `IdentifyingDetails`, which carries the passages; the
  form comes back with them highlighted and the text kept, and the session is rolled back;
- "redact": each passage is replaced with the placeholder of the text's language;
- "publish" with a justification: the item is held as sensitive (only its author and the
  space's moderators see it), joins the moderators' review queue, and the notifications made in
  the same change wait for the moderators' decision.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import g, has_app_context, has_request_context, request
from flask_babel import gettext as _
from flask_sqlalchemy.session import Session
from sqlalchemy import event, inspect

from sociallab import permissions
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.notifications.services import notify, withhold_with
from sociallab.safeguarding import detector
from sociallab.safeguarding.models import SensitiveItem
from sociallab.safeguarding.registry import content_types

REDACT, PUBLISH = "redact", "publish"
JUSTIFICATION_MAX = 2000
_HELD = "safeguarding_held"   # session.info: [(obj, SensitiveItem)] held in this transaction

_decision = ContextVar("safeguarding_decision", default=None)


@dataclass(frozen=True)
class Decision:
    choice: str
    justification: str = ""


@dataclass
class Screened:
    """One field of one item with passages found in it."""
    content_type: Any
    obj: Any
    field: str
    text: str
    findings: list

    @property
    def language(self):
        return self.content_type.language(self.obj)

    def as_ack(self):
        return {"field": self.field, "text": self.text,
                "passages": [{**f.as_dict(), "reason": str(f.reason)} for f in self.findings]}


class IdentifyingDetails(ServiceError):
    """Passages that may identify a child, found in what is being published."""

    status = 422

    def __init__(self, screened, message=None):
        self.screened = screened
        self.can_hold = all(s.content_type.holdable for s in screened)
        self.can_redact = all(s.content_type.redactable for s in screened)
        self.specific = message is not None  # more than "check that nothing identifies a child"
        super().__init__(message or _("Check that nothing identifies a child before publishing."),
                         safeguarding=[s.as_ack() for s in screened], can_hold=self.can_hold,
                         can_redact=self.can_redact)


def current_decision():
    decision = _decision.get()
    if decision is None and has_request_context():
        decision = g.get("safeguarding_decision")
    return decision


@contextmanager
def deciding(choice, justification=""):
    """Apply the author's decision to what is published inside the block (socket events, commands)."""
    token = _decision.set(Decision(choice, (justification or "").strip()[:JUSTIFICATION_MAX]))
    try:
        yield
    finally:
        _decision.reset(token)


def decide_from_request():
    """The warning's buttons: `safeguarding=redact` or `safeguarding=publish` with a justification."""
    if request.method != "POST":
        return
    choice = request.form.get("safeguarding")
    if choice in (REDACT, PUBLISH):
        justification = (request.form.get("safeguarding_justification") or "").strip()[:JUSTIFICATION_MAX]
        g.safeguarding_decision = Decision(choice, justification)


def _changed_fields(session, obj, content_type):
    new = obj in session.new
    for field in content_type.fields:
        if new or inspect(obj).attrs[field].history.has_changes():
            yield field


def screen(session, objects):
    """The registered fields of `objects` that changed and hold passages to look at."""
    types = content_types()
    found = []
    for obj in objects:
        content_type = types.get(type(obj))
        if content_type is None:
            continue
        for field in _changed_fields(session, obj, content_type):
            text = getattr(obj, field) or ""
            findings = detector.check(text) if isinstance(text, str) and text else []
            if findings:
                found.append(Screened(content_type, obj, field, text, findings))
    return found


def _refuse(screened, message=None):
    error = IdentifyingDetails(screened, message)
    if has_request_context():
        g.safeguarding_error = error
    raise error


def _hold(session, screened, justification):
    by_item = {}
    for each in screened:
        by_item.setdefault(id(each.obj), []).append(each)
    held = session.info.setdefault(_HELD, [])
    for group in by_item.values():
        obj, content_type = group[0].obj, group[0].content_type
        obj.sensitive = True
        item = None
        if obj not in session.new:
            item = db.session.scalar(db.select(SensitiveItem).where(
                SensitiveItem.item_type == content_type.name, SensitiveItem.item_id == obj.id))
        if item is None:
            item = SensitiveItem(item_type=content_type.name, item_id=getattr(obj, "id", None))
            session.add(item)
        item.status = SensitiveItem.HELD
        item.justification = justification
        item.findings = {s.field: [f.as_dict() for f in s.findings] for s in group}
        item.author_id = content_type.author_id(obj)
        item.decided_by_id = item.decided_at = None
        held.append((obj, item))
        _tell_moderators(item, obj, content_type)
        # Whatever this change notifies (a reply, a mention) waits for the moderators' decision.
        withhold_with(session, item)


def _tell_moderators(item, obj, content_type):
    space = permissions.space_of_id(content_type.space_id(obj))
    if space is None:
        return
    author_id = content_type.author_id(obj)
    for moderator in permissions.moderators_to_tell(space):
        if moderator.id != author_id:
            notify(moderator, "safeguarding.held", url="/moderation/sensitive", space=space,
                   what=str(content_type.label))


def _before_flush(session, flush_context, instances):
    if not has_app_context() or not content_types():
        return
    screened = screen(session, list(session.new) + list(session.dirty))
    if not screened:
        return
    decision = current_decision()
    if decision is None or decision.choice not in (REDACT, PUBLISH):
        _refuse(screened)
    if decision.choice == REDACT:
        if not all(each.content_type.redactable for each in screened):
            _refuse(screened, _("These passages cannot be removed here (they are in a file): remove them from "
                                "the document, then send it again."))
        for each in screened:
            setattr(each.obj, each.field, detector.redact(each.text, each.findings, each.language))
            if each.content_type.rerender is not None:
                each.content_type.rerender(each.obj)
        return
    if not all(each.content_type.holdable for each in screened):
        _refuse(screened, _("This cannot wait for a moderator: remove the passages or change the text."))
    if not decision.justification:
        _refuse(screened, _("Say why it must be published as it is: a moderator will read your reason."))
    _hold(session, screened, decision.justification)


def _after_flush(session, flush_context):
    for obj, item in session.info.get(_HELD, []):
        if item.item_id is None and getattr(obj, "id", None) is not None:
            item.item_id = obj.id


def _forget(session, *args):
    session.info.pop(_HELD, None)


LISTENERS = (("before_flush", _before_flush), ("after_flush_postexec", _after_flush),
             ("after_commit", _forget), ("after_soft_rollback", _forget))


def attach():
    """Listen to every Flask-SQLAlchemy session (once: later apps share the same listeners)."""
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
