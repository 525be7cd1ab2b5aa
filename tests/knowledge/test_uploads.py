"""Attachments: accepted kinds, refused fakes and oversize files, safe names, stripped photos,
downloads only for readers, versions kept, and the text inside PDF and DOCX found by search."""
import io

from PIL import Image, PngImagePlugin

from tests.conftest import csrf_token_from
from tests.factories import resource
from tests.knowledge import files
from tests.knowledge.stored import stored_bytes, stored_names, stored_versions


def upload(client, item, filename, data, attachment=None, **fields):
    token = csrf_token_from(client.get(f"/resources/{item.id}").get_data(as_text=True))
    url = f"/resources/{item.id}/files" + (f"/{attachment.id}" if attachment else "")
    return client.post(url, data={**fields, "csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_pdf_is_stored_under_a_random_name_and_downloaded_with_its_name(app, client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    assert upload(client, item, "Guide terrain.pdf", files.pdf()).status_code == 302
    version = stored_versions()[0]
    assert version.filename == "Guide_terrain.pdf" and version.kind == "pdf"
    assert version.stored_name != version.filename and len(version.stored_name) == 32
    assert stored_names() == {version.stored_name}
    assert not app.config["UPLOAD_DIR"].startswith(app.static_folder)
    response = client.get(f"/files/{version.id}/download")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Guide_terrain.pdf" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF-")
    page = client.get(f"/resources/{item.id}").get_data(as_text=True)
    assert "Guide_terrain.pdf" in page and "PDF" in page


def test_a_pdf_that_is_not_a_pdf_is_refused_with_a_clear_message(client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    response = upload(client, item, "rapport.pdf", b"MZ\x90\x00 this is an executable")
    assert response.status_code == 400
    assert "PDF" in response.get_data(as_text=True)
    assert stored_versions() == []


def test_a_renamed_docx_is_not_accepted_as_xlsx(client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    assert upload(client, item, "tableau.xlsx", files.docx()).status_code == 400
    assert upload(client, item, "notes.odt", files.odt()).status_code == 302


def test_unknown_extensions_are_refused(client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    assert upload(client, item, "page.html", b"<script>alert(1)</script>").status_code == 400
    assert upload(client, item, "archive.pdf.exe", files.pdf()).status_code == 400


def test_oversize_file_gets_413_and_a_readable_page(small_uploads, client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    big = files.pdf() + b"%" + b"0" * 60_000
    response = upload(client, item, "gros.pdf", big)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<h1" in html and "Mo" in html or "MB" in html
    assert stored_versions() == []


def test_request_over_the_server_limit_gets_the_413_page(app, client, auth, world):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    response = upload(client, item, "gros.pdf", b"%PDF-" + b"0" * 20_000)
    assert response.status_code == 413
    assert "<h1>" in response.get_data(as_text=True)


def test_path_traversal_in_a_file_name_goes_nowhere(app, client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    assert upload(client, item, "../../../../etc/passwd.pdf", files.pdf()).status_code == 302
    assert upload(client, item, "..\\..\\windows\\win.pdf", files.pdf()).status_code == 302
    names = [v.filename for v in stored_versions()]
    assert names[0] == "passwd.pdf"
    assert all(n.endswith(".pdf") and "/" not in n and "\\" not in n and not n.startswith(".") for n in names)
    assert stored_names() == {v.stored_name for v in stored_versions()}


def test_jpeg_location_and_camera_metadata_are_removed(app, client, auth, world):
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the photo had a position
    item = resource(world.sn_space, world.member, "Photo")
    auth.login(world.member.email)
    assert upload(client, item, "atelier.jpeg", original, shows_people="no").status_code == 302
    version = stored_versions()[0]
    stored = stored_bytes(version)
    exif = Image.open(io.BytesIO(stored)).getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x8825 not in exif
    assert Image.open(io.BytesIO(stored)).size == (40, 30)
    response = client.get(f"/files/{version.id}/download")
    assert response.mimetype == "image/jpeg" and response.headers["Content-Disposition"].startswith("inline;")


def test_a_jpeg_comment_and_png_text_chunks_are_removed(app, client, auth, world):
    """A caption written into the file (a JPEG comment, a PNG text chunk) can name a place or a child."""
    item = resource(world.sn_space, world.member, "Photos")
    auth.login(world.member.email)
    photo, drawing = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(photo, "JPEG", comment=b"Chez Awa, rue 12, Pikine")
    caption = PngImagePlugin.PngInfo()
    caption.add_text("Comment", "Chez Awa, rue 12, Pikine")
    Image.new("RGB", (40, 30), (0, 90, 200)).save(drawing, "PNG", pnginfo=caption)
    assert upload(client, item, "photo.jpg", photo.getvalue(), shows_people="no").status_code == 302
    assert upload(client, item, "dessin.png", drawing.getvalue(), shows_people="no").status_code == 302
    for version in stored_versions():
        stored = stored_bytes(version)
        assert b"Awa" not in stored
        assert Image.open(io.BytesIO(stored)).size == (40, 30)


def test_png_is_reencoded_and_accepted(client, auth, world):
    item = resource(world.sn_space, world.member, "Schéma")
    auth.login(world.member.email)
    assert upload(client, item, "schema.png", files.png(), shows_people="no").status_code == 302
    assert stored_versions()[0].mimetype == "image/png"


def test_download_is_refused_to_a_non_member(app, client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    upload(client, item, "guide.pdf", files.pdf())
    version = stored_versions()[0]
    auth.logout()
    auth.login(world.other_member.email)
    assert client.get(f"/files/{version.id}/download").status_code == 404
    auth.logout()
    assert client.get(f"/files/{version.id}/download").status_code == 302


def test_only_editors_upload(client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member2.email)  # reads the resource, may not change it: refused, not hidden
    assert upload(client, item, "guide.pdf", files.pdf()).status_code == 403


def test_a_new_version_keeps_the_previous_ones_listed(client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    upload(client, item, "plan.pdf", files.pdf("version un"))
    attachment = stored_versions()[0].attachment
    assert upload(client, item, "plan-v2.pdf", files.pdf("version deux"), attachment=attachment).status_code == 302
    versions = stored_versions()
    assert [v.number for v in versions] == [1, 2]
    page = client.get(f"/resources/{item.id}").get_data(as_text=True)
    assert "plan-v2.pdf" in page and "plan.pdf" in page
    assert f"/files/{versions[0].id}/download" in page and f"/files/{versions[1].id}/download" in page


def test_text_inside_pdf_and_docx_is_searchable(find, client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    upload(client, item, "guide.pdf", files.pdf("Protocole de signalement"))
    upload(client, item, "plan.docx", files.docx("Calendrier des formations"))
    assert find(world.member, "signalement").total == 1
    assert find(world.member, "formation").total == 1
    assert find(world.other_member, "signalement").total == 0


def test_control_characters_in_a_pdf_text_are_not_stored(find, client, auth, world):
    """PostgreSQL refuses a NUL in text: a PDF whose text holds one is still accepted and found."""
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    assert upload(client, item, "guide.pdf", files.pdf("Protocole\x00de\x07signalement")).status_code == 302
    assert stored_versions()[0].text == "Protocole de signalement"
    assert find(world.member, "signalement").total == 1


def test_a_new_version_replaces_the_searchable_text(find, client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    upload(client, item, "a.pdf", files.pdf("ancienne mangrove"))
    attachment = stored_versions()[0].attachment
    upload(client, item, "b.pdf", files.pdf("nouveau baobab"), attachment=attachment)
    assert find(world.member, "baobab").total == 1
    assert find(world.member, "mangrove").total == 0
