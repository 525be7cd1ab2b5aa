"""Where uploaded files are kept (sociallab/knowledge/storage.py): the same contract on disk and in
PostgreSQL (STORAGE_BACKEND), through the same permission-checked download route, export and
deletion; and a 20 MB file streamed through the database without being held whole in memory."""
import hashlib
import io
import os
import tempfile
import tracemalloc
import zipfile

import pytest

from sociallab.extensions import db
from sociallab.knowledge import storage
from sociallab.knowledge.models import FileVersion, Resource
from sociallab.knowledge.safeguarding import IdentifyingFile
from sociallab.knowledge.services import add_file, create_resource
from sociallab.knowledge.uploads import UploadError
from sociallab.privacy import services as privacy
from tests.conftest import make_app, skip_or_fail
from tests.factories import PASSWORD
from tests.knowledge import files
from tests.knowledge.test_uploads import upload


@pytest.fixture(params=storage.BACKENDS)
def backend(request, app):
    """The app with its files kept by each backend in turn; PostgreSQL's only on PostgreSQL."""
    if request.param == "postgres" and db.engine.dialect.name != "postgresql":
        skip_or_fail("files in PostgreSQL are tested when TEST_DATABASE_URL points at PostgreSQL")
    app.config["STORAGE_BACKEND"] = request.param
    return storage.backend()


def _read(files_, name):
    with files_.open(name) as f:
        return f.read()


def test_the_backend_is_the_configured_one(app):
    app.config["STORAGE_BACKEND"] = "filesystem"  # the default, unless the environment names another
    assert isinstance(storage.backend(), storage.FilesystemStorage)
    app.config["STORAGE_BACKEND"] = "postgres"
    assert isinstance(storage.backend(), storage.PostgresStorage)
    app.config["STORAGE_BACKEND"] = "s3"
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        storage.backend()


def test_a_server_whose_backend_has_no_such_name_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND must be one of filesystem, postgres, not 'postgresql'"):
        make_app(tmp_path, STORAGE_BACKEND="postgresql")


def test_a_saved_file_reads_back_whole_under_a_random_name(backend):
    data = os.urandom(3 * storage.CHUNK_BYTES + 17)  # several chunks, the last one short
    name, size = backend.save(io.BytesIO(data))
    db.session.commit()
    other, _size = backend.save(io.BytesIO(b"x"))
    db.session.commit()
    assert size == len(data) and len(name) == 32 and name != other
    assert backend.exists(name) and _read(backend, name) == data and _read(backend, other) == b"x"


def test_a_stored_file_is_read_in_blocks_from_any_position(backend):
    data = os.urandom(2 * storage.CHUNK_BYTES + 5)
    name, _size = backend.save(io.BytesIO(data))
    db.session.commit()
    with backend.open(name) as f:
        start = storage.CHUNK_BYTES - 3  # across a chunk's end
        f.seek(start)
        assert f.read(10) == data[start:start + 10]
        f.seek(0)
        assert b"".join(iter(lambda: f.read(4096), b"")) == data


def test_a_missing_file_is_not_found(backend):
    assert not backend.exists("0" * 32)
    with pytest.raises(FileNotFoundError):
        backend.open("0" * 32)


def test_a_file_is_deleted_with_the_unit_of_work_and_kept_by_a_rollback(backend):
    name, _size = backend.save(io.BytesIO(b"%PDF- kept"))
    db.session.commit()
    after_commit = []
    backend.delete_with(name, after_commit.append)
    db.session.rollback()
    assert backend.exists(name)  # nothing was run: the deletion was not committed
    after_commit = []
    backend.delete_with(name, after_commit.append)
    db.session.commit()
    for action in after_commit:
        action()
    assert not backend.exists(name)


def test_uploads_are_downloaded_through_the_same_checked_route(backend, app, client, auth, world):
    item = create_resource(world.sn_space, world.member, "guide", "Brouillon", "", "", "fr",
                           status=Resource.DRAFT)
    auth.login(world.member.email)
    pdf = files.pdf("Guide de terrain")
    assert upload(client, item, "Guide terrain.pdf", pdf).status_code == 302
    version = db.session.scalars(db.select(FileVersion)).one()
    assert version.size == len(pdf) and _read(backend, version.stored_name) == pdf
    on_disk = os.path.exists(os.path.join(app.config["UPLOAD_DIR"], version.stored_name))
    assert on_disk == isinstance(backend, storage.FilesystemStorage)
    response = client.get(f"/files/{version.id}/download")
    assert response.status_code == 200 and response.data == pdf and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Guide_terrain.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    assert int(response.headers["Content-Length"]) == len(pdf)
    ranged = client.get(f"/files/{version.id}/download", headers={"Range": "bytes=0-4"})
    assert ranged.status_code == 206 and ranged.data == b"%PDF-"
    unchanged = client.get(f"/files/{version.id}/download", headers={"If-None-Match": response.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""
    auth.logout()
    auth.login(world.other_member.email)  # another country's member: the draft does not exist for her
    assert client.get(f"/files/{version.id}/download").status_code == 404


def test_an_image_opens_in_the_browser(backend, client, auth, world):
    item = create_resource(world.sn_space, world.member, "guide", "Photos", "", "", "fr", status=Resource.DRAFT)
    auth.login(world.member.email)
    assert upload(client, item, "photo.png", files.png(), shows_people="no").status_code == 302
    version = db.session.scalars(db.select(FileVersion)).one()
    response = client.get(f"/files/{version.id}/download")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.data == _read(backend, version.stored_name)


def test_a_file_whose_bytes_are_lost_is_not_found(backend, client, auth, world):
    item = create_resource(world.sn_space, world.member, "guide", "Guide", "", "", "fr",
                           file=("guide.pdf", files.pdf()))
    version = item.attachments[0].versions[0]
    backend.delete(version.stored_name)
    db.session.commit()
    auth.login(world.member.email)
    assert client.get(f"/files/{version.id}/download").status_code == 404


def test_export_and_deletion_reach_the_files_in_either_backend(backend, world):
    me = world.member
    published = create_resource(world.sn_space, me, "guide", "Guide publié", "", "Corps", "fr",
                                file=("guide.pdf", files.pdf("Guide de protection")))
    draft = create_resource(world.sn_space, me, "guide", "Brouillon", "", "", "fr", status=Resource.DRAFT,
                            file=("brouillon.pdf", files.pdf("Notes du brouillon")))
    kept, gone = (r.attachments[0].versions[0].stored_name for r in (published, draft))
    with tempfile.TemporaryFile() as out:
        privacy.export_data(me, me, out)
        out.seek(0)
        with zipfile.ZipFile(out) as archive:
            stored = {n: archive.read(n) for n in archive.namelist() if n.startswith("files/")}
    assert sorted(stored.values()) == sorted([_read(backend, kept), _read(backend, gone)])
    privacy.request_deletion(me, PASSWORD, me)
    privacy.complete_deletion(me, world.admin)
    db.session.expire_all()
    assert backend.exists(kept)  # the space still needs the published guide
    assert not backend.exists(gone)


def _stored_names(app):
    names = {name for (name,) in db.session.execute(db.select(storage.StoredChunk.stored_name))}
    folder = app.config["UPLOAD_DIR"]
    return names | set(os.listdir(folder) if os.path.isdir(folder) else ())


def test_a_refused_file_leaves_nothing_stored(backend, app, world):
    item = create_resource(world.sn_space, world.member, "guide", "Fiche", "", "", "fr")
    with pytest.raises(IdentifyingFile):
        add_file(item, "rapport.pdf", files.pdf("Awa Diop, 12 ans, vit au 14 rue Carnot"), world.member)
    db.session.rollback()
    with pytest.raises(UploadError):
        add_file(item, "faux.pdf", b"not a pdf at all", world.member)
    db.session.rollback()
    assert _stored_names(app) == set()


def _twenty_megabytes(folder):
    path = os.path.join(folder, "big.bin")
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(20 * 16):
            block = os.urandom(64 * 1024)
            digest.update(block)
            f.write(block)
    return path, digest.hexdigest()


def test_a_large_file_streams_through_postgresql_without_being_held_whole(app, world, client, auth, tmp_path):
    if db.engine.dialect.name != "postgresql":
        skip_or_fail("files in PostgreSQL are tested when TEST_DATABASE_URL points at PostgreSQL")
    app.config["STORAGE_BACKEND"] = "postgres"
    files_ = storage.backend()
    path, expected = _twenty_megabytes(str(tmp_path))
    size = os.path.getsize(path)
    tracemalloc.start()
    try:
        with open(path, "rb") as source:
            name, saved = files_.save(source)
        db.session.commit()
        _current, peak_saving = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        with files_.open(name) as stored:
            for block in iter(lambda: stored.read(64 * 1024), b""):
                digest.update(block)
        _current, peak_reading = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert saved == size == 20 * 1024 * 1024 and digest.hexdigest() == expected
    # A few chunks at most (256 KB each), where the file is 20 MB.
    assert peak_saving < size / 10, peak_saving
    assert peak_reading < size / 10, peak_reading

    # Downloaded through the route, streamed too.
    item = create_resource(world.sn_space, world.member, "guide", "Archive", "", "", "fr", status=Resource.DRAFT,
                           file=("archive.pdf", files.pdf()))
    version = item.attachments[0].versions[0]
    version.stored_name, version.size = name, size
    db.session.commit()
    auth.login(world.member.email)
    tracemalloc.start()
    try:
        response = client.get(f"/files/{version.id}/download", buffered=False)
        digest = hashlib.sha256()
        for block in response.response:
            digest.update(block)
        response.close()
        _current, peak_download = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200 and int(response.headers["Content-Length"]) == size
    assert digest.hexdigest() == expected
    assert peak_download < size / 10, peak_download
