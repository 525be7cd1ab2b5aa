"""Which content each domain lets safeguarding check, registered once from the domain's init_app:

    safeguarding.register(app, Post, "post", ("body",), label=_l("Forum post"),
                          space_id=lambda post: post.thread.space_id, url=lambda post: post.url,
                          history=lambda post: [(revision, "body") for revision in post.revisions])

Every change to a registered field, whichever service or form makes it, is checked when the
session flushes (screening.py); nothing calls the detector from a form.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context

_KEY = "sociallab_safeguarding"


@dataclass(frozen=True)
class ContentType:
    model: type
    name: str
    fields: tuple[str, ...]
    label: Any
    space_id: Callable[[Any], int | None]
    url: Callable[[Any], str]
    author_id: Callable[[Any], int | None] = lambda obj: getattr(obj, "author_id", None)
    language: Callable[[Any], str] = lambda obj: getattr(obj, "lang", None) or "fr"
    # Rows keeping earlier versions of the text (edit history), as (row, field) pairs:
    # redacting the item redacts them too.
    history: Callable[[Any], Iterable[tuple[Any, str]]] | None = None
    # The domain's read rule (obj, user) when it is wider than "not held, or its author": a held
    # initiative is read by its partner organisations too. Decides 403 against 404.
    readable: Callable[[Any, Any], bool] | None = None
    # Search tokens of a held item when more than its author and the moderators read it (a held
    # initiative's partner organisations): permissions.audience_tokens_for_item(...).
    held_audience: Callable[[Any], list] | None = None
    # False where replacing the text cannot remove the passages (a file's extracted text: the
    # file itself keeps them): a moderator cannot "redact" it after the fact.
    redactable: bool = True
    # Called after a field was redacted, to derive again what is derived from it (a post's HTML).
    rerender: Callable[[Any], None] | None = None
    # Searchable items whose document shows this one's text or takes its held state (a thread's
    # posts carry its title): re-indexed when a moderator approves or redacts it.
    related: Callable[[Any], Iterable[Any]] | None = None
    # Other texts that quote the item (minutes quoting a chat message), as (row, field) pairs.
    copies: Callable[[Any], Iterable[tuple[Any, str]]] | None = None

    @property
    def holdable(self):
        return hasattr(self.model, "sensitive")


def register(app, model, name, fields, **options):
    """Let safeguarding check `fields` of `model` whenever they change (see module docstring)."""
    registry = app.extensions.setdefault(_KEY, {})
    registry[model] = ContentType(model, name, tuple(fields), **options)


def content_types(app=None):
    app = app or (current_app if has_app_context() else None)
    return {} if app is None else app.extensions.get(_KEY, {})


def content_type_of(obj):
    return content_types().get(type(obj))


def content_type_named(name):
    for content_type in content_types().values():
        if content_type.name == name:
            return content_type
    return None
