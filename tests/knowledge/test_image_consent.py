"""Images: whoever sends one says whether it shows people and, if it does, confirms their consent;
the answer is kept with the file and shown beside it; the stored file carries no metadata; and it
is served only to readers of its space, never cached by a shared cache."""
import io

import pytest
from PIL import Image, PngImagePlugin

from sociallab.extensions import db
from sociallab.knowledge.models import Resource
from tests.conftest import csrf_token_from
from tests.factories import resource
from tests.knowledge import files
from tests.knowledge.stored import nothing_stored, stored_bytes, stored_versions

PEOPLE_WITH_CONSENT = {"shows_people": "yes", "people_consent": "y"}
NO_PEOPLE = {"shows_people": "no"}
# A photo's position as phones write it, in its EXIF GPS block and in its XMP packet.
XMP_WITH_POSITION = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                     b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="14,41.08N" '
                     b'exif:GPSLongitude="17,26.02W"/></rdf:RDF></x:xmpmeta>')


def post(client, url, page, filename, data, **fields):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**fields, "csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def upload(client, item, filename, data, attachment=None, **fields):
    url = f"/resources/{item.id}/files" + (f"/{attachment.id}" if attachment else "")
    return post(client, url, f"/resources/{item.id}", filename, data, **fields)


@pytest.fixture
def author(world):
    """The space's member who writes the resource, reading the interface in English."""
    world.member.language = "en"
    db.session.commit()
    return world.member


def test_an_image_is_refused_until_its_sender_says_whether_it_shows_people(app, client, auth, world, author):
    item = resource(world.sn_space, author, "Atelier")
    auth.login(author.email)
    response = upload(client, item, "atelier.png", files.png())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Say whether this image shows people" in page and "choose the file again" in page
    assert nothing_stored()


def test_an_image_showing_people_is_refused_without_consent_then_kept_with_who_confirmed_it(
        app, client, auth, world, author):
    item = resource(world.sn_space, author, "Atelier")
    auth.login(author.email)
    response = upload(client, item, "atelier.jpg", files.jpeg_with_gps(), shows_people="yes")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "agreed to it being shared" in page and "choose the file again" in page
    assert 'value="yes" checked' in page  # the answer given is still chosen
    assert nothing_stored()

    assert upload(client, item, "atelier.jpg", files.jpeg_with_gps(), **PEOPLE_WITH_CONSENT).status_code == 302
    version = stored_versions()[0]
    assert version.shows_people is True
    assert version.consent_confirmed_by == author and version.consent_confirmed_at is not None
    auth.logout()
    auth.login(world.member2.email)  # another reader of the space sees who confirmed it
    page = client.get(f"/resources/{item.id}").get_data(as_text=True)
    assert "Montre des personnes" in page and author.name in page


def test_an_image_without_people_needs_no_consent_and_says_so(client, auth, world, author):
    item = resource(world.sn_space, author, "Schéma")
    auth.login(author.email)
    assert upload(client, item, "schema.png", files.png(), **NO_PEOPLE).status_code == 302
    version = stored_versions()[0]
    assert version.shows_people is False and version.consent_confirmed_by is None
    assert "Shows no people" in client.get(f"/resources/{item.id}").get_data(as_text=True)


def test_other_files_ignore_the_questions(client, auth, world, author):
    item = resource(world.sn_space, author, "Fiche")
    auth.login(author.email)
    assert upload(client, item, "guide.pdf", files.pdf()).status_code == 302
    assert upload(client, item, "plan.pdf", files.pdf(), shows_people="yes").status_code == 302
    assert [v.shows_people for v in stored_versions()] == [None, None]
    page = client.get(f"/resources/{item.id}").get_data(as_text=True)
    assert "Shows people" not in page and "Shows no people" not in page


def test_an_image_under_a_document_name_is_not_stored_without_the_question(app, client, auth, world, author):
    """The kind is read from the file's first bytes as well as its name: a photo called .pdf is
    not a PDF, and a .JPEG in capitals is still an image that needs the answer."""
    item = resource(world.sn_space, author, "Fiche")
    auth.login(author.email)
    assert upload(client, item, "rapport.pdf", files.jpeg_with_gps()).status_code == 400
    assert upload(client, item, "PHOTO.JPEG", files.jpeg_with_gps()).status_code == 400
    assert nothing_stored()


def test_a_new_version_of_an_image_asks_again(client, auth, world, author):
    item = resource(world.sn_space, author, "Affiche")
    auth.login(author.email)
    upload(client, item, "affiche.png", files.png(), **NO_PEOPLE)
    attachment = stored_versions()[0].attachment
    response = upload(client, item, "affiche-v2.jpg", files.jpeg_with_gps(), attachment=attachment)
    assert response.status_code == 400
    assert upload(client, item, "affiche-v2.jpg", files.jpeg_with_gps(), attachment=attachment,
                  **PEOPLE_WITH_CONSENT).status_code == 302
    assert [(v.number, v.shows_people) for v in stored_versions()] == [(1, False), (2, True)]


def test_a_new_resource_with_an_image_and_no_answer_comes_back_as_typed(app, client, auth, world, author):
    auth.login(author.email)
    url = f"/spaces/{world.sn_space.slug}/library/new"
    response = post(client, url, url, "photo.jpg", files.jpeg_with_gps(), type="report", lang="fr",
                    status="published", title="Journée portes ouvertes", body="Mon texte précieux",
                    shows_people="yes")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "choose the file again" in page
    assert "Journée portes ouvertes" in page and "Mon texte précieux" in page and 'value="yes" checked' in page
    assert db.session.scalar(db.select(db.func.count(Resource.id))) == 0 and nothing_stored()


def test_a_new_resource_with_an_image_keeps_the_answer(client, auth, world, author):
    auth.login(author.email)
    url = f"/spaces/{world.sn_space.slug}/library/new"
    response = post(client, url, url, "photo.jpg", files.jpeg_with_gps(), type="report", lang="fr",
                    status="published", title="Journée portes ouvertes", **PEOPLE_WITH_CONSENT)
    assert response.status_code == 302
    version = stored_versions()[0]
    assert version.shows_people is True and version.consent_confirmed_by == author


def jpeg_with_exif_gps_and_xmp():
    image = Image.new("RGB", (64, 48), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2026:11:02 10:14:00"  # DateTime
    exif[0x8825] = {1: "N", 2: (14.0, 41.0, 5.0), 3: "W", 4: (17.0, 26.0, 1.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), xmp=XMP_WITH_POSITION, comment=b"Pikine, chez Awa")
    return out.getvalue()


def png_with_text_and_exif():
    caption = PngImagePlugin.PngInfo()
    caption.add_text("Comment", "Chez Awa, rue 12, Pikine")
    caption.add_itxt("Description", "Awa, 12 ans", lang="fr")
    caption.add_text("Location", "Pikine " * 40, zip=True)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (14.0, 41.0, 5.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 90, 200)).save(out, "PNG", pnginfo=caption, exif=exif.tobytes())
    return out.getvalue()


def test_exif_gps_xmp_and_text_chunks_are_stripped_and_the_pixels_kept(app, client, auth, world, author):
    photo, drawing = jpeg_with_exif_gps_and_xmp(), png_with_text_and_exif()
    # What the files carried when they were sent:
    sent_photo, sent_drawing = Image.open(io.BytesIO(photo)), Image.open(io.BytesIO(drawing))
    assert sent_photo.getexif().get_ifd(0x8825) and "xmp" in sent_photo.info
    assert sent_drawing.text and sent_drawing.getexif().get_ifd(0x8825)
    item = resource(world.sn_space, author, "Photos")
    auth.login(author.email)
    assert upload(client, item, "atelier.jpg", photo, **PEOPLE_WITH_CONSENT).status_code == 302
    assert upload(client, item, "dessin.png", drawing, **NO_PEOPLE).status_code == 302
    for version in stored_versions():
        stored = stored_bytes(version)
        image = Image.open(io.BytesIO(stored))
        assert image.format == ("JPEG" if version.kind == "jpeg" else "PNG")
        assert image.size == (64, 48)
        assert len(image.getexif()) == 0 and not image.getexif().get_ifd(0x8825)
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info)
        for marker in (b"Exif", b"GPS", b"xmpmeta", b"Awa", b"Pikine", b"PhoneMaker"):
            assert marker not in stored, (version.filename, marker)
        if version.kind == "png":
            assert image.text == {}
            assert not any(chunk in stored for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf"))


def test_an_image_is_served_to_readers_of_its_space_only_and_never_to_a_shared_cache(client, auth, world, author):
    item = resource(world.sn_space, author, "Photo")
    auth.login(author.email)
    upload(client, item, "atelier.jpg", files.jpeg_with_gps(), **PEOPLE_WITH_CONSENT)
    url = f"/files/{stored_versions()[0].id}/download"
    auth.logout()

    auth.login(world.member2.email)  # another member of the same space
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "private" in response.headers["Cache-Control"] and "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    auth.logout()

    auth.login(world.other_member.email)  # a member of another space
    response = client.get(url)
    assert response.status_code == 404 and b"\xff\xd8" not in response.data
    auth.logout()

    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
