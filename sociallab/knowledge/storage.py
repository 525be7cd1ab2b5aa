"""Where the bytes of uploaded files live, behind one interface chosen by STORAGE_BACKEND:
"filesystem" (the default: one file per version under UPLOAD_DIR, on this server's disk) or
"postgres" (the database every server shares: a file is rows of `stored_chunk`, CHUNK_BYTES
each, written and read one chunk at a time, so no file is ever held whole in memory).

Each backend saves from a binary stream (save), opens a stored file as a binary stream (open),
answers a download (send), and deletes (delete_with). Names are ours and random, never the
uploader's. In the database, saving and deleting are part of the unit of work: a rollback leaves
nothing behind and keeps what it would have deleted. On disk, a file is written at once and
removed only after the commit that stops referring to it.

move_files (`flask sociallab move-files --to postgres|filesystem`) copies every stored file from
one backend to the other, for a platform that moves to several servers (or back).
"""
import errno
import hashlib
import io
import logging
import os
import secrets
import shutil
from collections import Counter
from contextlib import suppress

from flask import current_app, request, send_file
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.knowledge.models import FileVersion, StoredChunk

BACKENDS = ("filesystem", "postgres")
CHUNK_BYTES = 256 * 1024
log = logging.getLogger(__name__)
PARTIAL = ".partial"  # a file being written, under UPLOAD_DIR


class StorageFull(ServiceError):
    """The disk holding uploads is full: nothing of the file was kept."""

    status = 507

    def __init__(self):
        super().__init__(_("The server has no room left for this file. Nothing was saved: try again later, "
                           "and tell the platform's administrators if it happens again."))


def new_name():
    return secrets.token_hex(16)


class FilesystemStorage:
    """Files on this server's disk, under UPLOAD_DIR (what every server needs, when they share it)."""

    def __init__(self, directory):
        self.directory = directory

    def path(self, name):
        return os.path.join(self.directory, name)

    def save(self, stream, name=None):
        """Copy a binary stream into a new stored file; (its name, its size in bytes). `name`
        (move_files only) replaces a file of that name once the whole copy is on the disk."""
        os.makedirs(self.directory, exist_ok=True)
        name = name or new_name()
        # Written under a name no one reads, then renamed whole: a write cut short (a full disk,
        # a killed process) never leaves part of a file under `name`, and a failed one leaves nothing.
        partial = self.path(f"{name}{PARTIAL}")
        try:
            with open(partial, "wb") as f:
                shutil.copyfileobj(stream, f, CHUNK_BYTES)
                size = f.tell()
            os.replace(partial, self.path(name))
        except OSError as error:
            with suppress(OSError):
                os.remove(partial)
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFull() from error
            raise
        return name, size

    def open(self, name):
        """A binary stream of a stored file (FileNotFoundError when it is missing)."""
        return open(self.path(name), "rb")

    def exists(self, name):
        return os.path.isfile(self.path(name))

    def names(self):
        """The names of every stored file."""
        if not os.path.isdir(self.directory):
            return set()
        return {name for name in os.listdir(self.directory)
                if not name.endswith(PARTIAL) and os.path.isfile(self.path(name))}

    def delete(self, name):
        with suppress(FileNotFoundError):
            os.remove(self.path(name))

    def delete_with(self, name, after_commit):
        """Delete a stored file with the unit of work: here, once it is committed (`after_commit`
        is handed the removal to call then; a rollback keeps the file)."""
        after_commit(lambda: self.delete(name))

    def discard(self, name):
        """A file saved by a change that is being refused: its bytes are on the disk, outside
        the transaction the caller rolls back, so they go now."""
        self.delete(name)

    def send(self, name, size, *, etag, last_modified, **options):
        # A path: werkzeug answers ranges and conditional requests from the file's own stat.
        return send_file(self.path(name), max_age=0, conditional=True, **options)


class PostgresStorage:
    """Files in the shared database, as rows of CHUNK_BYTES; nothing on this server's disk."""

    def save(self, stream, name=None):
        """Write a binary stream as chunks in the current unit of work; (its name, its size).
        `name` (move_files only) replaces a file of that name in the same unit of work."""
        if name is not None:
            self.delete(name)
        name, number, size = name or new_name(), 0, 0
        while True:
            block = read_block(stream)
            if not block and number:
                break
            # An empty file still gets its (empty) first chunk, so that it exists.
            db.session.execute(insert(StoredChunk), {"stored_name": name, "number": number, "data": block})
            number, size = number + 1, size + len(block)
        return name, size

    def open(self, name):
        """A binary stream of a committed stored file, read chunk by chunk, each on a connection
        taken from the pool just for it (a slow download holds none). FileNotFoundError when it
        is missing."""
        reader = ChunkReader(db.engine, name)
        if not reader.exists():
            raise FileNotFoundError(name)
        return reader

    def exists(self, name):
        return db.session.scalar(select(StoredChunk.number).where(
            StoredChunk.stored_name == name, StoredChunk.number == 0)) is not None

    def names(self):
        """The names of every stored file."""
        return set(db.session.scalars(select(StoredChunk.stored_name).where(StoredChunk.number == 0)))

    def delete(self, name):
        """Delete the chunks in the current unit of work."""
        db.session.execute(delete(StoredChunk).where(StoredChunk.stored_name == name))

    def delete_with(self, name, after_commit):
        """Delete a stored file with the unit of work: here, in it (committed or rolled back with it)."""
        self.delete(name)

    def discard(self, name):
        """A file saved by a change that is being refused: its chunks are in the transaction the
        caller rolls back, so nothing is left to do (and no SQL may run before that rollback)."""

    def send(self, name, size, *, etag, last_modified, **options):
        response = send_file(self.open(name), max_age=0, conditional=False, etag=etag,
                             last_modified=last_modified, **options)
        # A stream has no size werkzeug can see: given here, ranges and conditional requests work too.
        response.content_length = size
        return response.make_conditional(request.environ, accept_ranges=True, complete_length=size)


def read_block(stream):
    """The next CHUNK_BYTES of a stream, fewer only at its end: every chunk but the last is
    whole, which is how ChunkReader finds a position (a pipe or a socket may answer short)."""
    block = stream.read(CHUNK_BYTES)
    while block and len(block) < CHUNK_BYTES:
        more = stream.read(CHUNK_BYTES - len(block))
        if not more:
            break
        block += more
    return block


class ChunkReader(io.RawIOBase):
    """A stored file of the database read one chunk at a time (seekable, for ranged downloads)."""

    def __init__(self, engine, name):
        super().__init__()
        self.engine = engine
        self.name = name
        self.position = 0
        self.number = None  # which chunk `buffer` holds
        self.buffer = b""

    def _chunk(self, number):
        with self.engine.connect() as connection:
            return connection.execute(select(StoredChunk.data).where(
                StoredChunk.stored_name == self.name, StoredChunk.number == number)).scalar()

    def exists(self):
        with self.engine.connect() as connection:
            return connection.execute(select(StoredChunk.number).where(
                StoredChunk.stored_name == self.name, StoredChunk.number == 0)).scalar() is not None

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        if whence != io.SEEK_SET or offset < 0:
            raise io.UnsupportedOperation("only absolute, positive positions")
        self.position = offset
        return offset

    def readinto(self, target):
        """Fill `target` from as many chunks as it spans (short only at the end of the file)."""
        target, filled = memoryview(target).cast("B"), 0
        while filled < len(target):
            number, start = divmod(self.position, CHUNK_BYTES)
            if number != self.number:
                self.buffer, self.number = self._chunk(number) or b"", number
            piece = memoryview(self.buffer)[start:start + len(target) - filled]
            if not piece:
                break
            target[filled:filled + len(piece)] = piece
            filled += len(piece)
            self.position += len(piece)
        return filled

    def close(self):
        self.buffer = b""
        super().close()


def sweep_unreferenced(app):
    """At the start of the one server of a platform on SQLite with files on disk: remove what a
    stopped process wrote for a change it never committed (a whole file no version names, or a
    partial one). Never with several servers or on PostgreSQL, where another process may be
    between writing a file and committing its row."""
    if app.config.get("STORAGE_BACKEND", "filesystem") != "filesystem" or db.engine.dialect.name != "sqlite":
        return 0
    directory = app.config["UPLOAD_DIR"]
    if not os.path.isdir(directory):
        return 0
    try:
        referenced = set(db.session.scalars(select(FileVersion.stored_name)))
    except SQLAlchemyError:  # not migrated yet: nothing uploaded either
        db.session.rollback()
        return 0
    removed = 0
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isfile(path) and name not in referenced:
            with suppress(FileNotFoundError):
                os.remove(path)
                removed += 1
    if removed:
        log.warning("uploads: %d file(s) written by a change that was never committed were removed", removed)
    return removed


def check_backend(app):
    """Refuse at startup a STORAGE_BACKEND no backend answers to (a typo would otherwise surface
    only at the first upload or download, on that server alone)."""
    choice = app.config.get("STORAGE_BACKEND", "filesystem")
    if choice not in BACKENDS:
        raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {choice!r}: filesystem "
                           f"keeps uploaded files under UPLOAD_DIR on this server's disk, postgres in the database "
                           f"every server shares.")


def backend(app=None, choice=None):
    """The storage STORAGE_BACKEND names (or `choice`), for `app` (the current one by default)."""
    config = (app or current_app).config
    choice = choice or config.get("STORAGE_BACKEND", "filesystem")
    if choice == "filesystem":
        return FilesystemStorage(config["UPLOAD_DIR"])
    if choice == "postgres":
        return PostgresStorage()
    raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {choice!r}")


class Hashing(io.RawIOBase):
    """A binary stream read through, its bytes counted and hashed on the way."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream
        self.sha = hashlib.sha256()
        self.size = 0

    def readable(self):
        return True

    def readinto(self, target):
        block = self.stream.read(len(target))
        target[:len(block)] = block
        self.sha.update(block)
        self.size += len(block)
        return len(block)


def fingerprint(files, name):
    """(sha256, size) of a stored file, read a block at a time; None when it is missing."""
    try:
        stream = files.open(name)
    except FileNotFoundError:
        return None
    with stream, Hashing(stream) as reader:
        while reader.read(CHUNK_BYTES):
            pass
        return reader.sha.hexdigest(), reader.size


MOVE_OUTCOMES = ("copied", "already there", "missing", "failed")


def move_files(source, target, report=lambda outcome, name: None):
    """Copy every file a FileVersion refers to from the `source` backend to `target`, under the
    same name, streamed, each one committed on its own and read back from `target` to check its
    size and SHA-256. A file `target` already holds with the same bytes is left as it is; one
    holding other bytes (a copy cut short elsewhere) is replaced. `source` is never changed and
    nothing switches backend: the administrator then sets STORAGE_BACKEND. Safe to run again;
    `report(outcome, name)` hears of each file. A Counter of MOVE_OUTCOMES."""
    counts = Counter(dict.fromkeys(MOVE_OUTCOMES, 0))
    files = db.session.execute(select(FileVersion.stored_name, FileVersion.size).order_by(FileVersion.id)).all()
    db.session.rollback()  # no transaction held open while the files are read
    for name, size in files:
        outcome = _move_one(source, target, name, size)
        counts[outcome] += 1
        report(outcome, name)
    return counts


def _move_one(source, target, name, size):
    there = fingerprint(target, name)
    if there is not None and there[1] == size:
        original = fingerprint(source, name)
        # None: uploaded since the servers switched to `target`.
        if original is None or original == there:
            return "already there"
    try:
        stream = source.open(name)
    except FileNotFoundError:
        return "missing"  # lost before this ran: nothing to copy it from
    with stream, Hashing(stream) as reader:
        target.save(reader, name=name)
    db.session.commit()
    if reader.size == size and fingerprint(target, name) == (reader.sha.hexdigest(), size):
        return "copied"
    target.delete(name)  # a copy that does not read back as the original is not kept
    db.session.commit()
    return "failed"
