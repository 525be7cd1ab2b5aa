"""Which models search indexes, how each becomes a document, and what re-indexes with it, per app.

A domain's `search.py` adapter registers its models from the domain's `init_app`:

    search.register_documents(app, Thread, "thread", thread_document, load_options=...)
    search.register_dependents(app, Attachment, lambda attachment: [attachment.resource])

A document builder returns None when the item must not be in the index at all, else a dict:

    id          "<name>:<pk>" (search_id(obj))
    type        the kind shown and faceted ("thread" (a thread's posts too), "initiative", "journal",
                "resource", "minutes")
    group       optional str: documents with the same group are one result (default: the page
                of url, without its #anchor)
    title       str
    body        str (plain text or Markdown source)
    lang        "fr" | "en" | "es"
    space_id    int
    countries   list of ISO2 codes
    themes      list of theme codes
    created_at  datetime (naive UTC)
    url         path of the page that shows the item
    audience    permissions.audience_tokens_for_item(...): who may find it

Documents are built just before the commit, after a flush, so a builder may load relationships.
A dependents function names the searchable objects whose document an object shapes (a resource
for its attachment, the journal for its initiative); they are re-indexed with it.
`load_options` (a function returning loader options) lets `flask sociallab reindex` and
`check-index` rebuild without a query per row.
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context

from sociallab import permissions
from sociallab.safeguarding.registry import content_type_of

_DOCUMENTS_KEY = "sociallab_search_documents"
_DEPENDENTS_KEY = "sociallab_search_dependents"


@dataclass(frozen=True)
class DocumentType:
    model: type
    name: str
    build: Callable[[Any], dict | None]
    load_options: Callable[[], tuple] | None = None


def register_documents(app, model, name, build, load_options=None):
    """Make `model` searchable in `app`: `build(obj)` gives its document (or None)."""
    app.extensions.setdefault(_DOCUMENTS_KEY, {})[model] = DocumentType(model, name, build, load_options)


def register_dependents(app, model, dependents):
    """`dependents(obj)` lists the searchable objects to re-index when an object of `model` changes."""
    app.extensions.setdefault(_DEPENDENTS_KEY, {})[model] = dependents


def document_types(app=None):
    """The searchable models of `app` (the current one by default), sorted by model name."""
    app = app or current_app
    return sorted(app.extensions.get(_DOCUMENTS_KEY, {}).values(), key=lambda t: t.model.__name__)


def type_of(obj, app=None):
    """The DocumentType of a searchable object, None for anything else (or outside an app)."""
    if app is None:
        if not has_app_context():
            return None
        app = current_app
    return app.extensions.get(_DOCUMENTS_KEY, {}).get(type(obj))


def dependents_function(obj, app=None):
    """The function naming `obj`'s dependents, None when its model has none."""
    if app is None:
        if not has_app_context():
            return None
        app = current_app
    return app.extensions.get(_DEPENDENTS_KEY, {}).get(type(obj))


def search_id(obj):
    """The id of a searchable object in the index, such as "resource:3"."""
    return f"{type_of(obj).name}:{obj.id}"


def document(obj):
    """The document of a searchable object, None when it must not be in the index. An item held
    as sensitive is found only by its author and the moderators of its space, whoever built it."""
    built = type_of(obj).build(obj)
    if built is not None and getattr(obj, "is_held", False):
        held = content_type_of(obj)
        built["audience"] = held.held_audience(obj) if held is not None and held.held_audience is not None \
            else permissions.held_audience(built["space_id"], getattr(obj, "author_id", None))
    return built
