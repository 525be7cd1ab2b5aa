"""Session hooks that keep the index in step with the database, for every SearchableMixin model.

Changed searchable objects are noted at each flush; their documents are built just before the
commit (while SQL may still run and lazy relationships load) and written to the index once the
commit has succeeded, so a rolled-back change never reaches the index. A model that is not
searchable but shapes a searchable one's document (an attachment of a resource, a thread whose
posts inherit its space) names those objects in `search_dependents()`.
"""
import logging

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event, inspect

from sociallab.search.mixin import SearchableMixin

log = logging.getLogger(__name__)

PENDING = "search_pending"   # {object: None}: searchable objects changed in this transaction
REMOVED = "search_removed"   # search ids deleted in this transaction
SOURCES = "search_sources"   # {object: None}: changed objects whose search_dependents() count
READY = "search_ready"       # (documents, removals) built before commit, written after


def _note(session, obj):
    """Remember a changed object: searchable ones are re-indexed, and any object's
    search_dependents() are asked for just before the commit, where loading is safe."""
    if isinstance(obj, SearchableMixin):
        # Keyed by the object itself: new objects get their identity key only after this event.
        session.info.setdefault(PENDING, {})[obj] = None
    if hasattr(obj, "search_dependents"):
        session.info.setdefault(SOURCES, {})[obj] = None


def reindex(objects, session=None):
    """Re-index these objects with the current transaction although their rows did not change:
    their documents derive from one that did (the posts of a discussion that moved space take
    the thread's audience). Written after the commit, forgotten on rollback, like any change."""
    if session is None:
        from sociallab.extensions import db
        session = db.session()
    pending = session.info.setdefault(PENDING, {})
    for obj in objects:
        if isinstance(obj, SearchableMixin):
            pending[obj] = None


def _dependents(obj):
    try:
        return [d for d in (obj.search_dependents() or ()) if d is not None and d is not obj]
    except Exception:  # an unloadable relation of a deleted row: nothing to follow
        log.debug("search_dependents failed for %r", obj, exc_info=True)
        return []


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    for obj in list(session.new) + list(session.dirty):
        _note(session, obj)
    for obj in list(session.deleted):
        if isinstance(obj, SearchableMixin) and inspect(obj).identity is not None:
            session.info.setdefault(PENDING, {}).pop(obj, None)
            session.info.setdefault(REMOVED, set()).add(obj.search_id())
        session.info.get(SOURCES, {}).pop(obj, None)
        # A deleted row's dependents are asked for now, while its loaded relations still hold.
        for dependent in _dependents(obj) if hasattr(obj, "search_dependents") else ():
            if isinstance(dependent, SearchableMixin) and not inspect(dependent).deleted:
                session.info.setdefault(PENDING, {})[dependent] = None


@event.listens_for(Session, "before_commit")
def _before_commit(session):
    # Flush now (commit would anyway) so that changes not yet flushed are noted too.
    session.flush()
    for source in list(session.info.pop(SOURCES, {})):
        state = inspect(source)
        if not (state.deleted or state.was_deleted or state.detached or state.transient):
            for dependent in _dependents(source):
                if isinstance(dependent, SearchableMixin):
                    session.info.setdefault(PENDING, {})[dependent] = None
    if not session.info.get(PENDING) and not session.info.get(REMOVED):
        return
    pending = session.info.pop(PENDING, {})
    removals = set(session.info.pop(REMOVED, set()))
    documents = []
    for obj in pending:
        state = inspect(obj)
        if state.deleted or state.was_deleted or state.detached or state.transient:
            if state.identity is not None:
                removals.add(obj.search_id())
            continue
        document = obj.search_document()
        if document is None:
            removals.add(obj.search_id())
        else:
            removals.discard(document["id"])
            documents.append(document)
    session.info[READY] = (documents, removals)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    ready = session.info.pop(READY, None)
    if not ready or not has_app_context():
        return
    documents, removals = ready
    from sociallab.search import get_engine
    try:
        get_engine(current_app).apply(documents, removals)
    except Exception:
        # The database change stands; `flask sociallab check-index` reports the gap and
        # `reindex` closes it.
        log.exception("search index update failed for %d documents", len(documents) + len(removals))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        for key in (PENDING, REMOVED, SOURCES, READY):
            session.info.pop(key, None)
