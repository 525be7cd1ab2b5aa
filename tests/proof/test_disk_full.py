"""The disk fills up while a file is being uploaded (filesystem storage): the person is told what
happened, and nothing is half-stored, neither a row nor a file, whole or in part, under UPLOAD_DIR.

The disk is made full inside storage.py only: every file it opens for writing takes a few
kilobytes, then its writes fail with ENOSPC, as they would on a full disk. proof/services.py does
the same with a real, small, full tmpfs under the production server where it may mount one.
"""
import errno
import io
import os

import pytest

from sociallab.extensions import db
from sociallab.knowledge import storage
from sociallab.knowledge.models import Resource
from tests.conftest import csrf_token_from
from tests.factories import resource
from tests.knowledge import files
from tests.knowledge.stored import nothing_stored


class Disk:
    """UPLOAD_DIR, and how many bytes a file written there may take before the disk is full."""

    def __init__(self, directory, room):
        self.directory, self.room = directory, room


class FullDisk(io.RawIOBase):
    """A file being written on `disk`."""

    def __init__(self, raw, disk):
        super().__init__()
        self.raw, self.disk, self.written = raw, disk, 0

    def writable(self):
        return True

    def write(self, data):
        """What fits is written, then the write fails as it does on a full disk."""
        room = self.disk.room - self.written
        taken = self.raw.write(bytes(data[:max(room, 0)]))
        self.written += taken
        if taken < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return taken

    def tell(self):
        return self.raw.tell()

    def close(self):
        self.raw.close()
        super().close()


@pytest.fixture
def full_disk(app, monkeypatch):
    app.config["STORAGE_BACKEND"] = "filesystem"
    # The person sees the page a server shows, not the exception a test client would re-raise.
    app.config["PROPAGATE_EXCEPTIONS"] = False

    disk = Disk(app.config["UPLOAD_DIR"], room=4096)

    def open_on_full_disk(path, mode="r", *args, **kwargs):
        handle = open(path, mode, *args, **kwargs)  # noqa: SIM115 — handed to the caller, who closes it
        return FullDisk(handle, disk) if any(flag in mode for flag in "wxa") else handle

    monkeypatch.setattr(storage, "open", open_on_full_disk, raising=False)
    return disk


def left_under(directory):
    return sorted(name for _root, _dirs, names in os.walk(directory) for name in names)


def refused_clearly(response):
    """Not stored, and said so: neither a redirect to what was made nor the generic
    "something went wrong on our side" page (500), which tells nobody the disk is full."""
    return response.status_code not in (200, 302, 500) and response.status_code >= 400


def test_an_attachment_on_a_full_disk_is_refused_and_nothing_is_left(client, auth, world, full_disk):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    token = csrf_token_from(client.get(f"/resources/{item.id}").get_data(as_text=True))

    response = client.post(f"/resources/{item.id}/files", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(files.pdf("x" * 20_000)), "guide.pdf")})

    assert refused_clearly(response), response.status_code
    assert nothing_stored()
    assert left_under(full_disk.directory) == []


def test_a_new_resource_with_its_file_on_a_full_disk_is_not_half_made(client, auth, world, full_disk):
    auth.login(world.member.email)
    url = f"/spaces/{world.sn_space.slug}/library/new"
    token = csrf_token_from(client.get(url).get_data(as_text=True))

    response = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "type": "guide", "title": "Guide plein", "summary": "", "body": "", "lang": "fr",
        "status": "published", "file": (io.BytesIO(files.pdf("x" * 20_000)), "guide.pdf")})

    assert refused_clearly(response), response.status_code
    assert "Guide plein" in response.get_data(as_text=True)  # what was typed comes back
    assert db.session.scalar(db.select(db.func.count(Resource.id)).where(Resource.title == "Guide plein")) == 0
    assert nothing_stored()
    assert left_under(full_disk.directory) == []


def test_with_room_on_the_disk_the_same_upload_is_stored(client, auth, world, full_disk):
    """The fixture itself: the same upload goes through, whole, once the disk has room."""
    full_disk.room = 10 ** 9
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    token = csrf_token_from(client.get(f"/resources/{item.id}").get_data(as_text=True))
    data = files.pdf("x" * 20_000)
    response = client.post(f"/resources/{item.id}/files", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(data), "guide.pdf")})
    assert response.status_code == 302
    (name,) = left_under(full_disk.directory)
    assert os.path.getsize(os.path.join(full_disk.directory, name)) == len(data)
