"""Session hooks that keep the index in step with the database, for every model an app registers.

Changed searchable objects are noted at each flush; their documents are built just before the
commit (while SQL may still run and lazy relationships load). The Whoosh index is written once the
commit has succeeded, so a rolled-back change never reaches it; the PostgreSQL backend's rows are
written right there, before the commit, with the session's connection: they commit or roll back
with the change itself, so the search tables never drift from the data. A model that is not
searchable but shapes a searchable one's document (an attachment of a resource, a thread whose
posts inherit its space) names those objects through `register_dependents` (documents.py).

The hooks are attached by the search package's init_app, once per process: the session class
is shared by every app, and each hook reads the registry of the app it runs in.
"""
import logging

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event, inspect

from sociallab.extensions import db
from sociallab.search import documents
from sociallab.search import pending as journal
from sociallab.search.indexing import get_engine

log = logging.getLogger(__name__)

PENDING = "search_pending"   # {object: None}: searchable objects changed in this transaction
REMOVED = "search_removed"   # search ids deleted in this transaction
SOURCES = "search_sources"   # {object: None}: changed objects whose dependents count
READY = "search_ready"       # (documents, removals) built before commit, written after


def _note(session, obj):
    """Remember a changed object: searchable ones are re-indexed, and any object's
    dependents are asked for just before the commit, where loading is safe."""
    if documents.type_of(obj) is not None:
        # Keyed by the object itself: new objects get their identity key only after this event.
        session.info.setdefault(PENDING, {})[obj] = None
    if documents.dependents_function(obj) is not None:
        session.info.setdefault(SOURCES, {})[obj] = None


def reindex(objects, session=None):
    """Re-index these objects with the current transaction although their rows did not change:
    their documents derive from one that did (the posts of a discussion that moved space take
    the thread's audience). Written after the commit, forgotten on rollback, like any change."""
    if session is None:
        session = db.session()
    pending = session.info.setdefault(PENDING, {})
    for obj in objects:
        if documents.type_of(obj) is not None:
            pending[obj] = None


def _dependents(obj):
    dependents = documents.dependents_function(obj)
    if dependents is None:
        return []
    try:
        return [d for d in (dependents(obj) or ()) if d is not None and d is not obj]
    except Exception:  # an unloadable relation of a deleted row: nothing to follow
        log.debug("search dependents failed for %r", obj, exc_info=True)
        return []


def _after_flush(session, flush_context):
    for obj in list(session.new) + list(session.dirty):
        _note(session, obj)
    for obj in list(session.deleted):
        if documents.type_of(obj) is not None and inspect(obj).identity is not None:
            session.info.setdefault(PENDING, {}).pop(obj, None)
            session.info.setdefault(REMOVED, set()).add(documents.search_id(obj))
        session.info.get(SOURCES, {}).pop(obj, None)
        # A deleted row's dependents are asked for now, while its loaded relations still hold.
        for dependent in _dependents(obj):
            if documents.type_of(dependent) is not None and not inspect(dependent).deleted:
                session.info.setdefault(PENDING, {})[dependent] = None


def _before_commit(session):
    # Flush now (commit would anyway) so that changes not yet flushed are noted too.
    session.flush()
    for source in list(session.info.pop(SOURCES, {})):
        state = inspect(source)
        if not (state.deleted or state.was_deleted or state.detached or state.transient):
            for dependent in _dependents(source):
                if documents.type_of(dependent) is not None:
                    session.info.setdefault(PENDING, {})[dependent] = None
    if not session.info.get(PENDING) and not session.info.get(REMOVED):
        return
    pending = session.info.pop(PENDING, {})
    removals = set(session.info.pop(REMOVED, set()))
    built = []
    for obj in pending:
        state = inspect(obj)
        if state.deleted or state.was_deleted or state.detached or state.transient:
            if state.identity is not None:
                removals.add(documents.search_id(obj))
            continue
        document = documents.document(obj)
        if document is None:
            removals.add(documents.search_id(obj))
        else:
            removals.discard(document["id"])
            built.append(document)
    engine = get_engine(current_app)
    if getattr(engine, "writes_in_transaction", False):
        # In the database: written now, with the change, and gone with it if the commit fails.
        engine.apply(built, removals, connection=session.connection())
    else:
        # Whoosh is written after the commit; the ids are noted in this transaction meanwhile, so
        # a process stopped in between leaves a note the next one acts on (pending.py).
        connection = session.connection()
        token = journal.note(connection, [d["id"] for d in built] + list(removals))
        session.info[READY] = (built, removals, token, connection)


def _after_commit(session):
    ready = session.info.pop(READY, None)
    if not ready or not has_app_context():
        return
    built, removals, token, connection = ready
    try:
        get_engine(current_app).apply(built, removals)
    except Exception:
        # The database change stands, and so does its note: the next process to start writes it
        # (`flask sociallab check-index` reports the gap meanwhile, `reindex` closes it).
        log.exception("search index update failed for %d documents", len(built) + len(removals))
        return
    try:
        # On the connection the session still holds until it closes: another one from the pool
        # could wait for ever when every connection is held by a session at this point.
        journal.written(connection, token)
    except Exception:  # the index holds the change; a note left behind is only written twice
        log.warning("search index journal not cleared", exc_info=True)


def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        for key in (PENDING, REMOVED, SOURCES, READY):
            session.info.pop(key, None)


LISTENERS = (("after_flush", _after_flush), ("before_commit", _before_commit),
             ("after_commit", _after_commit), ("after_soft_rollback", _after_rollback))


def attach():
    """Listen to every Flask-SQLAlchemy session (once: later apps share the same listeners)."""
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
