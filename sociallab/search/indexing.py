"""The search interface: this app's engine, and index, remove and query.

Two engines answer the same interface (apply, rebuild, clear, search, stored_digests, is_readable,
close), chosen by SEARCH_BACKEND: "whoosh" (engine.SearchEngine, an index on this server's disk,
written after each commit) and "postgres" (postgres.PostgresSearchEngine, tables of the database
every server shares, written in the transaction of each change).
"""
from flask import current_app, has_app_context
from flask_babel import gettext as _

from sociallab.extensions import db
from sociallab.permissions import audience_tokens_for_user
from sociallab.search import documents
from sociallab.search.engine import QueryError, SearchEngine
from sociallab.search.postgres import PostgresSearchEngine
from sociallab.search.results import SearchResults

_ENGINE_KEY = "sociallab_search"
BACKENDS = ("whoosh", "postgres")


def check_backend(app):
    """Refuse at startup a SEARCH_BACKEND this application cannot run."""
    backend = app.config.get("SEARCH_BACKEND", "whoosh")
    if backend not in BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}.")
    if backend == "postgres" and not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise RuntimeError("SEARCH_BACKEND=postgres keeps search in the PostgreSQL database, but DATABASE_URL is "
                           "not a PostgreSQL database: set DATABASE_URL to a postgresql+psycopg:// address, or "
                           "SEARCH_BACKEND=whoosh (the default) to search with an index on this server's disk.")


def _database(app):
    if has_app_context() and current_app._get_current_object() is app:
        return db.engine
    with app.app_context():
        return db.engine


def get_engine(app=None):
    """The search engine of this application (one per process): SEARCH_BACKEND's."""
    app = app or current_app._get_current_object()
    engine = app.extensions.get(_ENGINE_KEY)
    if engine is None:
        if app.config.get("SEARCH_BACKEND", "whoosh") == "postgres":
            engine = PostgresSearchEngine(_database(app))
        else:
            engine = SearchEngine(app.config["SEARCH_INDEX_DIR"])
        engine = app.extensions.setdefault(_ENGINE_KEY, engine)
    return engine


def index(obj):
    """(Re)index one searchable object now; removes it when its document is None."""
    document = documents.document(obj)
    if document is None:
        remove(obj)
    else:
        get_engine().apply(documents=[document])


def remove(obj):
    """Take a searchable object (or a search id such as "resource:3") out of the index."""
    search_id = obj if isinstance(obj, str) else documents.search_id(obj)
    get_engine().apply(removals=[search_id])


def query(user, text, filters=None, page=1):
    """Search as `user`: only what they may read is found, counted, faceted or quoted.

    filters: {"space": [ids], "country": [iso2], "theme": [codes], "type": [...], "lang": [...],
    "year": [...], "from": date, "to": date}. Returns a SearchResults (hits, total, pages,
    facets, suggestion, error); a query that cannot be understood gives `error`, not an exception.
    """
    tokens = audience_tokens_for_user(user)
    try:
        return get_engine().search(tokens, text, filters or {}, page)
    except QueryError:
        return SearchResults(text=(text or "").strip(), error=_(
            "We could not understand this search. Use plain words, \"quotes\" for an exact phrase "
            "and a minus sign to leave a word out, for example: audition \"child-friendly\" -police."))
