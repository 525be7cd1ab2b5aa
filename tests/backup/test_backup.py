"""`flask sociallab backup` and `restore`: a platform backed up and restored onto a fresh install is the
same platform (every table's rows, every uploaded file by its hash, the same search results), on the
suite's database (SQLite, or PostgreSQL with TEST_DATABASE_URL) with files on disk or in PostgreSQL;
and a restore that could not give the same platform is refused before anything is changed."""
import hashlib
import io
import json
import logging
import os
import shutil
import stat
import tarfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime

import flask_migrate
import psycopg
import pytest
from flask import current_app, g
from sqlalchemy import inspect, select, table, text

import config
from sociallab import search
from sociallab.accounts.models import User
from sociallab.backup import services
from sociallab.backup.databases import PostgresDatabase
from sociallab.extensions import db
from sociallab.forums import services as forums
from sociallab.knowledge import storage
from sociallab.knowledge.models import FileVersion
from sociallab.knowledge.uploads import add_file
from tests import factories
from tests.conftest import make_app, serving, skip_or_fail
from tests.knowledge import files

QUERIES = ["écoute", "enfants", "guide", "audition", "premier message", "protection", "témoignage"]


# Where uploaded files and search live: (STORAGE_BACKEND, SEARCH_BACKEND).
SHAPES = {"one server": ("filesystem", "whoosh"), "several servers": ("postgres", "postgres")}


@pytest.fixture
def shape():
    return "one server"


@pytest.fixture
def app(tmp_path, shape):
    """The suite's test app, with files and search on disk or (PostgreSQL only) in the database."""
    on_postgresql = config.TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")
    if shape == "several servers" and not on_postgresql:
        skip_or_fail("files and search in PostgreSQL are backed up when TEST_DATABASE_URL points at PostgreSQL")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if on_postgresql and shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"backups of PostgreSQL need {', '.join(missing)} (Debian: postgresql-client)")
    storage_backend, search_backend = SHAPES[shape]
    with serving(make_app(tmp_path, STORAGE_BACKEND=storage_backend, SEARCH_BACKEND=search_backend)) as app:
        yield app


@pytest.fixture(autouse=True)
def logging_kept():
    """Running migrations loads Alembic's logging configuration (migrations/env.py): the root
    logger's level and handlers, and its own loggers', are put back for the tests that follow."""
    names = ("", "sqlalchemy.engine", "alembic", "flask_migrate")
    kept = {name: (logging.getLogger(name).level, list(logging.getLogger(name).handlers)) for name in names}
    yield
    for name, (level, handlers) in kept.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


@pytest.fixture
def stamped(app):
    """The suite's database as `flask db upgrade` leaves it: recorded at the code's migration head
    (the tests build the schema from the models; the stamp is taken away afterwards)."""
    flask_migrate.stamp()
    yield
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def platform(app, stamped, world):
    """People, a space with a thread and replies, and a library resource with two uploaded files."""
    forum = factories.forum(world)
    forums.reply(forum.thread, world.member2, "Témoignage : l'écoute des enfants en audition.", "fr")
    forums.reply(forum.thread, world.moderator, "Merci, le guide de protection est dans la bibliothèque.", "fr")
    resource = factories.resource(world.sn_space, world.member, title="Guide de protection",
                                  body="Comment préparer une audition adaptée aux enfants.")
    add_file(resource, "guide.pdf", files.pdf("Guide de protection des enfants"), world.member)
    add_file(resource, "audition.pdf", files.pdf("Audition et temoignage"), world.member)
    return [world.member.id, world.other_member.id, world.admin.id, world.volunteer_out.id]


class Databases:
    """Empty databases named for tests, for fresh installs: SQLite files, or PostgreSQL databases
    beside the suite's, created with psycopg when first asked for, emptied when asked for again,
    and dropped when the module's tests are done (a drop costs seconds on a busy server)."""

    def __init__(self):
        self.server = None
        self.made = set()

    def url(self, name, tmp_path):
        suite = db.engine.url
        if suite.get_backend_name() == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}_test.db'}"
        database = f"{suite.database}_{name}"
        assert "test" in database
        if self.server is None:
            self.server = psycopg.connect(suite.set(drivername="postgresql", database="postgres")
                                          .render_as_string(hide_password=False), autocommit=True)
        url = suite.set(database=database)
        if database in self.made:
            with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                                 autocommit=True) as connection:
                connection.execute("DROP SCHEMA public CASCADE")
                connection.execute("CREATE SCHEMA public")
        else:
            self.server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            self.server.execute(f'CREATE DATABASE "{database}"')
            self.made.add(database)
        return url.render_as_string(hide_password=False)

    def drop(self):
        if self.server is not None:
            for database in self.made:
                self.server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            self.server.close()


@pytest.fixture(scope="module")
def databases():
    made = Databases()
    yield made
    made.drop()


@contextmanager
def fresh_install(databases, tmp_path, name):
    """A second app, on an empty database, with its own upload and index directories, and files
    and search kept as the current app keeps them."""
    settings = {key: current_app.config[key] for key in ("STORAGE_BACKEND", "SEARCH_BACKEND")}
    target = make_app(tmp_path / name, SQLALCHEMY_DATABASE_URI=databases.url(name, tmp_path), **settings)
    try:
        yield target
    finally:
        with target.app_context():
            db.session.remove()
            db.engine.dispose()


def run(app, *args):
    """`flask sociallab …` on `app`, as an administrator runs it on that install."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["sociallab", *args])


def every_table():
    """{table: (row count, SHA-256 of its rows)} for every table of the current app's database."""
    digests = {}
    with db.engine.connect() as connection:
        for name in sorted(inspect(connection).get_table_names()):
            rows = sorted(repr(tuple(row)) for row in connection.execute(select(text("*")).select_from(table(name))))
            digests[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return digests


def every_file():
    """{stored name: SHA-256} of every uploaded file, read through the storage interface."""
    files_ = storage.backend()
    digests = {}
    for name in db.session.scalars(select(FileVersion.stored_name)):
        with files_.open(name) as stream:
            digests[name] = hashlib.sha256(stream.read()).hexdigest()
    return digests


def search_results(people):
    """What each person (and a visitor) finds for each query: the hits in order, and the total."""
    found = {}
    for person_id in [None, *people]:
        person = db.session.get(User, person_id) if person_id else None
        for words in QUERIES:
            for key in list(vars(g)):  # a new request's caches for each search
                g.pop(key)
            results = search.query(person, words)
            found[(person_id, words)] = ([(hit.id, hit.group) for hit in results.hits], results.total)
    return found


def platform_state(app, people):
    with app.app_context():
        state = {"tables": every_table(), "files": every_file(), "search": search_results(people)}
        db.session.remove()
        return state


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_restored_platform_is_the_one_backed_up(app, platform, databases, tmp_path):
    before = platform_state(app, platform)
    assert before["tables"]["post"][0] == 3 and len(before["files"]) == 2
    assert before["tables"]["alembic_version"][0] == 1
    assert sum(total for _hits, total in before["search"].values()) > 0

    backed_up = run(app, "backup", str(tmp_path))
    assert backed_up.exit_code == 0, backed_up.output
    [path] = list(tmp_path.glob("sociallab-backup-*.tar"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # everything the platform keeps, personal data included
    assert app.config["SECRET_KEY"].encode() not in path.read_bytes()
    with tarfile.open(path) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["migration_revision"] == services._migrations().get_current_head()
    assert {entry["sha256"] for entry in manifest["storage"]["files"]} == set(before["files"].values())

    with fresh_install(databases, tmp_path, "restored") as target:
        restored = run(target, "restore", str(path))
        assert restored.exit_code == 0, restored.output
        after = platform_state(target, platform)
        assert after["tables"] == before["tables"]
        assert after["files"] == before["files"]
        assert after["search"] == before["search"]
        checked = run(target, "check-index")
        assert checked.exit_code == 0, checked.output


def _rewrite(path, destination, change):
    """A copy of the archive at `path` with `change(name, data)` applied to each member."""
    with tarfile.open(path) as source, tarfile.open(destination, "w") as copy:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return str(destination)


def test_a_restore_that_would_not_give_the_same_platform_is_refused(app, platform, databases, tmp_path,
                                                                     monkeypatch):
    path = str(tmp_path / "platform.tar")
    assert run(app, "backup", path).exit_code == 0
    before = platform_state(app, platform)

    onto_itself = run(app, "restore", path)  # a database with content is never replaced silently
    assert onto_itself.exit_code == 1 and "not empty" in onto_itself.output and "--force" in onto_itself.output
    assert platform_state(app, platform)["tables"] == before["tables"]

    def newer(name, data):
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "migration_revision": "f00dcafe1234"}).encode()

    def damaged(name, data):  # one bit changed at the end of every file but the manifest
        return data if name == "manifest.json" else data[:-1] + bytes([data[-1] ^ 1])

    with tarfile.open(path) as archive:
        uploads = [name for name in archive.getnames() if name.startswith("uploads/")]
    assert len(uploads) == (2 if app.config["STORAGE_BACKEND"] == "filesystem" else 0)  # else in the database
    with fresh_install(databases, tmp_path, "restored") as target:
        from_newer = run(target, "restore", _rewrite(path, tmp_path / "newer.tar", newer))
        assert from_newer.exit_code == 1 and "f00dcafe1234" in from_newer.output
        assert "newer version" in from_newer.output
        refused = run(target, "restore", _rewrite(path, tmp_path / "damaged.tar", damaged))
        assert refused.exit_code == 1 and "SHA-256" in refused.output, refused.output
        with target.app_context():
            assert services.is_empty(db.engine)  # nothing was restored from either
        uploads_dir = target.config["UPLOAD_DIR"]
        assert not os.path.isdir(uploads_dir) or os.listdir(uploads_dir) == []
        restored = run(target, "restore", path)
        assert restored.exit_code == 0, restored.output
        again = run(target, "restore", path)
        assert again.exit_code == 1 and "not empty" in again.output
        if db.engine.dialect.name == "postgresql":  # a restore failing half-way changes nothing
            drops = PostgresDatabase._drop_statements
            monkeypatch.setattr(PostgresDatabase, "_drop_statements",
                                lambda self: [*drops(self), "SELECT 1/0;"])
            failed = run(target, "restore", "--force", path)
            assert failed.exit_code == 1 and "left as it was" in failed.output, failed.output
            assert platform_state(target, platform)["tables"] == before["tables"]
            monkeypatch.undo()
        forced = run(target, "restore", "--force", path)
        assert forced.exit_code == 0, forced.output
        assert platform_state(target, platform)["tables"] == before["tables"]


def _schema():
    inspector = inspect(db.engine)
    return {name: sorted(column["name"] for column in inspector.get_columns(name))
            for name in inspector.get_table_names()}


def test_an_archive_from_an_older_version_is_migrated_to_this_one_on_restore(app, databases, tmp_path):
    head = services._migrations().get_current_head()
    previous = services._migrations().get_revision(head).down_revision
    path = str(tmp_path / "older.tar")
    with fresh_install(databases, tmp_path, "restored") as older:
        with older.app_context():
            flask_migrate.upgrade(revision=previous)
        backed_up = run(older, "backup", path)
        assert backed_up.exit_code == 0, backed_up.output
        with tarfile.open(path) as archive:
            assert json.load(archive.extractfile("manifest.json"))["migration_revision"] == previous
        with older.app_context():  # the same install upgraded in place: the schema to expect
            flask_migrate.upgrade()
            upgraded = _schema()
    with fresh_install(databases, tmp_path, "restored") as target:  # emptied again: a fresh install
        restored = run(target, "restore", path)
        assert restored.exit_code == 0, restored.output
        assert f"at migration {previous}" in restored.output
        with target.app_context():
            assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
            assert _schema() == upgraded


def test_a_backup_taken_while_people_write_restores_the_moment_it_was_taken(app, databases, tmp_path):
    """Rows written during the backup, on their own connection as a server's would be: the archive
    holds those committed when its copy began and none after (restore checks every table's count
    against the manifest, read in the same snapshot as the copy), whatever the database."""
    path = str(tmp_path / "busy.tar")
    with fresh_install(databases, tmp_path, "restored") as busy:
        with busy.app_context():
            flask_migrate.upgrade()
            engine = db.engine
        written, started, stop = [], threading.Event(), threading.Event()

        def write():
            with engine.connect() as connection:
                while not stop.is_set():
                    connection.execute(text("INSERT INTO audit_entry (created_at, action, target_type) "
                                            "VALUES (:at, 'test.write', 'Test')"), {"at": datetime.now(UTC)})
                    connection.commit()
                    written.append(1)
                    if len(written) >= 20:
                        started.set()

        writer = threading.Thread(target=write)
        writer.start()
        try:
            assert started.wait(30)
            before = len(written)
            backed_up = run(busy, "backup", path)
            assert backed_up.exit_code == 0, backed_up.output
            after = len(written)
            deadline = time.monotonic() + 30
            while len(written) < after + 5 and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            stop.set()
            writer.join()
        with tarfile.open(path) as archive:
            counted = json.load(archive.extractfile("manifest.json"))["database"]["row_counts"]["audit_entry"]
        assert before <= counted <= after < len(written)
        restored = run(busy, "restore", "--force", path)
        assert restored.exit_code == 0, restored.output
        with busy.app_context():
            assert db.session.execute(text("SELECT count(*) FROM audit_entry")).scalar() == counted
            if db.engine.dialect.name == "sqlite":
                assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_a_file_missing_from_the_disk_is_named_and_the_backup_says_it_failed(app, platform, tmp_path):
    with app.app_context():
        lost, kept = db.session.scalars(select(FileVersion.stored_name).order_by(FileVersion.id)).all()
    os.remove(os.path.join(app.config["UPLOAD_DIR"], lost))
    path = tmp_path / "incomplete.tar"
    result = run(app, "backup", str(path))
    assert result.exit_code == 1 and f"Warning: {lost}: missing from" in result.output
    with tarfile.open(path) as archive:  # written all the same, with every other file
        assert f"uploads/{kept}" in archive.getnames() and f"uploads/{lost}" not in archive.getnames()
