"""`flask sociallab move-files --to postgres|filesystem`: every uploaded file copied to the other
backend with the same bytes, the source left as it was, nothing switched; safe to run again (it
copies only what is missing or damaged); a copy that does not read back as its original is reported
and not kept."""
import hashlib
import io
import os
import shutil
import tracemalloc

import pytest

from sociallab.extensions import db
from sociallab.knowledge import storage
from sociallab.knowledge.models import Resource
from sociallab.knowledge.services import add_file, create_resource
from tests.conftest import skip_or_fail
from tests.knowledge import files
from tests.knowledge.stored import stored_versions


@pytest.fixture
def item(app, world):
    if db.engine.dialect.name != "postgresql":
        skip_or_fail("moving files into PostgreSQL is tested when TEST_DATABASE_URL points at PostgreSQL")
    app.config["STORAGE_BACKEND"] = "filesystem"
    return create_resource(world.sn_space, world.member, "guide", "Guide", "", "", "fr", status=Resource.DRAFT)


def _add(item, world, filename, data, **people):
    return add_file(item, filename, data, world.member, **people).id


def _move(app, to):
    result = app.test_cli_runner().invoke(args=["sociallab", "move-files", "--to", to])
    db.session.expire_all()
    return result


def _contents(backend, versions):
    result = {}
    for version in versions:
        with backend.open(version.stored_name) as f:
            result[version.stored_name] = f.read()
    return result


def test_files_move_into_postgresql_and_are_downloaded_from_there_once_switched(app, client, auth, world, item):
    pdf = files.pdf("Guide de terrain")
    _add(item, world, "guide.pdf", pdf)
    _add(item, world, "schema.png", files.png(), shows_people=False)
    on_disk = storage.backend(choice="filesystem")
    in_database = storage.backend(choice="postgres")
    originals = _contents(on_disk, stored_versions())
    assert in_database.names() == set()

    result = _move(app, "postgres")
    assert result.exit_code == 0, result.output
    assert "From filesystem to postgres: 2 copied, 0 already there, 0 missing from both, 0 failed." in result.output
    assert "STORAGE_BACKEND=postgres" in result.output
    assert _contents(in_database, stored_versions()) == originals
    assert _contents(on_disk, stored_versions()) == originals  # the source is left as it was
    assert app.config["STORAGE_BACKEND"] == "filesystem"  # nothing switched by itself

    # The administrator switches; this server's disk is no longer read.
    app.config["STORAGE_BACKEND"] = "postgres"
    shutil.rmtree(app.config["UPLOAD_DIR"])
    auth.login(world.member.email)
    version = next(v for v in stored_versions() if v.kind == "pdf")
    response = client.get(f"/files/{version.id}/download")
    assert response.status_code == 200 and response.data == pdf

    again = _move(app, "postgres")
    assert again.exit_code == 0, again.output
    # The disk is gone: whatever the database holds is what the servers use.
    assert "0 copied, 2 already there, 0 missing from both, 0 failed." in again.output


def test_a_second_run_copies_only_what_was_uploaded_meanwhile(app, world, item):
    _add(item, world, "avant.pdf", files.pdf("Avant"))
    assert _move(app, "postgres").exit_code == 0
    _add(item, world, "entre-temps.pdf", files.pdf("Entre-temps"))  # still on disk: not switched yet
    app.config["STORAGE_BACKEND"] = "postgres"
    _add(item, world, "apres.pdf", files.pdf("Après"))  # in the database only
    result = _move(app, "postgres")
    assert result.exit_code == 0, result.output
    assert "1 copied, 2 already there, 0 missing from both, 0 failed." in result.output
    in_database = storage.backend(choice="postgres")
    assert in_database.names() == {v.stored_name for v in stored_versions()}


def test_files_move_back_to_the_disk_and_a_damaged_copy_there_is_replaced(app, world, item):
    app.config["STORAGE_BACKEND"] = "postgres"
    _add(item, world, "guide.pdf", files.pdf("Guide"))
    _add(item, world, "photo.png", files.png(), shows_people=False)
    in_database = storage.backend(choice="postgres")
    on_disk = storage.backend(choice="filesystem")
    originals = _contents(in_database, stored_versions())
    damaged = stored_versions()[0].stored_name
    # Another copy, cut short: same name, other bytes.
    on_disk.save(io.BytesIO(originals[damaged][:10]), name=damaged)

    result = _move(app, "filesystem")
    assert result.exit_code == 0, result.output
    assert "From postgres to filesystem: 2 copied, 0 already there, 0 missing from both, 0 failed." in result.output
    assert _contents(on_disk, stored_versions()) == originals
    assert on_disk.names() == set(originals)  # no partial copy left beside them


def test_a_file_found_nowhere_is_named_and_the_others_still_move(app, world, item):
    lost = _add(item, world, "perdu.pdf", files.pdf("Perdu"))
    _add(item, world, "garde.pdf", files.pdf("Gardé"))
    lost_name = next(v.stored_name for v in stored_versions() if v.id == lost)
    storage.backend().delete(lost_name)
    result = _move(app, "postgres")
    assert result.exit_code == 0, result.output
    assert f"missing: {lost_name}" in result.output
    assert "1 copied, 0 already there, 1 missing from both, 0 failed." in result.output


def test_a_copy_that_does_not_read_back_as_its_original_is_reported_and_not_kept(app, world, item, monkeypatch):
    _add(item, world, "guide.pdf", files.pdf("Guide"))
    name = stored_versions()[0].stored_name
    save = storage.PostgresStorage.save

    def losing_the_last_byte(self, stream, name=None):
        data = stream.read()
        return save(self, io.BytesIO(data[:-1]), name=name)

    monkeypatch.setattr(storage.PostgresStorage, "save", losing_the_last_byte)
    result = _move(app, "postgres")
    assert result.exit_code == 1
    assert f"failed: {name}" in result.output
    assert "0 copied, 0 already there, 0 missing from both, 1 failed." in result.output
    assert "run the command again" in result.output
    assert storage.backend(choice="postgres").names() == set()


def test_a_large_file_moves_both_ways_without_being_held_whole(app, world, item, tmp_path):
    on_disk, in_database = storage.backend(choice="filesystem"), storage.backend(choice="postgres")
    path, expected = _twenty_megabytes(str(tmp_path))
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        name, _size = on_disk.save(f)
    _add(item, world, "archive.pdf", files.pdf("Archive"))
    version = stored_versions()[0]
    on_disk.delete(version.stored_name)
    version.stored_name, version.size = name, size  # the large file stands for the PDF
    db.session.commit()

    peaks = []
    for source, target in ((on_disk, in_database), (in_database, on_disk)):
        if target is on_disk:
            on_disk.delete(name)  # as on a new server's empty disk
        tracemalloc.start()
        try:
            counts = storage.move_files(source, target)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert counts["copied"] == 1 and counts["failed"] == 0, counts
        assert storage.fingerprint(target, name) == (expected, size)
        peaks.append(peak)
    # A few chunks at most (256 KB each), where the file is 20 MB.
    assert max(peaks) < size / 10, peaks


def _twenty_megabytes(folder):
    path = os.path.join(folder, "big.bin")
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(20 * 16):
            block = os.urandom(64 * 1024)
            digest.update(block)
            f.write(block)
    return path, digest.hexdigest()
