"""What a Socket.IO event (or a live-room form) may carry: each field's type, range and size, checked in one place.

A browser running our pages sends well-formed data; anything else comes from a broken or hostile
client and is refused with one message in the person's language, before any permission check or
write, so a malformed payload can neither raise a 500 nor change anything half-way.
"""
import re
from functools import wraps

from flask import request
from flask_babel import gettext as _

from sociallab.extensions import socketio

# What an INTEGER column holds (every id, sequence number and version here): a larger number names
# nothing, and PostgreSQL refuses to compare it (SQLAlchemy binds it as ::INTEGER), SQLite beyond 2**63.
MAX_INT = 2**31 - 1
# A text field is never longer than what the transport carries in one packet (64 KiB); the services
# give their own, smaller limits a friendlier message.
MAX_TEXT = 64 * 1024
MAX_ITEMS = 100
_DIGITS = re.compile(r"[0-9]{1,10}")
# NUL cannot be stored by PostgreSQL, lone surrogates cannot be encoded as UTF-8, and other C0
# controls (tab and line breaks aside) have no business in text people read.
_UNSENDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# The keys True and False also find 1 and 0 (they are equal in Python).
_FLAGS = {True: True, False: False, "1": True, "0": False, "true": True, "false": False,
          "on": True, "off": False, "yes": True, "no": False, "": None}


class InvalidPayload(ValueError):
    """A payload refused: what the sender gets back is the same whatever was wrong with it."""
    status = 400

    def __init__(self, message=None):
        super().__init__(message)
        self.message = message or _("This request could not be understood: reload the page and try again.")

    def as_ack(self):
        return {"ok": False, "code": self.status, "error": str(self.message)}


def integer(minimum=0, maximum=MAX_INT, required=False):
    """An int (or its decimal digits, as a form sends them) within bounds; absent or empty is None,
    or refused when `required`."""
    def check(value):
        if value is None or value == "":
            if required:
                raise InvalidPayload()
            return None
        if isinstance(value, str) and _DIGITS.fullmatch(value):
            value = int(value)
        # bool is an int to Python, and a float (NaN, Infinity, 2.5) is never an id.
        if type(value) is not int or not minimum <= value <= maximum:
            raise InvalidPayload()
        return value
    return check


def text(max_length=MAX_TEXT):
    """A string that can be stored and shown; absent is None."""
    def check(value):
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > max_length:
            raise InvalidPayload()
        if _UNSENDABLE.search(value):
            raise InvalidPayload(_("The text contains a character that cannot be sent (a control or "
                                   "invalid character). Remove it and try again."))
        return value
    return check


def flag():
    """A yes/no as JSON or a form sends it; absent is None."""
    def check(value):
        if value is None:
            return None
        try:
            return _FLAGS[value.lower() if isinstance(value, str) else value]
        except (KeyError, TypeError):
            # TypeError: a list or a dict cannot be looked up; a float key such as 1.0 finds 1.
            raise InvalidPayload() from None
    return check


def many(item, max_items=MAX_ITEMS):
    """A list of values each checked by `item` (a single value counts as a list of one); absent is []."""
    def check(value):
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        if len(values) > max_items:
            raise InvalidPayload()
        return [checked for checked in map(item, values) if checked is not None]
    return check


def check(data, fields, required=False):
    """The checked value of each named field of a payload (None where absent); other keys are ignored.

    Without `required`, no payload at all counts as an empty one.
    """
    if data is None and not required:
        data = {}
    if not isinstance(data, dict):
        raise InvalidPayload()
    return {name: checker(data.get(name)) for name, checker in fields.items()}


def event(fields=None, required=True):
    """A socket handler takes one payload: with `fields`, it receives them checked; without, the
    payload as sent. Any other call (no payload when one is required, extra arguments, a field of
    the wrong kind) is answered with the refusal instead of reaching the handler."""
    def decorate(handler):
        @wraps(handler)
        def wrapped(*args):
            try:
                if len(args) > 1 or (required and not args):
                    raise InvalidPayload()
                data = args[0] if args else None
                return handler(check(data, fields, required) if fields is not None else data)
            except InvalidPayload as error:
                return error.as_ack()
        return wrapped
    return decorate


def lifecycle(handler):
    """For `connect` and `disconnect`: run only when the server calls them.

    A client may send an ordinary event under either name, which would otherwise rebind its socket
    or announce it gone while it stays connected. During a real connection or disconnection the
    socket is not yet (or no longer) counted as connected; during a forged event it is.
    """
    @wraps(handler)
    def wrapped(*args):
        if socketio.server.manager.is_connected(request.sid, request.namespace):
            return InvalidPayload().as_ack()
        return handler(*args)
    return wrapped
