"""The Whoosh index's journal: what committed changes have not yet written to the index.

Whoosh is written after the commit, outside the database; a process killed in between (a crash,
a deploy's SIGKILL) would leave the index without the change, and nothing would notice until
someone ran check-index. So each transaction that changes search documents also notes their
ids in `search_pending` (models.SearchPending), in the transaction itself; once the index holds
the change, the note is removed. Whatever notes remain are written by the next process to start
(`write_pending`, called by the app factory). The PostgreSQL backend writes its rows in the
transaction and needs none of this.
"""
import logging
import secrets

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.search import documents
from sociallab.search.models import SearchPending

log = logging.getLogger(__name__)

BATCH = 500


def note(connection, search_ids):
    """In the changing transaction: these documents are to be written to the index. Returns the
    token naming this transaction's notes (a later transaction noting the same id replaces it)."""
    token = secrets.token_hex(8)
    ids = sorted(set(search_ids))
    if not ids:
        return token
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    for start in range(0, len(ids), BATCH):
        statement = insert(SearchPending).values(
            [{"search_id": i, "token": token, "noted_at": now} for i in ids[start:start + BATCH]])
        # Two transactions changing one document: the one committing last names the note.
        connection.execute(statement.on_conflict_do_update(
            index_elements=[SearchPending.search_id],
            set_={"token": statement.excluded.token, "noted_at": statement.excluded.noted_at}))
    return token


def written(connection, token):
    """After the index holds a transaction's changes: its notes go (unless a later change of the
    same document has named it since), in a transaction of their own on `connection`."""
    connection.execute(delete(SearchPending).where(SearchPending.token == token))
    connection.commit()


def write_pending(app, search_engine):
    """Write to the index what committed changes left noted (a process killed between its commit
    and its index write); returns how many documents. Each is built from the database as it is now."""
    rows = db.session.execute(select(SearchPending.search_id, SearchPending.token)).all()
    if not rows:
        return 0
    kinds = {kind.name: kind for kind in documents.document_types(app)}
    built, removals = [], set()
    for search_id, _token in rows:
        name, _sep, key = search_id.partition(":")
        kind = kinds.get(name)
        obj = db.session.get(kind.model, int(key)) if kind is not None and key.isdigit() else None
        document = documents.document(obj) if obj is not None else None
        if document is None:
            removals.add(search_id)
        else:
            built.append(document)
    search_engine.apply(built, removals)
    for start in range(0, len(rows), BATCH):
        db.session.execute(delete(SearchPending).where(
            tuple_(SearchPending.search_id, SearchPending.token).in_(rows[start:start + BATCH])))
    db.session.commit()
    log.warning("search index: %d document(s) a stopped process had not written were written now", len(rows))
    return len(rows)


def write_pending_at_start(app, search_engine):
    """At a process's start: write what an earlier process left noted. A database not migrated
    yet (flask db upgrade itself starts the app) or unreachable for a moment is left for later."""
    with app.app_context():
        try:
            write_pending(app, search_engine)
        except SQLAlchemyError as error:
            db.session.rollback()
            log.info("search index journal not read at start: %s", type(error).__name__)
