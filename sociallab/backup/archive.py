"""The backup archive: one uncompressed tar holding the database copy, the uploaded files (when they
are on disk) and, last, manifest.json, which lists every other member with its size and SHA-256.

Written under a temporary name beside its destination and renamed once complete and synced, so a
file with the final name is always a whole archive. Readable only by its owner (0600): it holds
everything the platform keeps, personal data included.
"""
import hashlib
import json
import os
import re
import tarfile
import time

FORMAT = "sociallab-backup"
VERSION = 1
MANIFEST = "manifest.json"
BLOCK = 1024 * 1024
# The only members an archive may hold besides the manifest: the database and uploads/<stored name>.
DATABASE_SUFFIX = {"sqlite": "sqlite3", "postgresql": "pgdump"}
MEMBER = re.compile(r"(database\.(sqlite3|pgdump)|uploads/[A-Za-z0-9_-]{1,64})")


class ArchiveError(RuntimeError):
    """An archive that cannot be written, or read back as what it claims to be."""


class Hashing:
    """A binary stream read through, counting its bytes and their SHA-256."""

    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        block = self.stream.read(size)
        self.sha256.update(block)
        self.size += len(block)
        return block


def sha256_of(stream):
    hashing = Hashing(stream)
    while hashing.read(BLOCK):
        pass
    return hashing.size, hashing.sha256.hexdigest()


class Writer:
    """with Writer(path) as archive: archive.add(...); archive.finish(manifest) — nothing at `path`
    unless finish ran; then a complete archive appears there at once."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        directory, name = os.path.split(self.path)
        self.partial = os.path.join(directory, f".{name}.partial-{os.getpid()}")
        self.members = []
        self.tar = None

    def __enter__(self):
        if os.path.exists(self.path):
            raise ArchiveError(f"{self.path} already exists: backups are never overwritten.")
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.file = os.fdopen(descriptor, "wb")
        self.tar = tarfile.open(fileobj=self.file, mode="w", format=tarfile.PAX_FORMAT)
        return self

    def add(self, name, stream, size):
        """Copy `size` bytes of a binary stream in as member `name`; its SHA-256 goes to the manifest."""
        if not MEMBER.fullmatch(name):
            raise ArchiveError(f"not a member an archive may hold: {name!r}")
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(time.time()), 0o600
        hashing = Hashing(stream)
        self.tar.addfile(info, hashing)
        self.members.append({"path": name, "size": size, "sha256": hashing.sha256.hexdigest()})

    def add_file(self, name, path):
        with open(path, "rb") as f:
            self.add(name, f, os.fstat(f.fileno()).st_size)

    def finish(self, manifest):
        """Write the manifest (with the member list), sync, and give the archive its name."""
        manifest = {**manifest, "members": self.members}
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        self.tar.addfile(info, _BytesReader(data))
        self.tar.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.partial, self.path)
        _sync_directory(os.path.dirname(self.path))
        self.tar = None
        return manifest

    def __exit__(self, kind, error, trace):
        if self.tar is not None:  # not finished: nothing is left behind
            self.tar.close()
            self.file.close()
            os.remove(self.partial)


class _BytesReader:
    def __init__(self, data):
        self.data, self.position = data, 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.position + size
        block = self.data[self.position:end]
        self.position += len(block)
        return block


def _sync_directory(directory):
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Reader:
    """An archive opened for restoring: its manifest, and its members checked against it."""

    def __init__(self, path):
        try:
            # "r:*": an archive compressed afterwards (gzip, bzip2, xz) is read as it is.
            self.tar = tarfile.open(path, mode="r:*")  # noqa: SIM115 - closed by close()
            self.by_name = {member.name: member for member in self.tar.getmembers()}
        except tarfile.TarError as error:
            raise ArchiveError(f"{path} is not a Sociallab backup archive (not a whole tar file).") from error
        except OSError as error:
            raise ArchiveError(f"{path} cannot be read: {error}") from error
        self.manifest = self._manifest(path)
        self.members = {member["path"]: member for member in self.manifest["members"]}
        unlisted = set(self.by_name) - set(self.members) - {MANIFEST}
        if unlisted:
            raise ArchiveError(f"the archive holds files its manifest does not list: {sorted(unlisted)[:5]}")
        for name in self.members:
            member = self.by_name.get(name)
            if not MEMBER.fullmatch(name) or member is None or not member.isfile():
                raise ArchiveError(f"the archive is incomplete or altered: {name!r} is missing or not a file.")

    def _manifest(self, path):
        member = self.by_name.get(MANIFEST)
        if member is None or not member.isfile():
            raise ArchiveError(f"{path} has no manifest.json: it is not a whole Sociallab backup.")
        try:
            manifest = json.loads(self.tar.extractfile(member).read())
        except ValueError as error:
            raise ArchiveError(f"the manifest of {path} cannot be read ({error}).") from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError(f"{path} is not a Sociallab backup archive.")
        if manifest.get("version") != VERSION:
            raise ArchiveError(f"{path} is a backup of format version {manifest.get('version')}; "
                               f"this version of Sociallab reads version {VERSION}.")
        try:
            database, files = manifest["database"], manifest["storage"]["files"]
            complete = (isinstance(manifest["migration_revision"], str) and isinstance(database["row_counts"], dict)
                        and database["member"] == f"database.{DATABASE_SUFFIX.get(database['kind'])}"
                        and all(isinstance(entry[key], str if key != "size" else int)
                                for entry in files + manifest["members"] for key in ("size", "sha256"))
                        and all(MEMBER.fullmatch(f"uploads/{entry['name']}") for entry in files))
        except (KeyError, TypeError):
            complete = False
        if not complete:
            raise ArchiveError(f"the manifest of {path} is incomplete or altered.")
        return manifest

    def names(self, prefix):
        return [name for name in self.members if name.startswith(prefix)]

    def extract(self, name, target):
        """Copy member `name` into the binary stream `target`, checking its size and SHA-256."""
        expected = self.members[name]
        hashing = Hashing(self.tar.extractfile(self.by_name[name]))
        while block := hashing.read(BLOCK):
            target.write(block)
        if hashing.size != expected["size"] or hashing.sha256.hexdigest() != expected["sha256"]:
            raise ArchiveError(f"{name} in the archive does not match its SHA-256 in the manifest: the archive "
                               f"is damaged or was altered. Nothing was restored from it.")

    def close(self):
        self.tar.close()
