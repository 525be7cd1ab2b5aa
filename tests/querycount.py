"""Count the SQL statements a block of code issues (to prove pages have no N+1 queries)."""
from contextlib import contextmanager

from sqlalchemy import event

from sociallab.extensions import db


@contextmanager
def count_queries():
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
