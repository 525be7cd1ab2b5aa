"""What every proof run shares: a fresh database and its people, the production server, its own
Redis, and the checks run afterwards (every acknowledged write found, the search index and the
stored files matching the database, no broken reference).

The application is imported only after `configure` has set the environment it reads (config.py
reads it at import), in the driver's own process: preparing the data and checking it afterwards
go through the application's models and its search engine, as `flask sociallab check-index` does.
"""
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "proof-secret-key-not-for-production"
PG_SERVER = os.environ.get("PROOF_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("PROOF_DATABASE", "test_proof")
NS = "/workshops"
# The one person who signs in with a password (the sign-in limits); everyone else's session
# cookie is signed directly, as sign-in would make it (30 sign-ins from one address would be
# refused by the limits, rightly).
SIGNIN_EMAIL = "signin@proof.example.org"
SIGNIN_PASSWORD = "proof-password-not-the-demo"  # a throw-away test database
# Words every proof post carries, so that search finds them; each also carries a unique marker.
WORDS = ("écoute", "orientation", "médiation", "accueil", "protection", "formation")


def marker(prefix):
    """A unique word of letters only (digits in a text can look like a phone number or a date of
    birth to the safeguarding check, which then asks the author before publishing)."""
    return prefix + uuid.uuid4().hex[:16].translate(str.maketrans("0123456789", "ghijklmnop"))


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- services of our own ----------------------------------------------------------------------

class RedisServer:
    """A private redis-server on a free port (never the machine's shared one): Socket.IO's
    message queue publishes on a channel every database number of a server shares, so two
    platforms on one Redis would hear each other's rooms."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = Path(workdir)
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


def recreate_postgres(name=PG_DATABASE):
    """An empty database named for tests (refused otherwise: it is dropped)."""
    import psycopg
    if "test" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the proof's database must be named for tests")
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


# Where files and the search index live: on one server's disk (the defaults), or in the shared
# PostgreSQL database, as README "Several servers" sets for a platform on PostgreSQL.
SHAPES = {"one-server": {"STORAGE_BACKEND": "filesystem", "SEARCH_BACKEND": "whoosh"},
          "shared": {"STORAGE_BACKEND": "postgres", "SEARCH_BACKEND": "postgres"}}


def configure(workdir, backend="postgres", redis_url=None, port=None, shape="one-server"):
    """Set (and return) the environment of the server and of this process's application."""
    workdir = Path(workdir)
    port = port or free_port()
    database = (f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}" if backend == "postgres"
                else f"sqlite:///{workdir / 'proof.db'}")
    env = {
        "SECRET_KEY": SECRET, "SITE_URL": f"http://127.0.0.1:{port}", "DATABASE_URL": database,
        "SOCIALLAB_INSTANCE": str(workdir), "SEARCH_INDEX_DIR": str(workdir / "index"),
        "UPLOAD_DIR": str(workdir / "uploads"), "SCHEDULER": "off", "GUNICORN_BIND": f"127.0.0.1:{port}",
        "SCHEDULER_LOCK_DIR": str(workdir), "PROOF_PORT": str(port), **SHAPES[shape],
    }
    os.environ.pop("SOCIALLAB_ENV", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    return env


def make_app():
    from sociallab import create_app
    return create_app()


def prepare(workdir, people=30, demo=True):
    """Demo data, `people` proof participants of the Senegal space, a live workshop with an open
    poll and questions, three threads to reply to; written to workdir/world.json (the locustfile
    reads it) and returned."""
    from datetime import timedelta

    from sociallab.accounts.models import User
    from sociallab.accounts.services import create_user
    from sociallab.demo import seed_demo, seed_structure
    from sociallab.extensions import db
    from sociallab.forums import services as forums
    from sociallab.forums.models import Category
    from sociallab.i18n import utcnow
    from sociallab.spaces.models import Organisation, Space
    from sociallab.workshops import room
    from sociallab.workshops.models import Workshop

    app = make_app()
    with app.app_context():
        db.create_all()
        if demo:
            seed_demo()
        else:  # the Lab's structure and partners only: what a crash run needs, made faster
            seed_structure()
            db.session.commit()
        demo_differences = index_differences()
        space = db.session.scalar(db.select(Space).where(Space.slug == "country-sn"))
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.country_id == space.country_id))
        users = [User(email=f"proof{i}@proof.example.org", handle=f"proof{i}", name=f"Proof {i}",
                      password_hash=None, organisation_id=organisation.id, language="fr", timezone="UTC")
                 for i in range(people)]
        db.session.add_all(users)
        create_user(SIGNIN_EMAIL, "Proof Signin", SIGNIN_PASSWORD, organisation=organisation)
        facilitator = users[0]
        workshop = Workshop(space_id=space.id, title="Atelier de preuve", lang="fr", starts_at=utcnow(),
                            ends_at=utcnow() + timedelta(hours=4), status=Workshop.LIVE, facilitators=[facilitator])
        db.session.add(workshop)
        category = Category(space_id=space.id, title="Preuve", description="Charge", lang="fr", position=99)
        db.session.add(category)
        # Nobody but SIGNIN_EMAIL signs in with a password, and a server outside development
        # refuses to start while an account opens with the demo's.
        db.session.execute(db.update(User).where(User.email != SIGNIN_EMAIL).values(password_hash=None))
        db.session.commit()
        threads = [forums.create_thread(category, f"Fil de preuve {n} : {WORDS[n]}",
                                        f"Premier message du fil {n} sur l'{WORDS[n]}.", users[n + 1], "fr")[0].id
                   for n in range(3)]
        poll = room.perform(workshop, facilitator, "open_poll",
                            {"question": "Quelle étape d'abord ?", "options": ["Accueillir", "Écouter", "Orienter"],
                             "multiple": False})
        poll_id = poll.sent["data"]["id"]
        for n in range(5):
            room.perform(workshop, facilitator, "ask", {"body": f"Question préparée {n}", "client_id": f"setup-{n}"})
        from sociallab.workshops.models import Poll, Question
        option_ids = [o.id for o in db.session.get(Poll, poll_id).options]
        question_ids = list(db.session.scalars(db.select(Question.id).where(Question.workshop_id == workshop.id)))
        # What the seeding left differing from the index (reported; the run starts from a rebuilt one).
        seeded_differences = index_differences()
        from sociallab.search.commands import rebuild_index
        rebuild_index(procs=1)
        serializer = app.session_interface.get_signing_serializer(app)
        world = {
            "index_differences_after_seed_demo": demo_differences,
            "index_differences_after_setup": seeded_differences,
            "space": space.slug, "category_id": category.id, "thread_ids": threads, "workshop_id": workshop.id,
            "poll_id": poll_id, "option_ids": option_ids, "question_ids": question_ids,
            "cookie_name": app.config.get("SESSION_COOKIE_NAME", "session"),
            "people": [{"id": u.id, "cookie": serializer.dumps({"_user_id": u.get_id(), "_fresh": True})}
                       for u in users],
            "words": list(WORDS),
        }
    (Path(workdir) / "world.json").write_text(json.dumps(world))
    return world


# --- the production server ---------------------------------------------------------------------

class Server:
    """gunicorn -c gunicorn.conf.py wsgi:app (the gevent worker) on 127.0.0.1 over PostgreSQL,
    `flask sociallab serve` over SQLite, in its own process group, so that a kill takes the
    master and its worker at once."""

    def __init__(self, env, workdir, name="server"):
        self.env, self.workdir, self.name = dict(os.environ, **env), Path(workdir), name
        self.port = int(env["PROOF_PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.starts = 0

    def start(self, timeout=90):
        self.starts += 1
        log_file = open(self.workdir / f"{self.name}.log", "a")  # noqa: SIM115 — written until the server stops
        log_file.write(f"\n--- start {self.starts} ---\n")
        log_file.flush()
        if self.env["DATABASE_URL"].startswith("sqlite"):
            # One server on SQLite runs as `make run` does (gunicorn refuses SQLite: gunicorn.conf.py).
            command = [str(BIN / "flask"), "--app", "wsgi", "sociallab", "serve", "--port", str(self.port)]
        else:
            command = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log_file.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}); see {self.workdir / self.name}.log")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:  # noqa: S310 — our own server
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"the server did not answer /healthz within {timeout} s")

    def kill(self):
        """SIGKILL to the master and its worker together: nothing runs its exit code."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self):
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        self.kill()

    def worker_pids(self):
        return [int(p) for p in subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True,
                                               text=True).stdout.split()]


# --- the checks ----------------------------------------------------------------------------------

def broken_references():
    """Rows whose foreign key names a row that does not exist, one query per foreign key of
    every table (PostgreSQL enforces them; SQLite only when asked, so both are checked alike)."""
    from sociallab.extensions import db
    broken = {}
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table.alias("parent")  # a table may refer to itself
            join = db.and_(*[c == parent.c[e.column.name] for c, e in zip(fk.columns, fk.elements, strict=True)])
            present = db.and_(*[c.isnot(None) for c in fk.columns])
            count = db.session.scalar(db.select(db.func.count()).select_from(
                table.outerjoin(parent, join)).where(present, next(iter(parent.primary_key)).is_(None)))
            if count:
                broken[f"{table.name}.{','.join(c.name for c in fk.columns)}"] = count
    return broken


def sqlite_integrity(path):
    import sqlite3
    with sqlite3.connect(path) as connection:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    return integrity, foreign


def stored_files(upload_dir):
    """(orphans, missing, wrong size, leftovers): stored files no row names, rows whose file is
    gone, files whose size differs from their row's, and anything else under UPLOAD_DIR."""
    from sociallab.extensions import db
    from sociallab.knowledge import storage
    from sociallab.knowledge.models import FileVersion, StoredChunk
    rows = dict(db.session.execute(db.select(FileVersion.stored_name, FileVersion.size)).all())
    files = storage.backend()
    names = files.names()
    if isinstance(files, storage.FilesystemStorage):
        sizes = {n: os.path.getsize(files.path(n)) for n in names}
    else:
        sizes = dict(db.session.execute(db.select(StoredChunk.stored_name, db.func.sum(
            db.func.length(StoredChunk.data))).group_by(StoredChunk.stored_name)).all())
    upload_dir = Path(upload_dir)
    on_disk = {p.name for p in upload_dir.rglob("*") if p.is_file()} if upload_dir.is_dir() else set()
    leftovers = sorted(on_disk - (names if isinstance(files, storage.FilesystemStorage) else set()))
    orphans = sorted(set(names) - set(rows))
    missing = sorted(set(rows) - set(names))
    wrong_size = sorted(n for n in set(names) & set(rows) if sizes.get(n) != rows[n])
    return orphans, missing, wrong_size, leftovers


def found_writes(acks):
    """Which acknowledged writes are in the database and in the search index.

    `acks` are dicts: {"kind": "post", "post_id", "thread_id", "marker"} for a thread or reply
    answered 302 with the post's address; {"kind": "chat"|"ask", "user_id", "client_id"} for an
    acknowledged room event; {"kind": "vote_poll", "user_id", "option_id"} (the last one per
    person counts); {"kind": "vote_question", "user_id", "question_id"}; {"kind": "upload",
    "resource_id", "marker"} for a resource with a file.
    Returns {kind: (acknowledged, in the database, in the index or None)} and the missing ones.
    """
    from sociallab.extensions import db
    from sociallab.forums.models import Post
    from sociallab.knowledge.models import Resource
    from sociallab.search.indexing import get_engine
    from sociallab.workshops.models import ChatMessage, PollVote, Question, QuestionVote
    indexed = set(get_engine().stored_digests())
    tally, missing = {}, []

    def count(kind, in_db, in_index=None):
        a, d, i = tally.get(kind, (0, 0, 0))
        tally[kind] = (a + 1, d + bool(in_db), i + bool(in_index))

    last_poll_vote = {}
    for ack in acks:
        kind = ack["kind"]
        if kind == "post":
            post = db.session.get(Post, ack["post_id"])
            in_db = post is not None and ack["marker"] in post.body
            opener = in_db and post.id == min(p.id for p in post.thread.posts)
            doc = f"thread:{post.thread_id}" if opener else f"post:{ack['post_id']}"
            in_index = in_db and doc in indexed
            count(kind, in_db, in_index)
        elif kind == "upload":
            resource = db.session.get(Resource, ack["resource_id"])
            in_db = resource is not None and ack["marker"] in resource.title and bool(resource.attachments)
            in_index = f"resource:{ack['resource_id']}" in indexed
            count(kind, in_db, in_index)
        elif kind in ("chat", "ask"):
            model = ChatMessage if kind == "chat" else Question
            in_db = db.session.scalar(db.select(model.id).where(
                model.author_id == ack["user_id"], model.client_id == ack["client_id"])) is not None
            in_index = True
            count(kind, in_db, None)
        elif kind == "vote_question":
            in_db = db.session.scalar(db.select(QuestionVote.id).where(
                QuestionVote.user_id == ack["user_id"], QuestionVote.question_id == ack["question_id"])) is not None
            in_index = True
            count(kind, in_db, None)
        elif kind == "vote_poll":
            last_poll_vote[ack["user_id"]] = ack
            continue
        else:
            continue
        if not (in_db and in_index):
            missing.append(ack)
    for ack in last_poll_vote.values():
        in_db = db.session.scalar(db.select(PollVote.id).where(
            PollVote.user_id == ack["user_id"], PollVote.option_id == ack["option_id"])) is not None
        count("vote_poll", in_db, None)
        if not in_db:
            missing.append(ack)
    return tally, missing


def index_differences():
    from sociallab.search.commands import compare_index
    missing, stale, extra = compare_index()
    return {"missing": missing, "stale": stale, "extra": extra}


def percent(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def fresh_workdir(name):
    base = Path(os.environ.get("PROOF_DIR", "/tmp")) / f"sociallab-proof-{name}-{os.getpid()}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    return base


def shuffle(seq):
    seq = list(seq)
    random.shuffle(seq)
    return seq
