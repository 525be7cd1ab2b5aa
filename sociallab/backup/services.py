"""Backing the platform up into one archive, and restoring an archive onto a fresh install.

An archive holds the database (every table: accounts, content, the uploaded files' metadata, and
with STORAGE_BACKEND=postgres the files themselves, as rows of stored_chunk), the uploaded files
from UPLOAD_DIR when they are on disk, and a manifest. It never holds the secret key or any
setting: those belong to the server's environment. The search index is not copied: restoring
rebuilds it from the restored database, which is always consistent with it.
"""
import hashlib
import os
import shutil
import tempfile
from datetime import UTC, datetime
from types import SimpleNamespace

import flask_migrate
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import func, inspect, select, table, text

from sociallab.backup import archive, databases
from sociallab.extensions import db
from sociallab.knowledge import storage

MIGRATIONS_TABLE = "alembic_version"


class BackupError(RuntimeError):
    """A backup or restore that was refused or failed, with what to do about it."""


def default_name(now=None):
    now = now or datetime.now(UTC)
    return f"sociallab-backup-{now:%Y%m%dT%H%M%SZ}.tar"


def archive_path(destination):
    """A directory gets a dated archive name inside it; any other path is the archive's own."""
    if os.path.isdir(destination):
        return os.path.join(destination, default_name())
    directory = os.path.dirname(os.path.abspath(destination))
    if destination.endswith(os.sep) or not os.path.isdir(directory):
        raise BackupError(f"there is no directory {destination if destination.endswith(os.sep) else directory}: "
                          f"create it first (readable by the servers' user only).")
    return destination


# What is read from the database's snapshot (the same moment as the copy in the archive).

def _tables(connection):
    return sorted(inspect(connection).get_table_names())


def _row_counts(connection):
    return {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in _tables(connection)}


def _revision(connection):
    if MIGRATIONS_TABLE not in _tables(connection):
        return None
    revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return revisions[0] if len(revisions) == 1 else None


def _stored_files(connection):
    """{stored name: size} of every uploaded file the database refers to."""
    if "file_version" not in _tables(connection):
        return {}
    return dict(connection.execute(text("SELECT stored_name, size FROM file_version ORDER BY stored_name")).all())


def _chunk_digests(connection):
    """{stored name: (size, sha256)} of the files kept as rows of stored_chunk, read in order."""
    digests, name, hashing, size = {}, None, None, 0
    rows = connection.execution_options(stream_results=True, yield_per=64).execute(
        text("SELECT stored_name, data FROM stored_chunk ORDER BY stored_name, number"))
    for stored_name, data in rows:
        if stored_name != name:
            if name is not None:
                digests[name] = (size, hashing.hexdigest())
            name, hashing, size = stored_name, hashlib.sha256(), 0
        hashing.update(data)
        size += len(data)
    if name is not None:
        digests[name] = (size, hashing.hexdigest())
    return digests


def _storage_backend():
    return current_app.config.get("STORAGE_BACKEND", "filesystem")


def _search_backend():
    return current_app.config.get("SEARCH_BACKEND", "whoosh")


def create_backup(destination, echo=lambda line: None):
    """Write the archive at `destination` (a file, or a directory for a dated name inside it).

    Returns (path, manifest). `manifest["storage"]["problems"]` lists files the database refers
    to but that could not be copied (the archive is written all the same)."""
    path = archive_path(destination)
    database = databases.for_engine(db.engine)
    backend = _storage_backend()
    if backend not in storage.BACKENDS:
        raise BackupError(f"STORAGE_BACKEND must be one of {', '.join(storage.BACKENDS)}, not {backend!r}")
    db.session.remove()  # the snapshot is read on its own connection, not in a leftover transaction
    directory = os.path.dirname(os.path.abspath(path))
    try:
        with archive.Writer(path) as writer, tempfile.TemporaryDirectory(dir=directory,
                                                                         prefix=".sociallab-backup-") as work:
            taken = datetime.now(UTC)  # the copy's moment is a little later, and never earlier
            with database.snapshot(work) as snapshot:
                connection = snapshot.connection
                revision = _revision(connection)
                if revision is None:
                    raise BackupError("the database has no migration revision (table alembic_version): run "
                                      "`flask db upgrade` (or `flask db stamp head` for a schema made otherwise).")
                counts = _row_counts(connection)
                stored = _stored_files(connection)
                echo(f"Database: {sum(counts.values())} rows in {len(counts)} tables, copied.")
                writer.add_file(database.member, snapshot.path)
                if backend == "postgres":
                    files, problems = _files_in_database(connection, stored)
                else:
                    files, problems = _files_on_disk(writer, stored)
            echo(f"Uploaded files: {len(files)} ({backend}).")
            manifest = {
                "format": archive.FORMAT,
                "version": archive.VERSION,
                "created_at": taken.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "migration_revision": revision,
                "database": {"kind": database.kind, "member": database.member, **snapshot.details,
                             "row_counts": counts},
                "storage": {"backend": backend, "files": files, "problems": problems},
                "search": {"backend": _search_backend(),
                           "index": "not copied: restore rebuilds it from the database (flask sociallab reindex)"},
            }
            return path, writer.finish(manifest)
    except (archive.ArchiveError, databases.DatabaseError, OSError) as error:
        raise BackupError(str(error)) from error


def _files_on_disk(writer, stored):
    files, problems = [], []
    directory = current_app.config["UPLOAD_DIR"]
    for name, size in stored.items():
        if not archive.MEMBER.fullmatch(f"uploads/{name}"):
            problems.append(f"{name}: not a stored file name; not copied")
            continue
        try:
            writer.add_file(f"uploads/{name}", os.path.join(directory, name))
        except FileNotFoundError:
            problems.append(f"{name}: missing from {directory} (if it was deleted while the backup ran, "
                            f"run it again)")
            continue
        member = writer.members[-1]
        if member["size"] != size:
            problems.append(f"{name}: {member['size']} bytes on disk, {size} recorded")
        files.append({"name": name, "size": member["size"], "sha256": member["sha256"]})
    return files, problems


def _files_in_database(connection, stored):
    digests = _chunk_digests(connection)
    files, problems = [], []
    for name, size in stored.items():
        if name not in digests:
            problems.append(f"{name}: no stored_chunk rows")
            continue
        actual, sha256 = digests[name]
        if actual != size:
            problems.append(f"{name}: {actual} bytes stored, {size} recorded")
        files.append({"name": name, "size": actual, "sha256": sha256})
    return files, problems


# Restoring.

def _migrations():
    extension = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(extension.migrate.get_config(extension.directory))


def _check_revision(revision):
    """Whether the archive's schema is this code's head; refuses one this code does not know (a newer version's)."""
    script = _migrations()
    try:
        known = revision is not None and script.get_revision(revision) is not None
    except (ResolutionError, CommandError):
        known = False
    if not known:
        raise BackupError(f"the archive's database is at migration {revision!r}, which this version of Sociallab "
                          f"does not know (it was made by a newer version): restore it with that version or newer.")
    return revision in script.get_heads()


def is_empty(engine):
    """Whether a database holds no row (an empty schema, or no table at all)."""
    names = [name for name in inspect(engine).get_table_names() if name != MIGRATIONS_TABLE]
    with engine.connect() as connection:
        return not any(connection.execute(select(text("1")).select_from(table(name)).limit(1)).first()
                       for name in names)


def restore_backup(path, force=False, echo=lambda line: None):
    """Restore the archive at `path` into this app's database and storage, then migrate the schema
    to this code's head if the archive's is older. Everything is checked (kind of database and
    storage, migration, tools, hashes of every member) before the database is touched.
    The search index is left to the caller (rebuilt from the database). Returns a summary."""
    try:
        reader = archive.Reader(path)
    except archive.ArchiveError as error:
        raise BackupError(str(error)) from error
    try:
        return _restore(reader, force, echo)
    except (archive.ArchiveError, databases.DatabaseError, OSError) as error:
        raise BackupError(str(error)) from error
    finally:
        reader.close()


def _restore(reader, force, echo):
    manifest = reader.manifest
    engine = db.engine
    database = databases.for_engine(engine)
    kind = manifest["database"]["kind"]
    if kind != database.kind:
        raise BackupError(f"the archive holds a {kind} database; this install uses {database.kind}. Restore onto "
                          f"the same kind of database.")
    backend = manifest["storage"]["backend"]
    if backend != _storage_backend():
        raise BackupError(f"the archive's files were kept with STORAGE_BACKEND={backend}; this install has "
                          f"STORAGE_BACKEND={_storage_backend()}. Set it as on the server backed up.")
    at_head = _check_revision(manifest["migration_revision"])
    database.check_target(manifest)
    db.session.remove()
    if not is_empty(engine):
        if not force:
            raise BackupError("this database is not empty: restoring would replace everything in it. Restore onto a "
                              "fresh install, or add --force to replace its content.")
        echo("The database is not empty: its content is replaced (--force).")

    upload_dir = current_app.config["UPLOAD_DIR"]
    uploads = reader.names("uploads/")
    with tempfile.TemporaryDirectory(prefix="sociallab-restore-") as work:
        staged = None
        try:
            # Every member is copied out and checked against its SHA-256 before anything is replaced.
            dump = os.path.join(work, database.member)
            with open(dump, "wb") as target:
                reader.extract(manifest["database"]["member"], target)
            if uploads:
                os.makedirs(upload_dir, exist_ok=True)
                staged = tempfile.mkdtemp(dir=upload_dir, prefix=".restore-")
                for name in uploads:
                    with open(os.path.join(staged, os.path.basename(name)), "xb") as target:
                        reader.extract(name, target)
            echo(f"Archive of {manifest['created_at']} checked: its {len(reader.members)} file(s) match their SHA-256.")
            database.restore(dump)
            for name in uploads:
                base = os.path.basename(name)
                os.replace(os.path.join(staged, base), os.path.join(upload_dir, base))
        finally:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)

    counts = _row_counts_now()
    expected = manifest["database"]["row_counts"]
    if counts != expected:
        differ = sorted(name for name in set(counts) | set(expected) if counts.get(name) != expected.get(name))
        raise BackupError(f"the restored database differs from the archive's counts in: {', '.join(differ)}")
    echo(f"Database restored: {sum(counts.values())} rows in {len(counts)} tables, as in the archive.")
    if not at_head:
        echo(f"The archive's schema is at migration {manifest['migration_revision']}: upgrading it to this version's.")
        flask_migrate.upgrade()
    damaged = _check_stored_files(manifest["storage"]["files"])
    if damaged:
        raise BackupError(f"{len(damaged)} restored file(s) differ from the archive: {damaged[:5]}")
    echo(f"Uploaded files: {len(manifest['storage']['files'])} restored and read back with their SHA-256.")
    return SimpleNamespace(manifest=manifest, rows=sum(counts.values()), migrated=not at_head,
                           files=len(manifest["storage"]["files"]))


def _row_counts_now():
    with db.engine.connect() as connection:
        return _row_counts(connection)


def _check_stored_files(files):
    """Each file of the manifest read back through the storage interface: the names of those that differ."""
    backend, damaged = storage.backend(), []
    for entry in files:
        try:
            with backend.open(entry["name"]) as stream:
                size, sha256 = archive.sha256_of(stream)
        except FileNotFoundError:
            damaged.append(f"{entry['name']} (missing)")
            continue
        if (size, sha256) != (entry["size"], entry["sha256"]):
            damaged.append(entry["name"])
    db.session.remove()
    return damaged
