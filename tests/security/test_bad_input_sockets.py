"""Every Socket.IO event of every namespace, fed malformed payloads, answers with a refusal or a result.

The events come from the app's own registry (`socketio.server.handlers`), so a new event is walked
without writing a test. For each, Hypothesis sends at least 200 payloads (no data, None, integers
beyond 64 bits, Infinity and NaN, NUL and control characters, lone surrogates, very long strings,
lists, nested dicts, extra and missing keys, extra arguments) as a person who may enter the room
and as one who may not. Pass: no exception escapes, nothing is logged at ERROR, every event asks
for an acknowledgement and gets one (a 4xx refusal with a message, or ok), and a refused event has
committed nothing to the database and left nothing pending.
"""
import logging
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event
from sqlalchemy import update

import config
from sociallab import create_app
from sociallab.extensions import db, socketio
from tests import factories
from tests.conftest import Auth, _reset_database

EXAMPLES = 200
# The Socket.IO events a server answers by itself; a client may still send events under these
# names, and their real payload (the connection's `auth`) is walked through a real connection.
LIFECYCLE = ("connect", "disconnect")


def _registry():
    """(namespace, event) for every handler an app registers (each domain's init_app registers its
    own on that app's server), read from a throwaway app."""
    create_app(config.TestConfig)
    return sorted((namespace, name) for namespace, handlers in socketio.server.handlers.items()
                  for name in handlers)


REGISTRY = _registry()

# The field names our own pages send (static/js, the room's forms), so generated payloads reach
# past the first check; arbitrary keys are drawn beside them.
KNOWN_KEYS = ("body", "client_id", "message_id", "locked", "question_id", "answered", "highlighted",
              "question", "options", "multiple", "poll_id", "option_ids", "user_id", "notes", "version",
              "include_chat", "last_seq", "thread", "after", "workshop_id")

def _nested(depth):
    value = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"body": value}
    return value


# Values a malformed or hostile client sends, drawn whole (one draw each, so 200 payloads per event
# stay cheap to generate); random integers, floats and text are drawn beside them.
NASTY = (None, True, False, 0, 1, -1, 3, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 2**70, -2**63 - 1, 10**40,
         math.inf, -math.inf, math.nan, 1e308, 0.5, -0.0, 3.0,
         "", " ", "1", "0", "on", "true", "\x00", "a\x00b", "\ud800", "x\udfffy", "\x1b[2J", "\r\n", "\x7f",
         "\u0663\u0664", "\uff11\uff12", " 7 ", "7.0", "1e3", "-3", "0x10", "Infinity", "NaN", "9" * 25,
         "é" * 70_000, "chat " * 1_000, "\U0001f476" * 300,
         [], [1, 2], [None], ["a", "\x00"], [2**70], list(range(500)), [[[]]], {}, {"a": 1}, {"body": None},
         _nested(40), {"last_seq": 3, "thread": 1, "after": 0})
_characters = st.one_of(st.characters(), st.characters(categories=["Cc"]), st.characters(categories=["Cs"]))
_values = st.one_of(st.sampled_from(NASTY), st.integers(min_value=1, max_value=30), st.integers(), st.floats(),
                    st.text(_characters, max_size=30),
                    st.lists(st.sampled_from(NASTY[:20]), max_size=4))
_payloads = st.one_of(st.dictionaries(st.sampled_from(KNOWN_KEYS), _values, max_size=5),
                      st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(_characters, max_size=6)),
                                      _values, max_size=6),
                      _values)
# What follows the event name: nothing, one payload, or a payload and an extra argument.
ARGUMENTS = st.one_of(st.just(()), _payloads.map(lambda payload: (payload,)), st.tuples(_payloads, _values))


class Writes:
    """Watches the database connection: write statements run, and whether they were committed."""

    def __init__(self, engine):
        self.pending = self.committed = 0
        sa_event.listen(engine, "before_cursor_execute", self._statement)
        sa_event.listen(engine, "commit", self._commit)
        sa_event.listen(engine, "rollback", self._rollback)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.pending += 1

    def _commit(self, conn):
        self.committed, self.pending = self.committed + self.pending, 0

    def _rollback(self, conn):
        self.pending = 0

    def reset(self):
        self.pending = self.committed = 0


ROOM = "/workshops"


class Walk:
    """One app, database and set of signed-in people for the whole module (an app per test costs
    more than the walk itself). No app context stays pushed: each event gets its own, with its own
    `g` and database session, as in production."""

    def __init__(self, app, ids, emails):
        self.app, self.workshop_id, self.thread_id, self.member_id = app, *ids
        self.auth = {ROOM: {"workshop_id": self.workshop_id}}
        self.http = {}
        for name, email in emails.items():
            client = app.test_client()
            if email is not None:
                Auth(client).login(email)
            self.http[name] = client
        self.sockets = {}
        with app.app_context():
            self.writes = Writes(db.engine)

    def restore(self):
        """Back to a live room with nobody removed: an earlier event's walk may have ended it."""
        from sociallab.workshops.models import Workshop
        with self.app.app_context():
            db.session.execute(update(Workshop).where(Workshop.id == self.workshop_id)
                               .values(status=Workshop.LIVE, ended_at=None, chat_locked=False))
            db.session.commit()
        self._readmit()

    def _readmit(self):
        from sociallab.workshops.models import RoomRemoval
        with self.app.app_context():
            db.session.execute(db.delete(RoomRemoval).where(RoomRemoval.workshop_id == self.workshop_id))
            db.session.commit()

    def socket(self, person, namespace, fresh=False):
        """A connected socket of the person on the namespace; in the room, joined (again, if a
        facilitator's example removed them). fresh=True: a new connection, for a test that needs the
        person present whatever earlier examples did (ended the session, removed them)."""
        sio = self.sockets.get((person, namespace))
        if fresh and sio is not None and sio.is_connected(namespace):
            sio.disconnect(namespace=namespace)
        if sio is None or fresh or not sio.is_connected(namespace):
            self._readmit()
            sio = socketio.test_client(self.app, namespace=namespace, flask_test_client=self.http[person],
                                       auth=self.auth.get(namespace))
            assert sio.is_connected(namespace), f"{person} could not connect to {namespace}"
            if namespace == ROOM:
                ack = sio.emit("join", {"last_seq": 0}, namespace=namespace, callback=True)
                assert ack["ok"], ack
            self.sockets[(person, namespace)] = sio
        sio.queue.clear()
        return sio


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    from sociallab.demo import seed_structure
    from sociallab.forums import services as forums
    from tests.factories import make_workshop
    folder = tmp_path_factory.mktemp("sockets")

    class Config(config.TestConfig):
        SEARCH_INDEX_DIR = str(folder / "index")
        UPLOAD_DIR = str(folder / "uploads")
        # The chat limit would refuse most chat examples before their payload is looked at.
        WORKSHOP_CHAT_RATE = (10**6, 60)
    app = create_app(Config)
    walked = sorted((ns, name) for ns, handlers in socketio.server.handlers.items() for name in handlers)
    assert walked == REGISTRY, "this app's server lost socket handlers: see _registry()"
    with app.app_context():
        _reset_database(app)
        countries, organisations = seed_structure()
        world = factories.build_world(countries, organisations)
        db.session.commit()
        workshop = make_workshop(world)
        category = forums.create_category(world.sn_space, "Pratiques", "Échanges", "fr", world.moderator)
        thread, _published = forums.create_thread(category, "Écoute", "Premier message", world.member, "fr")
        db.session.commit()
        ids = (workshop.id, thread.id, world.member.id)
        emails = {"facilitator": world.facilitator.email, "member": world.member.email,
                  "outsider": world.other_member.email, "signed out": None}
    walk = Walk(app, ids, emails)
    yield walk
    for (_person, namespace), sio in walk.sockets.items():
        if sio.is_connected(namespace):
            sio.disconnect(namespace=namespace)


def _errors(caplog):
    return [f"{r.name}: {r.getMessage()}" + (" (with traceback)" if r.exc_info else "")
            for r in caplog.records if r.levelno >= logging.ERROR]


def _short(value):
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "…"


def check_answer(walk, caplog, person, namespace, name, args):
    """Send one event and hold its answer, the log and the database to the rules of this module."""
    sio = walk.socket(person, namespace)
    caplog.clear()
    walk.writes.reset()
    where = f"{name!r} on {namespace} by {person} with {_short(args)}"
    try:
        ack = sio.emit(name, *args, namespace=namespace, callback=True)
    except Exception as error:  # noqa: BLE001 - any escape is the failure being looked for
        pytest.fail(f"{where} raised {error!r}")
    assert not _errors(caplog), f"{where} logged {_errors(caplog)}"
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), f"{where} was answered {_short(ack)}"
    if not ack["ok"]:
        assert 400 <= ack.get("code", 0) < 500, f"{where} was refused with {_short(ack)}"
        assert isinstance(ack.get("error"), str) and ack["error"].strip(), f"{where} was refused without a message"
        assert walk.writes.committed == 0, f"{where} was refused after committing a change"
    assert walk.writes.pending == 0, f"{where} left a change uncommitted"
    return ack


def check_connect(walk, caplog, person, namespace, auth):
    """A connection with any `auth` payload is accepted or refused, quietly, writing nothing."""
    caplog.clear()
    walk.writes.reset()
    where = f"connect to {namespace} by {person} with auth {_short(auth)}"
    try:
        sio = socketio.test_client(walk.app, namespace=namespace, flask_test_client=walk.http[person], auth=auth)
    except Exception as error:  # noqa: BLE001 - any escape is the failure being looked for
        pytest.fail(f"{where} raised {error!r}")
    assert not _errors(caplog), f"{where} logged {_errors(caplog)}"
    assert walk.writes.committed == 0 and walk.writes.pending == 0, f"{where} wrote to the database"
    if sio.is_connected(namespace):
        sio.disconnect(namespace=namespace)


PEOPLE = {ROOM: ("facilitator", "member"), "/forums": ("member", "outsider")}
# Payloads go by batches: Hypothesis's own cost per example would otherwise outweigh the event's.
BATCH = 10
WALK_SETTINGS = settings(max_examples=EXAMPLES // BATCH, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize(("namespace", "name"), REGISTRY, ids=[f"{ns}:{name}" for ns, name in REGISTRY])
def test_event_answers_every_payload(walk, caplog, namespace, name):
    """Any payload to any event is answered: served, or refused with a 4xx and a message; nothing logged
    at ERROR, nothing committed by a refusal."""
    people = PEOPLE.get(namespace, ("member", "outsider"))
    walk.restore()
    sent = []

    @WALK_SETTINGS
    @given(st.lists(st.tuples(st.sampled_from(people), ARGUMENTS), min_size=BATCH, max_size=BATCH))
    def sends(batch):
        for person, args in batch:
            check_answer(walk, caplog, person, namespace, name, args)
            sent.append(args)

    sends()
    assert len(sent) >= EXAMPLES


@pytest.mark.parametrize("namespace", sorted({ns for ns, name in REGISTRY if name == "connect"}))
def test_connection_with_any_auth_is_accepted_or_refused_quietly(walk, caplog, namespace):
    """The payload of a connection is its `auth`: whatever it holds, the connection is accepted or
    refused without an error in the log or a write to the database."""
    walk.restore()
    sent = []
    # The protocol carries `auth` as a JSON object; a bare number would be read as a packet id.
    auths = st.one_of(st.dictionaries(st.just("workshop_id"), _values, max_size=1), _payloads).map(
        lambda auth: {"workshop_id": auth} if type(auth) in (int, float) else auth)

    @WALK_SETTINGS
    @given(st.lists(st.tuples(st.sampled_from(["member", "outsider", "signed out"]), auths),
                    min_size=BATCH, max_size=BATCH))
    def connects(batch):
        for person, auth in batch:
            check_connect(walk, caplog, person, namespace, auth)
            sent.append(auth)

    connects()
    assert len(sent) >= EXAMPLES


# --- the cases the attack found, named ------------------------------------------------------

NAMED = {"no data": (), "Infinity": ({"last_seq": math.inf, "thread": math.inf, "after": math.inf},),
         "2**70": ({"last_seq": 2**70, "thread": 2**70, "after": 2**70},)}


@pytest.mark.parametrize(("namespace", "name"), [(ROOM, "join"), (ROOM, "resume"),
                                                 ("/forums", "join")])
@pytest.mark.parametrize("case", NAMED)
def test_named_bad_payloads_are_refused_in_the_persons_language(walk, caplog, namespace, name, case):
    """join/resume with no data, Infinity or 2**70 get a 400 refusal in French for Aminata (they were
    answered 500 with a traceback on /workshops and never answered on /forums)."""
    walk.restore()
    ack = check_answer(walk, caplog, "member", namespace, name, NAMED[case])
    assert ack == {"ok": False, "code": 400,
                   "error": "Cette demande n'a pas pu être comprise\u202f: rechargez la page et réessayez."}


def test_a_refused_join_leaves_no_presence(walk, caplog):
    """A join refused for its payload does not enter the room half-way (no presence, no event)."""
    from sociallab.workshops.models import Presence, Workshop
    walk.restore()

    def room_state():
        with walk.app.app_context():
            return (db.session.get(Workshop, walk.workshop_id).last_seq,
                    db.session.scalar(db.select(db.func.count(Presence.id))))
    sio = socketio.test_client(walk.app, namespace=ROOM, flask_test_client=walk.http["member"],
                               auth=walk.auth[ROOM])
    before = room_state()
    ack = sio.emit("join", {"last_seq": 2**70}, namespace=ROOM, callback=True)
    assert not ack["ok"] and ack["code"] == 400
    assert room_state() == before
    sio.disconnect(namespace=ROOM)


def test_a_client_cannot_replay_connect_or_disconnect_as_events(walk, caplog):
    """`connect` and `disconnect` sent as ordinary events (a raw client can) are refused, and the
    person's connection stays in the room."""
    from sociallab.workshops.models import Presence
    walk.restore()
    sio = walk.socket("member", ROOM, fresh=True)

    def presences():
        with walk.app.app_context():
            return db.session.scalar(db.select(db.func.count(Presence.id)).where(Presence.user_id == walk.member_id))
    before = presences()
    for name in LIFECYCLE:
        ack = check_answer(walk, caplog, "member", ROOM, name, ({"workshop_id": walk.workshop_id},))
        assert ack["ok"] is False and ack["code"] == 400
    assert before >= 1 and presences() == before
    assert sio.is_connected(ROOM)
