"""Search over everything people write, behind one small interface: index, remove, query.

Each searchable domain registers its models from its init_app through a `search.py` adapter
(register_documents, register_dependents: see documents.py); the session hooks in hooks.py
re-index them with each commit, so callers rarely need index() or remove() themselves. No view
imports Whoosh or knows which engine answers (SEARCH_BACKEND: indexing.get_engine).
"""
from sociallab.search.documents import register_dependents, register_documents
from sociallab.search.indexing import get_engine, index, query, remove

__all__ = ["get_engine", "index", "init_app", "query", "register_dependents", "register_documents", "remove",
           "write_pending_at_start"]


def write_pending_at_start(app):
    """At a process's start, write to the Whoosh index what a stopped process left unwritten."""
    if app.config.get("SEARCH_BACKEND", "whoosh") == "whoosh":
        from sociallab.search import pending
        pending.write_pending_at_start(app, get_engine(app))


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab.commands import add_commands
    from sociallab.search import commands, hooks, models, views  # noqa: F401 — models: the backend's tables
    from sociallab.search.indexing import check_backend

    check_backend(app)
    app.register_blueprint(views.bp)
    hooks.attach()
    add_commands(app, commands.reindex_command, commands.check_index_command)
