"""What a request may bring in: ids an id column can hold, text without control characters, a bounded ?page=.

Checked once here, at the door, instead of in every view: a URL id larger than an id column can
hold matches no route (404) instead of failing the query; control characters, which no
one types and PostgreSQL refuses in text (NUL), are taken out of every query argument and form
field before a view reads them, so what the person typed is kept, minus the invisible.
"""
import re
from uuid import uuid4

from flask import Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import IntegerConverter, UnicodeConverter
from wtforms import HiddenField
from wtforms.validators import ValidationError

# Ids are INTEGER columns: 32 bits on PostgreSQL (64 on SQLite); the smaller decides.
MAX_ID = 2**31 - 1
# More pages than any list here will have; a larger ?page= is a made-up address.
MAX_PAGE = 100_000

# C0 controls except tab, line feed and carriage return, which text fields legitimately carry.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# The key of one written form (a uuid4's text): a form sent twice with it writes once.
SUBMISSION_MAX = 36
SUBMISSION = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def without_control_characters(value):
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class IdConverter(IntegerConverter):
    """`<int:…>` that matches only what an id column can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SegmentConverter(UnicodeConverter):
    """The default `<name>` converter, refusing a path segment that carries control characters."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f]", 1)


class CleanMultiDict(ImmutableMultiDict):
    """Query arguments and form fields with control characters removed from names and values."""

    def __init__(self, mapping=None):
        if mapping is not None:
            mapping = [(without_control_characters(key), without_control_characters(value))
                       for key, value in iter_multi_items(mapping)]
        super().__init__(mapping)


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict


class SubmissionField(HiddenField):
    """The key of one thing written from a form, made when the form is shown: a resent form carries
    the same key, a form loaded again a new one. Rendered with the key it was sent with (a preview,
    or the form back with errors), else with a new one at each render, never one cached with a page.
    `damaged` is the domain's message when the key is not one (the form comes back, with a new key)."""

    def __init__(self, *args, damaged, **kwargs):
        super().__init__(*args, **kwargs)
        self.damaged = damaged

    def _value(self):
        return self.data or str(uuid4())

    def pre_validate(self, form):
        if self.data in (None, ""):
            self.data = None  # a form from before the keys (a cached page): written as before
        elif len(self.data) > SUBMISSION_MAX or not SUBMISSION.fullmatch(self.data):
            self.data = None  # the form comes back with a new key
            raise ValidationError(self.damaged)


def page_number():
    """The ?page= of a list: 1 when absent or not a number, 404 beyond any page a list can have."""
    raw = request.args.get("page", "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        abort(404)
    return max(int(raw), 1)


def as_id(text):
    """The id written in `text`, or None unless it is one an id column can hold."""
    raw = (text or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_ID)) and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None


def id_argument(name, source=None):
    """An id read from the query string (or `source`), as as_id reads it."""
    return as_id((source if source is not None else request.args).get(name))


def init_app(app):
    """Before any blueprint adds its routes: the converters are looked up when a rule is added."""
    app.url_map.converters.update(int=IdConverter, default=SegmentConverter, string=SegmentConverter)
    app.request_class = CleanRequest
