"""The search interface: this app's engine, and index, remove and query."""
from flask import current_app
from flask_babel import gettext as _

from sociallab.permissions import audience_tokens_for_user
from sociallab.search import documents
from sociallab.search.engine import QueryError, SearchEngine
from sociallab.search.results import SearchResults

_ENGINE_KEY = "sociallab_search"


def get_engine(app=None):
    """The search engine of this application (one per index directory and process)."""
    app = app or current_app
    engine = app.extensions.get(_ENGINE_KEY)
    if engine is None:
        engine = app.extensions.setdefault(_ENGINE_KEY, SearchEngine(app.config["SEARCH_INDEX_DIR"]))
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
