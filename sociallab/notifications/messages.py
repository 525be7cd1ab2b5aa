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
    template = MESSAGES.get(notification.kind, MESSAGES["generic"])
    data = dict(notification.data or {})
    data.setdefault("text", "")
    try:
        return str(template) % data
    except (KeyError, TypeError, ValueError):
        return str(template)
