"""How each kind of notification reads, in the reader's language.

Each domain declares its kinds as a dict in `<domain>/notifications.py` ({kind: lazy_gettext
message}) and its init_app registers them with `register_kinds(app, KINDS)`; a message is
formatted with the notification's data. A kind whose message has parts that are themselves
translated (a flag's reason) gives a function of the data instead, called in the reader's language.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l

_KINDS_KEY = "sociallab_notification_kinds"

GENERIC = _l("%(text)s")


def register_kinds(app, kinds):
    """Let `app` render these kinds: {kind: lazy message}."""
    app.extensions.setdefault(_KINDS_KEY, {}).update(kinds)


def kinds(app=None):
    """Every kind `app` (the current one by default) can render, with its message."""
    return (app or current_app).extensions.get(_KINDS_KEY, {})


def render(notification):
    return render_kind(notification.kind, notification.data)


def render_kind(kind, data):
    """The message of a kind, in the current language, filled with its data."""
    template = kinds().get(kind, GENERIC)
    data = dict(data or {})
    data.setdefault("text", "")
    if callable(template):
        return template(data)
    try:
        return str(template) % data
    except (KeyError, TypeError, ValueError):
        return str(template)
