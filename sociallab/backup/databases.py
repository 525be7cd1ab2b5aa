"""The database's part of a backup: a consistent copy taken while the server runs, and putting one back.

SQLite: SQLite's online backup API (sqlite3.Connection.backup) copies the database in one step,
as one read transaction, while the server goes on writing. PostgreSQL: `pg_dump --format=custom`
in a snapshot exported by a REPEATABLE READ transaction, in which the manifest's counts and the
stored files are read too, so the whole archive shows one moment; `pg_restore` and `psql` put it
back in one transaction.
"""
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 — pg_dump, pg_restore and psql only, argument lists, no shell
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection


class DatabaseError(RuntimeError):
    """The database cannot be copied or restored here, and what to do about it."""


@dataclass
class Snapshot:
    """A copy of the database in a file (`path`), and a connection reading the same moment."""
    path: str
    connection: Connection
    details: dict = field(default_factory=dict)


def for_engine(engine):
    if engine.dialect.name == "sqlite":
        return SQLiteDatabase(engine)
    if engine.dialect.name == "postgresql":
        return PostgresDatabase(engine)
    raise DatabaseError(f"backups are made of SQLite and PostgreSQL databases, not {engine.dialect.name}")


def _integrity(connection):
    """SQLite's own check of a database file: [] when it is sound."""
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return [] if problems == ["ok"] else problems


class SQLiteDatabase:
    kind = "sqlite"
    member = "database.sqlite3"

    def __init__(self, engine):
        self.engine = engine

    def _in_memory(self):
        return self.engine.url.database in (None, "", ":memory:")

    @contextmanager
    def snapshot(self, work):
        path = os.path.join(work, self.member)
        copy = sqlite3.connect(path)
        raw = self.engine.raw_connection()
        try:
            # pages=-1 (the default): the whole database in one step, one consistent read.
            raw.driver_connection.backup(copy)
            problems = _integrity(copy)
        finally:
            raw.close()
            copy.close()
        if problems:
            raise DatabaseError(f"SQLite reports the database damaged; nothing was backed up: {problems[:5]}")
        reader = create_engine(f"sqlite:///{path}")
        try:
            with reader.connect() as connection:
                yield Snapshot(path, connection, {"sqlite_version": sqlite3.sqlite_version})
        finally:
            reader.dispose()

    def check_target(self, manifest):
        """Nothing to check beforehand: any SQLite opens a copy made by the backup API."""

    def restore(self, path):
        """Replace the whole database with the copy at `path`, through the backup API."""
        source = sqlite3.connect(path)
        raw = self.engine.raw_connection()
        try:
            source.backup(raw.driver_connection)
            problems = _integrity(raw.driver_connection)
        finally:
            raw.close()
            source.close()
        if not self._in_memory():  # one shared connection holds an in-memory database: it stays
            self.engine.dispose()
        if problems:
            raise DatabaseError(f"SQLite reports the restored database damaged: {problems[:5]}")


def _libpq(url):
    """The database URL as pg_dump and pg_restore take it: a connection URI without the password,
    which goes in their environment (never on a command line, where `ps` would show it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _major(version_text):
    match = re.search(r"(\d+)(?:\.(\d+))?", version_text or "")
    if not match:
        raise DatabaseError(f"cannot read a PostgreSQL version in {version_text!r}")
    return int(match.group(1))


class PostgresDatabase:
    kind = "postgresql"
    member = "database.pgdump"

    def __init__(self, engine):
        self.engine = engine

    def tool(self, name):
        """The path of pg_dump or pg_restore, and its version text ("15.20")."""
        path = shutil.which(name)
        if path is None:
            raise DatabaseError(f"{name} is not installed (or not on PATH): install the PostgreSQL client of the "
                                f"server's version (Debian: postgresql-client).")
        # An argument list, no shell: the program found on PATH, with its own name's option.
        result = subprocess.run([path, "--version"], capture_output=True, text=True,  # noqa: S603  # nosec B603
                                check=False)
        version = result.stdout.strip().rsplit(" ", 1)[-1] if result.stdout else ""
        return path, version.split(" ")[0]

    @staticmethod
    def server_version(connection):
        return connection.execute(text("SHOW server_version")).scalar().split(" ")[0]

    def _run(self, arguments):
        uri, env = _libpq(self.engine.url)
        # An argument list, no shell: pg_dump or pg_restore with options and paths of our own.
        result = subprocess.run([*arguments, f"--dbname={uri}"], capture_output=True,  # noqa: S603  # nosec B603
                                text=True, env=env, check=False)
        if result.returncode != 0:
            raise DatabaseError(f"{os.path.basename(arguments[0])} failed: {result.stderr.strip()[-2000:]}")

    @contextmanager
    def snapshot(self, work):
        path = os.path.join(work, self.member)
        pg_dump, dump_version = self.tool("pg_dump")
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with self.engine.connect().execution_options(**options) as connection:
            server = self.server_version(connection)
            if _major(dump_version) < _major(server):
                raise DatabaseError(f"pg_dump {dump_version} is older than the server ({server}) and cannot copy it: "
                                    f"install the PostgreSQL {_major(server)} client and put it first on PATH.")
            # The transaction's snapshot, shared with pg_dump: the dump, the counts and the stored
            # files read below all show the same moment, whatever the server writes meanwhile.
            exported = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
            self._run([pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={path}"])
            yield Snapshot(path, connection, {"server_version": server, "pg_dump_version": dump_version})
            connection.rollback()

    def check_target(self, manifest):
        """Refuse, before anything is changed, what pg_restore could not put back here."""
        made_by = manifest["database"].get("pg_dump_version", "")
        _path, restore_version = self.tool("pg_restore")
        self.tool("psql")
        if _major(restore_version) < _major(made_by):
            raise DatabaseError(f"the archive was written by pg_dump {made_by}; pg_restore {restore_version} cannot "
                                f"read it. Install the PostgreSQL {_major(made_by)} client (or newer).")
        with self.engine.connect() as connection:
            server = self.server_version(connection)
        source = manifest["database"].get("server_version", "")
        if _major(server) < _major(source):
            raise DatabaseError(f"the archive comes from PostgreSQL {source}; this server runs {server}. Restore "
                                f"onto PostgreSQL {_major(source)} or newer.")

    # Objects of the current schema made by the migrations rather than by an extension (the search's
    # text search configurations and any function): each as the name DROP takes.
    OWN_OBJECTS = {
        "TEXT SEARCH CONFIGURATION": ("SELECT quote_ident(c.cfgname) FROM pg_ts_config c WHERE c.cfgnamespace = "
                                      "current_schema()::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                                      "WHERE d.objid = c.oid AND d.deptype = 'e')"),
        "FUNCTION": ("SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = "
                     "current_schema()::regnamespace AND p.prokind = 'f' AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                     "WHERE d.objid = p.oid AND d.deptype = 'e')"),
    }

    def _drop_statements(self):
        """What empties the target schema, so that nothing the dump creates is there already and
        nothing of a newer schema (tables the archive's migration did not have yet) stays to clash
        with the migrations. Extensions stay: the dump creates them only if they are missing (and
        the target's user may not be allowed to drop or create them)."""
        inspector = inspect(self.engine)
        preparer = self.engine.dialect.identifier_preparer
        names = {
            "VIEW": [preparer.quote(name) for name in inspector.get_view_names()],
            "TABLE": [preparer.quote(name) for name in inspector.get_table_names()],
            "SEQUENCE": [preparer.quote(name) for name in inspector.get_sequence_names()],
            "TYPE": [preparer.quote(enum["name"]) for enum in inspector.get_enums()],
        }
        with self.engine.connect() as connection:
            for kind, query in self.OWN_OBJECTS.items():
                names[kind] = list(connection.execute(text(query)).scalars())
        self.engine.dispose()
        return [f"DROP {kind} IF EXISTS {', '.join(found)} CASCADE;" for kind, found in names.items() if found]

    def restore(self, path):
        """Replace the database's content with the dump at `path`, all or nothing: the drops and the
        dump's statements run in one transaction of psql, so a failure leaves the content as it was.
        As the target's own user (its owner and grants, not the source's), and without the comments
        on extensions, which only their owner may set."""
        pg_restore, _version = self.tool("pg_restore")
        psql, _version = self.tool("psql")
        prelude = os.path.join(os.path.dirname(path), "drop.sql")
        with open(prelude, "w") as f:
            f.write("\n".join(self._drop_statements()) + "\n")
        uri, env = _libpq(self.engine.url)
        with open(os.path.join(os.path.dirname(path), "pg_restore.log"), "w+") as log:
            # Argument lists of our own, no shell (as for every call below).
            script = subprocess.Popen(  # noqa: S603  # nosec B603
                [pg_restore, "--no-owner", "--no-privileges", "--no-comments", "--file=-", path],
                stdout=subprocess.PIPE, stderr=log, env=env)
            try:
                # The script streamed into psql, in one transaction.
                applied = subprocess.run(  # noqa: S603  # nosec B603
                    [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
                     f"--file={prelude}", "--file=-", f"--dbname={uri}"],
                    stdin=script.stdout, capture_output=True, text=True, env=env, check=False)
            finally:
                script.stdout.close()
                written = script.wait()
            log.seek(0)
            errors = log.read()
        if applied.returncode != 0 or written != 0:
            raise DatabaseError(f"the dump could not be restored; the database was left as it was: "
                                f"{(applied.stderr + errors).strip()[-2000:]}")
        self.engine.dispose()
