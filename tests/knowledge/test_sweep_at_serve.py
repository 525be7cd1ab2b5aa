"""The one server of a platform on SQLite removes, as it starts, what a stopped process wrote for a
change it never committed; files a version names stay."""
import io
import os

from sociallab.extensions import db
from sociallab.knowledge import storage
from tests.factories import resource
from tests.knowledge import files


def test_files_no_version_names_go_at_serve_and_named_ones_stay(app, world):
    app.config["STORAGE_BACKEND"] = "filesystem"
    item = resource(world.sn_space, world.member, "Fiche")
    from sociallab.knowledge import uploads
    version = uploads.store_file(item, "guide.pdf", files.pdf("kept"), world.member)
    db.session.commit()
    directory = app.config["UPLOAD_DIR"]
    orphan, _size = storage.backend().save(io.BytesIO(b"never committed"))
    with open(os.path.join(directory, f"abc{storage.PARTIAL}"), "wb") as partial:
        partial.write(b"cut short")

    removed = storage.sweep_unreferenced(app)

    on_disk = set(os.listdir(directory))
    if db.engine.dialect.name == "sqlite":
        assert removed == 2 and on_disk == {version.stored_name}
    else:  # several servers may share the database: another may be about to commit its file
        assert removed == 0 and orphan in on_disk
