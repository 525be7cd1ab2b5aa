"""What the tests read back of uploaded files: always through the storage interface, so the same
assertions hold on disk and in PostgreSQL (the suite runs with either STORAGE_BACKEND)."""
from sociallab.extensions import db
from sociallab.knowledge import storage
from sociallab.knowledge.models import FileVersion


def stored_versions():
    return list(db.session.scalars(db.select(FileVersion).order_by(FileVersion.id)))


def stored_bytes(version):
    """The bytes kept for a file version, as a download would send them."""
    with storage.backend().open(version.stored_name) as f:
        return f.read()


def stored_names():
    """The names of every file the configured backend keeps, referenced or not."""
    return storage.backend().names()


def nothing_stored():
    """No file version, and no file left behind by a refused upload, in whichever backend."""
    return stored_versions() == [] and stored_names() == set()
