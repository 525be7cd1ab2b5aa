"""Hostile input on every route of the URL map: no 5xx, no traceback, nothing written by a refused request.

Each route (GET, and POST when it takes one) is walked by Hypothesis, signed in as a person the
access table (tests/access_tables) lets use it. A request starts from what a browser would send —
the route's real URL with real ids, and for a POST the fields of its HTML form as rendered, with
a valid CSRF token — and Hypothesis changes part of it: URL segments (ids beyond 2^31 and 2^63, text with
NUL or invalid UTF-8), query arguments (every argument the view was seen reading, plus `page`, `q`
and others), form fields (huge integers, Infinity/NaN/1e999, superscript digits, out-of-range
dates, NUL and control characters, invalid UTF-8, 100,000-character strings, empty values,
several values for one field, fields left out, fields added).

Each request makes one part hostile and keeps the rest as the browser had it, so that what lies
behind the form's validation is reached too (see hostile_request for the modes).

How inputs are counted: each generated value a request carries (a URL segment, a query argument,
a form field changed, left out, repeated or added) is one input. A route gets 6 generated
requests (GET) or 10 (POST), plus explicit ones: one per URL segment and per argument the view
reads, and for a form two per field and four with its dates at the calendar's ends. Each request
is topped up with arguments the view does not read until the route has received MIN_INPUTS
(200) inputs; the test asserts that count. BAD_INPUT_SURVEY also writes, per route, how many of
the inputs went into segments, fields and arguments the view reads.

Pass: every answer is below 500, nothing is logged at ERROR, and an answer of 400 or more leaves
every table's row count as it was. BAD_INPUT_SURVEY=<file> writes every failure to that file
instead of stopping at the first (to count what the suite finds).
"""
import json
import math
import os
import random
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

import config
from sociallab import create_app
from sociallab.accounts.models import User
from sociallab.extensions import db
from tests import factories
from tests.access_tables import LOGIN, all_rows, setup_all
from tests.access_tables import modules as access_modules
from tests.conftest import CSRF_RE, _reset_database, own_request_globals

EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "0"))  # 0: by route (see examples())
MIN_INPUTS = 200
SURVEY = os.environ.get("BAD_INPUT_SURVEY")

# Who walks a route, in order of preference among the roles the access table lets use it.
ROLE_ORDER = ("member", "moderator", "facilitator", "admin", "volunteer_in", "other_member", "anonymous",
              "volunteer_out")
# Walked last: they change people, roles and the structure other routes stand on.
LAST_BLUEPRINTS = ("admin", "accounts")


class Raw(bytes):
    """Bytes sent percent-escaped as they are: invalid UTF-8 reaches the server undecoded."""


# --- generated values ------------------------------------------------------------------------

HUGE_INTEGERS = ["9223372036854775808", "18446744073709551616", "1" + "0" * 30, "-9223372036854775809",
                 "9" * 400]
ODD_NUMBERS = ["0", "-1", "999999", "2147483648", "9223372036854775807", "Infinity", "-Infinity", "NaN", "1e999",
               "-1e999", "²", "⁵", "١٢", "½", "0x1f", "1_000", " 7 ", "+3", "3.5"]
DATES = ["9999-12-31", "0001-01-01", "9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31T23:59:59",
         "2024-02-30", "10000-01-01", "0000-00-00", "2026-13-40T25:61"]
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\u2028\ufeff"
INVALID_UTF8 = [b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x80abc", b"\xf4\x90\x80\x80", b"abc\xc0\xaf"]
EXTRA_NAMES = ["page", "q", "next", "id", "lang", "action", "period", "quote", "type", "theme", "space",
               "country", "sort", "from", "to", "user", "organisation", "translation_of"]

with_control = st.tuples(st.text(max_size=12), st.sampled_from(CONTROL), st.text(max_size=12)).map("".join)


def long_text(lengths):
    return st.tuples(st.sampled_from(["x", "é", "[", "@a ", "\x00", "Ω", "<b>", "*_", "9"]),
                     st.sampled_from(lengths)).map(lambda t: t[0] * t[1])


def hostile_values(lengths):
    """Eight kinds of trouble, drawn alike, so that a dozen requests meet each kind more than once."""
    return st.one_of(
        st.sampled_from(HUGE_INTEGERS + ["9" * n for n in lengths if n < 10_000]), st.sampled_from(ODD_NUMBERS),
        st.sampled_from(DATES), with_control, long_text(lengths), st.sampled_from(INVALID_UTF8).map(Raw),
        st.text(max_size=16), st.sampled_from(["", " ", "\t"]))


# A URL longer than a few kilobytes never reaches the application (gunicorn's request line
# limit is 4094 bytes); a form body can carry long texts.
in_url = hostile_values([300, 1000])
in_body = hostile_values([300, 5000, 100_001])
id_segment = st.one_of(st.sampled_from(HUGE_INTEGERS + ["0", "9223372036854775807", "2147483648", "00"]), in_url)
numbers = st.sampled_from(HUGE_INTEGERS + ODD_NUMBERS + ["9" * 5000])
# Drawn in one step, for the many arguments a request carries that the view does not read.
ready_made = st.sampled_from(HUGE_INTEGERS + ODD_NUMBERS + DATES + [f"a{c}b" for c in CONTROL]
                             + [Raw(b) for b in INVALID_UTF8] + ["", " ", "é" * 300])
# What each kind of form field is most likely to choke on, besides everything else.
BY_KIND = {"select": numbers, "select-multiple": numbers, "checkbox": numbers, "radio": numbers,
           "number": numbers, "date": st.sampled_from(DATES), "datetime-local": st.sampled_from(DATES)}


def for_field(kind):
    return st.one_of(BY_KIND[kind], in_body) if kind in BY_KIND else in_body


def encode(value):
    if isinstance(value, Raw):
        return "".join(f"%{b:02X}" for b in value)
    return quote(value, safe="")


def urlencoded(pairs):
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in pairs)


def as_text(value):
    """A multipart body carries text: invalid UTF-8 arrives as the server would decode it."""
    return value.decode("utf-8", "replace") if isinstance(value, Raw) else value


# --- forms as the browser has them ------------------------------------------------------------

@dataclass
class HtmlForm:
    action: str
    method: str
    multipart: bool
    fields: list = field(default_factory=list)   # (name, kind, value, extra)
    buttons: list = field(default_factory=list)  # (name, value)
    elsewhere: bool = False


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.textarea, self.option = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = HtmlForm(a.get("action") or "", (a.get("method") or "get").lower(),
                                 "multipart" in (a.get("enctype") or ""))
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self.form.buttons.append((name, a.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                self.form.fields.append((name, kind, a.get("value") or "on", "checked" in a))
            elif kind not in ("button", "reset"):
                if kind == "text" and (a.get("inputmode") == "numeric" or "0-9" in (a.get("pattern") or "")):
                    kind = "number"
                self.form.fields.append((name, kind, a.get("value") or "", None))
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            if a.get("formaction") is not None:
                self.form.elsewhere = True  # its buttons post to other addresses (the language switch)
            elif name:
                self.form.buttons.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = [name, "multiple" in a, []]
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
            self.select[2].append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        if self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None and self.form is not None:
            # As a browser does, the newline that opens a textarea is not part of its value.
            value = self.textarea[1].removeprefix("\r\n").removeprefix("\n")
            self.form.fields.append((self.textarea[0], "textarea", value, None))
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, multiple, options = self.select
            values = [(v if v is not None else t.strip(), s) for v, s, t in options]
            self.form.fields.append((name, "select-multiple" if multiple else "select", values, None))
            self.select = None
        elif tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None


def forms_of(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def filler(name, kind):
    """What a person would type in an empty field, so the rest of the form can pass validation
    (numbers stay empty: a grid of figures must add up)."""
    end = "end" in name
    if "url" in name or "link" in name:
        kind = "url"
    elif "email" in name:
        kind = "email"
    return {"email": "walk@example.org", "date": "2026-06-30" if end else "2026-03-01",
            "datetime-local": "2026-03-01T12:00" if end else "2026-03-01T10:00", "number": "",
            "url": "https://example.org/x", "password": config.Config.DEMO_PASSWORD}.get(kind, "walk-text")


def field_options(form):
    """The values each choice field offers: {name: [values]}."""
    options = {}
    for name, kind, value, _extra in form.fields:
        if kind in ("checkbox", "radio"):
            options.setdefault(name, []).append(value)
        elif kind in ("select", "select-multiple"):
            options[name] = [v for v, _selected in value]
    return options


def baseline_fields(form):
    """The form as a browser would send it untouched (empty text fields filled in): [(name, [values])]."""
    fields = {}
    for name, kind, value, extra in form.fields:
        if name == "csrf_token":
            continue
        if kind == "file":
            fields.setdefault(name, [])
        elif kind in ("checkbox", "radio"):
            values = fields.setdefault(name, [])
            if extra and (kind == "checkbox" or not values):
                values.append(value)
        elif kind in ("select", "select-multiple"):
            chosen = [v for v, selected in value if selected]
            if not chosen and kind == "select" and value:
                chosen = [next((v for v, _s in value if v), value[0][0])]
            fields[name] = chosen
        elif kind == "hidden" or value:
            fields[name] = [value]
        else:
            fields[name] = [filler(name, kind)]
    return fields


# --- the walk's world -------------------------------------------------------------------------

def _recording_storage(base):
    """The request's MultiDict noting every key a view reads (to learn the arguments a view takes)."""
    seen = set()

    class Recording(base):
        def __getitem__(self, key):
            seen.add(key)
            return super().__getitem__(key)

        def get(self, key, default=None, type=None):
            seen.add(key)
            return super().get(key, default, type)

        def getlist(self, key, type=None):
            seen.add(key)
            return super().getlist(key, type)

        def __contains__(self, key):
            seen.add(key)
            return super().__contains__(key)

    return Recording, seen


class WalkConfig(config.TestConfig):
    # The real error path (500 page and logged traceback) instead of the exception raised in the test.
    PROPAGATE_EXCEPTIONS = False
    RATELIMIT_ENABLED = False


@dataclass
class Target:
    rule: object
    method: str

    @property
    def id(self):
        return f"{self.method} {self.rule.rule}"


def _targets():
    """Every rule of the app's URL map, GET then POST: a new route is walked without a new test."""
    rules = sorted(create_app(WalkConfig).url_map.iter_rules(),
                   key=lambda r: r.endpoint.split(".")[0] in LAST_BLUEPRINTS)
    return [Target(r, "GET") for r in rules if "GET" in r.methods] + \
        [Target(r, "POST") for r in rules if "POST" in r.methods]


TARGETS = _targets()


@dataclass
class Plan:
    target: Target
    role: str
    user_id: int | None
    path: str           # the route's real URL path (real ids)
    query: list         # [(name, value)] of that URL
    args: dict          # the URL's converter values, as text
    expected: object    # what the access table expects for that role (None when no row)
    form: HtmlForm | None
    fields: dict        # name -> [values] a browser would send
    kinds: dict         # name -> the kind of input (text, select, date…)
    options: dict       # name -> the values a choice field offers
    names: list         # argument names worth trying (read by the view, sent by forms, common ones)
    reads: list         # the query arguments the view was seen reading on its real URL
    status: int | None = None  # what the real URL answered before the walk


class Walk:
    """One app and database for the whole walk: the people, the content, and what each route needs."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self.adapter = app.url_map.bind("localhost")
        self.forms = {}   # (rule, action path) -> HtmlForm, from every page the walk has read
        self.plans = {}
        self.names = set(EXTRA_NAMES)
        self.user_ids = {role: person and person.id for role, person in world.roles.items()}
        self.index_rows()

    def index_rows(self):
        """The access table's rows by rule, with their URLs for the content as it is now."""
        self.rows = {}
        for row in all_rows():
            path, _q, query = row.url(self.world).partition("?")
            try:
                rule, args = self.adapter.match(path, method=row.method, return_rule=True)
            except HTTPException:  # a row for a page that does not exist names no rule
                continue
            data = row.data(self.world) if row.data else {}
            self.rows.setdefault((rule.rule, row.method), []).append((row, path, query, args, data))
        db.session.commit()

    def renew_content(self, target):
        """Fresh content for a POST route's walk, so the walks before it (an initiative moved,
        a post deleted, a workshop ended) do not leave it a 404 to walk."""
        module = CONTENT_MODULES.get(target.rule.endpoint.split(".")[0])
        if module is None:
            return
        _reattach(self.world)
        module.setup(self.world)
        db.session.commit()
        self.index_rows()
        self.plans.pop(target.id, None)
        db.session.remove()

    def sign_in(self, client, user_id):
        with client.session_transaction() as session:
            if user_id is None:
                session.pop("_user_id", None)
                return
            person = db.session.get(User, user_id)
            session["_user_id"], session["_fresh"] = person.get_id(), True
        db.session.remove()

    def client(self, user_id):
        client = self.app.test_client()
        self.sign_in(client, user_id)
        return client

    def choose(self, target):
        """The access row and role for a route: the role with the best answer (200, then 400, then 302…)."""
        rank = {200: 0, 400: 1, 302: 2}
        candidates = self.rows.get((target.rule.rule, target.method)) or [
            entry for (rule, _method), entries in self.rows.items() if rule == target.rule.rule for entry in entries]
        best = None
        for row, path, query, args, data in candidates:
            for order, role in enumerate(ROLE_ORDER):
                expected = row.expected[role]
                statuses = expected if isinstance(expected, (set, tuple, list)) else {expected}
                score = min(rank.get(s, 3 if isinstance(s, int) and s < 403 else 9) if s != LOGIN else 10
                            for s in statuses)
                if best is None or (score, order) < best[0]:
                    best = ((score, order), role, path, query, args, expected, data)
        if best is None:  # a route with no access row (yet): an admin, with placeholder values
            args = {name: ("1" if "Integer" in type(converter).__name__ else "x")
                    for name, converter in target.rule._converters.items()}
            role = "admin"
            if target.rule.endpoint == "static":
                args, role = {"filename": "css/admin.css"}, "anonymous"
            return role, build_path(target.rule, args), [], args, None, None
        _key, role, path, query, args, expected, data = best
        return (role, path, parse_qsl(query, keep_blank_values=True), {k: str(v) for k, v in args.items()},
                expected, data)

    def plan(self, target):
        if target.id in self.plans:
            return self.plans[target.id]
        role, path, query, args, expected, data = self.choose(target)
        user_id = self.user_ids[role]
        client = self.client(user_id)
        form = None
        if target.method == "POST":
            if "GET" in target.rule.methods:
                self.read_forms(client, path)
            # The form as on its page for this very URL, else one of the same route read elsewhere.
            form = self.forms.get((target.rule.rule, path)) or next(
                (f for (rule, _path), f in self.forms.items() if rule == target.rule.rule), None)
        fields = baseline_fields(form) if form else {}
        kinds = {name: kind for name, kind, *_rest in form.fields} if form else {}
        options = field_options(form) if form else {}
        # A row's data is valid input, unless the row is there to show a refusal (400).
        for key, value in (data or {}).items() if expected != 400 else ():
            fields[key] = [str(value)]
        names = sorted(self.names | set(fields))
        plan = Plan(target, role, user_id, path, query, args, expected, form, fields, kinds, options, names, [])
        self.plans[target.id] = plan
        return plan

    def read_forms(self, client, url):
        response = client.get(url)
        db.session.remove()
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            for form in forms_of(html):
                action = urlsplit(form.action).path or urlsplit(url).path
                if form.method == "post" and not form.elsewhere:
                    try:
                        rule, _args = self.adapter.match(action, method="POST", return_rule=True)
                    except HTTPException:
                        continue
                    self.forms.setdefault((rule.rule, action), form)
                elif form.method != "post":
                    self.names.update(name for name, *_rest in form.fields)
        return response


# The access-table module whose `setup` makes the content of a blueprint's routes (the walks of
# the LAST_BLUEPRINTS come last and keep the content they find).
CONTENT_MODULES = {module.__name__.rsplit(".", 1)[-1]: module for module in access_modules()
                   if hasattr(module, "setup") and module.__name__.rsplit(".", 1)[-1] not in LAST_BLUEPRINTS}
CONTENT_MODULES["notifications"] = CONTENT_MODULES.get("forums")  # its rows live with the forums


def _reattach(world):
    """The world's rows in the current session (the walk ends every request's session)."""
    def fresh(value):
        if isinstance(value, dict):
            return {k: fresh(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fresh(v) for v in value]
        state = sa_inspect(value, raiseerr=False)
        if state is not None and getattr(state, "identity", None):
            return db.session.get(type(value), state.identity)
        return value
    for name, value in vars(world).items():
        setattr(world, name, fresh(value))


def build_path(rule, values):
    """The rule's path with each converter replaced by a value, percent-encoded."""
    def segment(match):
        return encode(values[match.group(2)])
    return re.sub(r"<(?:([\w]+)(?:\([^)]*\))?:)?(\w+)>", segment, rule.rule)


def fingerprint():
    """Row counts of every table, in one query: what a refused request must leave as it was."""
    tables = [t.name for t in db.metadata.sorted_tables]
    row = db.session.execute(text("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))).one()
    db.session.remove()
    return dict(zip(tables, row, strict=True))


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-input")

    class Config(WalkConfig):
        SEARCH_INDEX_DIR = str(tmp / "index")
        UPLOAD_DIR = str(tmp / "uploads")

    app = create_app(Config)
    own_request_globals(app)
    # A search index lock left held is logged (and fails the walk) when the wait ends: one second
    # tells as much as the minute a real server waits for another process's commit.
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr("sociallab.search.engine.WRITE_TIMEOUT_S", 1.0)
    storage, seen = _recording_storage(app.request_class.parameter_storage_class)
    app.request_class = type("RecordingRequest", (app.request_class,), {"parameter_storage_class": storage})
    with app.app_context():
        _reset_database(app)
        from sociallab.demo import seed_structure
        countries, organisations = seed_structure()
        world = factories.build_world(countries, organisations)
        db.session.commit()
        setup_all(world)
        db.session.commit()
        walk = Walk(app, world)
        walk.seen = seen
        # Read every page once, as the role that walks it: to know the forms each POST comes from,
        # the query arguments each view reads, and that the walk starts from the real page.
        for target in TARGETS:
            if target.method == "GET":
                plan = walk.plan(target)
                seen.clear()
                response = walk.read_forms(walk.client(plan.user_id), plan.path + (
                    "?" + urlencoded(plan.query) if plan.query else ""))
                plan.reads, plan.status = sorted(seen), response.status_code
                walk.names.update(seen)
        yield walk
        db.session.remove()
        db.engine.dispose()
    monkeypatch.undo()
    if SURVEY:
        with open(SURVEY, "a", encoding="utf-8") as out:
            out.writelines(json.dumps(failure, ensure_ascii=False) + "\n" for failure in FAILURES)
        with open(SURVEY + ".statuses", "w", encoding="utf-8") as out:
            json.dump({target: {"statuses": dict(counts), **TOTALS.get(target, {})}
                       for target, counts in STATUSES.items()}, out, indent=0)


FAILURES = []
STATUSES = {}  # route -> Counter of the statuses the walk got (written with the survey)
TOTALS = {}    # route -> requests, generated inputs, and those in fields or arguments the view reads


# --- one request ------------------------------------------------------------------------------

EDGES = {"date": (["0001-01-01", "0001-01-02"], ["9999-12-30", "9999-12-31"]),
         "datetime-local": (["0001-01-01T00:00", "0001-01-01T01:00"], ["9999-12-31T22:00", "9999-12-31T23:00"])}


def examples(plan):
    """Generated requests per route (a form's fields also get two explicit ones each)."""
    if EXAMPLES:
        return EXAMPLES
    return 6 if plan.target.method == "GET" else 10


@dataclass
class Sent:
    """One generated request, and how many generated values it carries (all, and those the view reads)."""
    path: str
    query: list
    form: list | None
    files: dict
    csrf: str
    inputs: int
    read_inputs: int


@st.composite
def hostile_request(draw, plan):
    """The route's real request with one part of it made hostile, so the rest still gets through.

    path: URL segments; query: the arguments the view reads (and others); one: one form field
    (hostile, left out or repeated), the rest valid; missing: one field left out; many: any field;
    edges: every date at the calendar's first or last day, in order, with other valid choices
    (time zone, language…); extra: fields the form does not have. Besides these, explicit examples
    give each segment, argument and field its own turn (each_segment_and_argument_alone,
    each_field_alone).
    """
    converters = plan.target.rule._converters
    if plan.target.method == "GET":
        modes = ["query", "query", "both"] + (["path"] if converters else [])
    else:
        modes = ["one", "one", "one", "missing", "many", "edges", "extra", "query"] if plan.fields \
            else ["extra", "extra", "query"]
        if any(kind in EDGES for kind in plan.kinds.values()):
            modes += ["edges", "edges"]  # a date's trouble needs its time zone and its other date along
        modes += ["path"] if converters else []
    mode = draw(st.sampled_from(modes))
    inputs = read_inputs = 0

    values = dict(plan.args)
    if mode in ("path", "both"):
        changed = draw(st.lists(st.sampled_from(sorted(converters)), min_size=1, unique=True)) if converters else []
        for name in changed:
            values[name] = draw(id_segment if "Integer" in type(converters[name]).__name__ else in_url)
        inputs += len(changed)
    path = build_path(plan.target.rule, values)

    query = list(plan.query)
    if mode in ("query", "both"):
        query = [] if draw(st.booleans()) else query
        for name in plan.reads:
            if draw(st.booleans()):
                query += [(name, v) for v in draw(st.lists(in_url, min_size=1, max_size=2))]
                inputs += 1
        for _ in range(draw(st.integers(1, 3))):
            query.append((draw(st.sampled_from(plan.names) | st.text(min_size=1, max_size=8)), draw(in_url)))
            inputs += 1
    read_inputs = inputs

    form, files = None, {}
    if plan.target.method == "POST":
        form, changed = draw(form_fields(plan, mode))
        inputs, read_inputs = inputs + changed, read_inputs + changed
        if mode == "extra":
            for _ in range(draw(st.integers(1, 4))):
                name = draw(st.sampled_from(plan.reads or plan.names) | st.sampled_from(plan.names))
                form.append((name, draw(in_body)))
                inputs += 1
                read_inputs += name in plan.reads
        if plan.form and plan.form.buttons:
            form.append(draw(st.sampled_from(plan.form.buttons)))
        if plan.form and plan.form.multipart:
            for name, kind, *_rest in plan.form.fields:
                if kind == "file" and draw(st.booleans()):
                    files[name] = (draw(st.binary(max_size=512)),
                                   draw(st.sampled_from(["a.pdf", "a.docx", "a.png", "a\x00.pdf", "../../x.pdf",
                                                         "é" * 300 + ".odt", ".pdf", "a"])))
                    inputs += 1
    # Arguments the view does not read, up to the count each request carries: a view must not
    # trip over what it was not asked.
    unread = [n for n in plan.names if n not in plan.reads and n not in plan.fields]
    padding = math.ceil(MIN_INPUTS / examples(plan)) - inputs
    if padding > 0:
        names = draw(st.lists(st.sampled_from(unread) | st.text(min_size=1, max_size=8),
                              min_size=padding, max_size=padding))
        query += [(name, draw(ready_made)) for name in names]
        inputs += padding
    csrf = draw(st.sampled_from(["valid"] * 18 + ["missing", "forged"]))
    return Sent(path, query, form, files, csrf, inputs, read_inputs)


# For the explicit examples: one known kind of trouble per kind of field, taken in turn.
TROUBLE = {"choice": ["999999", "9223372036854775808", "-1"], "number": ["²", "9" * 5000, "1e999", "-1"],
           "date": ["9999-12-31", "0001-01-01", "2024-02-30"], "text": ["a\x00b", "9223372036854775808", "x" * 100_001]}


def _trouble(kind, turn):
    family = {"select": "choice", "select-multiple": "choice", "checkbox": "choice", "radio": "choice",
              "number": "number", "date": "date", "datetime-local": "date"}.get(kind, "text")
    values = TROUBLE[family]
    return values[turn % len(values)]


def each_segment_and_argument_alone(plan):
    """Explicit examples: each URL segment, and each argument the view was seen reading, once
    given the first id beyond 64 bits (a text segment: a NUL), the rest of the request real."""
    padding = [(f"unread{i}", "x") for i in range(math.ceil(MIN_INPUTS / examples(plan)) - 1)]
    form = None if plan.target.method == "GET" else [
        (name, value) for name, values in plan.fields.items() for value in values]
    for name, converter in plan.target.rule._converters.items():
        value = "9223372036854775808" if "Integer" in type(converter).__name__ else "a\x00b"
        yield Sent(build_path(plan.target.rule, {**plan.args, name: value}), list(plan.query) + padding, form, {},
                   "valid", 1 + len(padding), 1)
    for name in plan.reads:
        yield Sent(plan.path, [(name, "9223372036854775808"), *padding], form, {}, "valid", 1 + len(padding), 1)


def each_field_alone(plan):
    """Explicit examples: each form field once left out and once given a known kind of trouble
    (an id outside its choices, "²", a date at the calendar's end, a NUL…), the rest as the
    browser sends it; and for a form with dates, the four corners of dates and choices.
    Random draws alone would give a field of twenty its turn too rarely."""
    padding = [(f"unread{i}", "9223372036854775808") for i in range(math.ceil(MIN_INPUTS / examples(plan)) - 1)]
    button = [plan.form.buttons[0]] if plan.form and plan.form.buttons else []
    for turn, alone in enumerate(plan.fields):
        others = [(name, value) for name, values in plan.fields.items() if name != alone for value in values]
        for form in (others, [*others, (alone, _trouble(plan.kinds.get(alone), turn))]):
            yield Sent(plan.path, list(plan.query) + padding, form + button, {}, "valid", 1 + len(padding), 1)
    # Dates at either end of the calendar, with every choice (a time zone…) at either end of its list.
    if any(kind in EDGES for kind in plan.kinds.values()):
        for early in (True, False):
            for end in (0, -1):
                form, changed, order = [], 0, {}
                for name, values in plan.fields.items():
                    kind, options = plan.kinds.get(name), [o for o in plan.options.get(name, []) if o]
                    if kind in EDGES:
                        edge = EDGES[kind][0 if early else 1]
                        form.append((name, edge[min(order.setdefault(kind, 0), len(edge) - 1)]))
                        order[kind] += 1
                        changed += 1
                    elif options:
                        form.append((name, options[end]))
                        changed += 1
                    else:
                        form += [(name, value) for value in values]
                yield Sent(plan.path, list(plan.query) + padding, form + button, {}, "valid",
                           changed + len(padding), changed)


@st.composite
def form_fields(draw, plan, mode):
    """The form's fields for this mode: ([(name, value)], how many were changed)."""
    focus = draw(st.sampled_from(list(plan.fields))) if mode in ("one", "missing") else None
    early = draw(st.booleans()) if mode == "edges" else False
    form, changed, dates_seen = [], 0, {}
    for name, baseline in plan.fields.items():
        kind = plan.kinds.get(name)
        if mode == "edges":
            if kind in EDGES:
                order = dates_seen.setdefault(kind, 0)
                dates_seen[kind] += 1
                edge = EDGES[kind][0 if early else 1]
                form.append((name, edge[min(order, len(edge) - 1)]))
                changed += 1
            elif plan.options.get(name):
                choices = plan.options[name]
                picked = (draw(st.lists(st.sampled_from(choices), max_size=3, unique=True))
                          if kind in ("checkbox", "select-multiple") else [draw(st.sampled_from(choices))])
                form += [(name, v) for v in picked]
                changed += 1
            else:
                form += [(name, v) for v in baseline]
            continue
        how = "keep"
        if mode == "missing":
            how = "missing" if name == focus else "keep"
        elif mode == "many":
            how = draw(st.sampled_from(["keep", "hostile", "hostile", "missing", "several"]))
        elif name == focus:
            how = draw(st.sampled_from(["hostile", "hostile", "missing", "several"]))
        if how == "keep":
            form += [(name, v) for v in baseline]
            continue
        changed += 1
        if how == "hostile":
            form.append((name, draw(for_field(kind))))
        elif how == "several":
            form += [(name, v) for v in draw(st.lists(for_field(kind), min_size=2, max_size=4))]
    return form, changed


def send(client, plan, sent, token):
    if sent.form is None:
        return client.open(sent.path, method=plan.target.method, query_string=urlencoded(sent.query))
    form = sent.form
    if sent.csrf == "valid":
        form = [("csrf_token", token), *form]
    elif sent.csrf == "forged":
        form = [("csrf_token", "forged"), *form]
    if plan.form and plan.form.multipart:
        data = {}
        for key, value in form:
            data.setdefault(as_text(key), []).append(as_text(value))
        for name, (content, filename) in sent.files.items():
            data.setdefault(name, []).append((BytesIO(content), filename))
        return client.open(sent.path, method="POST", query_string=urlencoded(sent.query), data=data,
                           content_type="multipart/form-data")
    return client.open(sent.path, method="POST", query_string=urlencoded(sent.query), data=urlencoded(form),
                       content_type="application/x-www-form-urlencoded")


def describe(plan, sent, response, errors):
    def short(pairs):
        return [(k[:40], (v[:60] + "…") if len(v) > 60 else v) for k, v in pairs or []]
    return (f"{plan.target.method} {sent.path[:200]} as {plan.role} → {response.status_code}\n"
            f"  query: {short(sent.query)}\n  form: {short(sent.form)}\n  files: {list(sent.files)} csrf: {sent.csrf}\n"
            + "".join(f"  logged: {e}\n" for e in errors))


def _error_records(caplog):
    return [r for r in caplog.records if r.levelno >= 40]


def _summary(record):
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        return f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
    return record.getMessage()[:200]


def _where(record):
    """The application frames of a logged traceback (for the survey)."""
    if not (record.exc_info and record.exc_info[2]):
        return []
    frames = traceback.extract_tb(record.exc_info[2])
    return [f"{f.filename.split('site-packages/')[-1]}:{f.lineno} {f.name}" for f in frames[-8:]]


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
def test_route_survives_hostile_input(walk, target, caplog):
    """No 5xx and no logged traceback for generated input; a refused request changes no table."""
    if target.method == "POST":
        walk.renew_content(target)
    plan = walk.plan(target)
    client = walk.client(plan.user_id)
    page = client.get("/login" if plan.user_id is None else "/spaces")
    found = CSRF_RE.search(page.get_data(as_text=True))
    token = found and (found.group(1) or found.group(2))
    assert not isinstance(plan.expected, int) or target.method != "GET" or plan.status == plan.expected, \
        f"{plan.path} answers {plan.status} to {plan.role}, not {plan.expected}: the walk would not reach it"
    totals = Counter()
    state = {"rows": fingerprint(), "signed_out": False, "sent": set()}

    @settings(max_examples=examples(plan), deadline=None, derandomize=True, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(sent=hostile_request(plan))
    def walk_once(sent):
        # Hypothesis's mutations often repeat a request already sent; those teach nothing.
        key = repr((sent.path, sent.query, sent.form, sorted(sent.files), sent.csrf))
        assume(key not in state["sent"])
        state["sent"].add(key)
        # Hypothesis seeds the global `random` alike for every example; the application's own
        # randomness (Whoosh's segment names) must stay random, or two commits collide.
        random.seed()
        if state["signed_out"]:  # a walk through sign-out or a password change: sign in again
            walk.sign_in(client, plan.user_id)
        logged = len(_error_records(caplog))
        walk.seen.clear()
        response = send(client, plan, sent, token)
        db.session.remove()
        # What the view read, to try next (a POST's own arguments are only seen when it runs).
        plan.reads[:] = sorted(set(plan.reads) | (walk.seen - set(plan.fields) - {"csrf_token"}))
        state["signed_out"] = plan.user_id is not None and "/login" in response.headers.get("Location", "")
        totals.update(inputs=sent.inputs, read_inputs=sent.read_inputs, requests=1)
        STATUSES.setdefault(target.id, Counter())[response.status_code] += 1
        records = _error_records(caplog)[logged:]
        errors = [_summary(r) for r in records]
        problems = []
        if response.status_code >= 500 or errors:
            problems.append("server error")
        before, state["rows"] = state["rows"], fingerprint()
        if response.status_code >= 400:
            changed = {t: (before[t], state["rows"][t]) for t in before if before[t] != state["rows"][t]}
            if changed:
                problems.append(f"refused but wrote: {changed}")
        if problems:
            if SURVEY:
                FAILURES.append({"target": target.id, "status": response.status_code, "problems": problems,
                                 "errors": errors, "where": [_where(r) for r in records],
                                 "request": describe(plan, sent, response, [])})
                return
            pytest.fail("; ".join(problems) + "\n" + describe(plan, sent, response, errors))

    explicit = list(each_segment_and_argument_alone(plan))
    explicit += list(each_field_alone(plan)) if target.method == "POST" else []
    for sent in explicit:
        walk_once = example(sent=sent)(walk_once)
    walk_once()
    TOTALS[target.id] = dict(totals)
    assert totals["inputs"] >= MIN_INPUTS, f"only {totals['inputs']} generated inputs in {totals['requests']} requests"
