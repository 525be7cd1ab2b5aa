"""How each kind of notification reads, in the reader's language.

Each domain registers its kinds here with `register(kind, lazy_message)`; the message is a
lazy_gettext string formatted with the notification's data.
"""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "generic": _l("%(text)s"),
}


def register(kind, message):
    MESSAGES[kind] = message


def render(notification):
    return render_kind(notification.kind, notification.data)


def render_kind(kind, data):
    """The message of a kind, in the current language, filled with its data."""
    template = MESSAGES.get(kind, MESSAGES["generic"])
    data = dict(data or {})
    data.setdefault("text", "")
    try:
        return str(template) % data
    except (KeyError, TypeError, ValueError):
        return str(template)
