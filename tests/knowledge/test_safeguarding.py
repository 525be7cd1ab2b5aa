"""What may identify a child in the library: a resource's title, summary and text are warned about
before they are saved, redacted in one click or held for the moderators (page, library, search and
files hidden from others until approved); a file whose text may identify a child is refused."""
import io

import pytest

from sociallab import search
from sociallab.extensions import db
from sociallab.knowledge import services
from sociallab.knowledge.models import FileVersion, Resource
from sociallab.knowledge.safeguarding import IdentifyingFile
from sociallab.safeguarding.models import SensitiveItem
from sociallab.safeguarding.screening import REDACT, IdentifyingDetails, deciding
from tests.conftest import csrf_token_from, post_form
from tests.factories import resource
from tests.knowledge import files
from tests.knowledge.stored import nothing_stored

IDENTIFYING = "Awa Diop, 12 ans, vit au 14 rue Carnot"
MARKED = '<mark class="identifying">Awa Diop, 12 ans</mark>'
REASON = "Le juge des enfants a demandé le nom exact."


def _new(client, space, safeguarding=None, file=None, **fields):
    url = f"/spaces/{space.slug}/library/new"
    data = {"type": "report", "lang": "fr", "status": "published", "title": "Suivi des cas",
            "summary": "Bilan du trimestre", "body": IDENTIFYING, **fields}
    if safeguarding:
        data["safeguarding"] = safeguarding
    if file is None:
        return post_form(client, url, data)
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token, "file": (io.BytesIO(file[1]), file[0])},
                       content_type="multipart/form-data")


def _upload(client, item, filename, data, **fields):
    token = csrf_token_from(client.get(f"/resources/{item.id}").get_data(as_text=True))
    return client.post(f"/resources/{item.id}/files", content_type="multipart/form-data",
                       data={**fields, "csrf_token": token, "file": (io.BytesIO(data), filename)})


def _resources():
    return list(db.session.scalars(db.select(Resource).order_by(Resource.id)))


def _found(user, text):
    return {hit.id if hasattr(hit, "id") else hit["id"] for hit in search.query(user, text).hits}


def test_adding_warns_and_keeps_the_text_then_redacts_in_one_click(client, auth, world):
    auth.login(world.member.email)
    response = _new(client, world.sn_space)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert MARKED in html and 'value="redact"' in html
    assert IDENTIFYING in html and "Suivi des cas" in html and "Bilan du trimestre" in html  # all kept
    assert _resources() == []

    response = _new(client, world.sn_space, safeguarding="redact")
    assert response.status_code == 302
    [item] = _resources()
    assert "Awa Diop" not in item.body and "[retiré]" in item.body and not item.sensitive
    assert item.title == "Suivi des cas"


def test_editing_warns_and_keeps_the_text_then_redacts_in_one_click(client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche", body="Une fille de 12 ans a été orientée.")
    auth.login(world.member.email)
    url = f"/resources/{item.id}/edit"
    fields = {"type": "guide", "title": "Fiche", "lang": "fr", "status": "published",
              "summary": IDENTIFYING, "body": "Texte modifié"}
    response = post_form(client, url, fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert MARKED in html and IDENTIFYING in html and "Texte modifié" in html
    db.session.expire_all()
    assert item.summary == "" and item.body == "Une fille de 12 ans a été orientée."

    assert post_form(client, url, {**fields, "safeguarding": "redact"}).status_code == 302
    db.session.expire_all()
    assert "Awa Diop" not in item.summary and "[retiré]" in item.summary and item.body == "Texte modifié"


def test_a_title_is_checked_too(world):
    with pytest.raises(IdentifyingDetails) as refused:
        resource(world.sn_space, world.member, "Awa Diop, 12 ans")
    assert [s.field for s in refused.value.screened] == ["title"]
    db.session.rollback()
    assert _resources() == []


def test_publish_for_review_needs_a_reason_and_keeps_the_text(client, auth, world):
    auth.login(world.member.email)
    response = _new(client, world.sn_space, safeguarding="publish", safeguarding_justification=" ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Expliquez pourquoi il doit être publié tel quel" in html and IDENTIFYING in html
    assert _resources() == []


def test_a_resource_held_for_review_is_hidden_from_others_until_a_moderator_approves_it(client, auth, world):
    auth.login(world.member.email)
    response = _new(client, world.sn_space, safeguarding="publish", safeguarding_justification=REASON,
                    file=("annexe.pdf", files.pdf("Calendrier des ateliers")))
    assert response.status_code == 302
    [item] = _resources()
    assert item.sensitive and item.body == IDENTIFYING
    held = db.session.scalar(db.select(SensitiveItem))
    assert (held.item_type, held.item_id, held.status, held.justification) == ("resource", item.id, "held", REASON)
    download = f"/files/{item.attachments[0].current.id}/download"
    library = f"/spaces/{world.sn_space.slug}/library"

    # Its author sees it, tagged, with its file.
    page = client.get(f"/resources/{item.id}").get_data(as_text=True)
    assert "Awa Diop" in page and "Retenu" in page
    assert "Suivi des cas" in client.get(library).get_data(as_text=True)
    assert client.get(download).status_code == 200
    assert _found(world.member, "Carnot") == {f"resource:{item.id}"}

    # Another member of the space, who reads its published resources, finds it nowhere.
    auth.logout()
    auth.login(world.member2.email)
    assert client.get(f"/resources/{item.id}").status_code == 404
    assert client.get(f"/resources/{item.id}/edit").status_code == 404
    assert "Suivi des cas" not in client.get(library).get_data(as_text=True)
    assert _found(world.member2, "Carnot") == set() and _found(world.member2, "Calendrier") == set()
    response = client.get(download)
    assert response.status_code == 404 and b"%PDF" not in response.data

    # A moderator sees it, can remove details from it, and approves it.
    auth.logout()
    auth.login(world.moderator.email)
    page = client.get(f"/resources/{item.id}").get_data(as_text=True)
    assert "Held for review" in page and f"/moderation/redact/resource/{item.id}" in page
    assert "Remove identifying details" in page
    queue = client.get("/moderation/sensitive").get_data(as_text=True)
    assert MARKED in queue and REASON in queue
    response = client.post(f"/moderation/sensitive/{held.id}/approve", data={"csrf_token": csrf_token_from(queue)})
    assert response.status_code == 302

    db.session.expire_all()
    assert not item.sensitive and held.status == "approved"
    auth.logout()
    auth.login(world.member2.email)
    assert client.get(f"/resources/{item.id}").status_code == 200
    assert "Suivi des cas" in client.get(library).get_data(as_text=True)
    assert _found(world.member2, "Carnot") == {f"resource:{item.id}"}
    assert client.get(download).status_code == 200


def test_a_moderator_removes_identifying_details_after_the_fact(client, auth, world):
    auth.login(world.member.email)
    assert _new(client, world.sn_space, safeguarding="publish", safeguarding_justification=REASON).status_code == 302
    [item] = _resources()
    auth.logout()
    auth.login(world.moderator.email)
    url = f"/moderation/redact/resource/{item.id}"
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_token_from(page), "passages": ""}).status_code == 302
    db.session.expire_all()
    assert "Awa Diop" not in item.body and not item.sensitive
    assert db.session.scalar(db.select(SensitiveItem.status)) == "redacted"
    assert _found(world.member2, "Carnot") == set() and _found(world.member2, "Bilan") == {f"resource:{item.id}"}


@pytest.mark.parametrize("filename, build", [("rapport.pdf", files.pdf), ("rapport.docx", files.docx)])
def test_identifying_text_inside_an_uploaded_file_is_refused_with_its_passages(app, client, auth, world,
                                                                                filename, build):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member.email)
    for choice in ({}, {"safeguarding": "redact"}, {"safeguarding": "publish", "safeguarding_justification": REASON}):
        response = _upload(client, item, filename, build(IDENTIFYING), **choice)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, choice
        assert MARKED in html and "retirez ces passages du document" in html
        assert 'value="redact"' not in html  # a file cannot be redacted here: nothing offers it
        assert nothing_stored()
    db.session.expire_all()
    assert not item.sensitive and item.attachments == []
    # The same document without the passages is accepted.
    assert _upload(client, item, filename, build("Awa a rejoint le groupe de parole.")).status_code == 302


def test_a_new_resource_with_an_identifying_file_comes_back_as_typed(app, client, auth, world):
    auth.login(world.member.email)
    response = _new(client, world.sn_space, safeguarding="redact", body="Mon texte précieux",
                    file=("rapport.pdf", files.pdf(IDENTIFYING)))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert MARKED in html and "choisissez-le de nouveau" in html
    assert "Mon texte précieux" in html and "Suivi des cas" in html
    assert _resources() == [] and nothing_stored()


def test_a_service_refuses_an_identifying_file_whatever_was_decided(app, world):
    item = resource(world.sn_space, world.member, "Fiche")
    with pytest.raises(IdentifyingFile) as refused, deciding(REDACT):
        services.add_file(item, "rapport.pdf", files.pdf(IDENTIFYING), world.member)
    [screened] = refused.value.screened
    assert screened.field == "text" and not refused.value.can_hold
    db.session.rollback()
    assert nothing_stored()


def test_a_files_text_cannot_be_redacted_after_the_fact(client, auth, world):
    """Replacing a file's extracted text would leave the passages in the file people download."""
    item = resource(world.sn_space, world.member, "Fiche")
    services.add_file(item, "rapport.pdf", files.pdf("Rapport annuel du programme"), world.member)
    version = db.session.scalar(db.select(FileVersion))
    auth.login(world.moderator.email)
    assert client.get(f"/moderation/redact/resource/{item.id}").status_code == 200
    assert client.get(f"/moderation/redact/file/{version.id}").status_code == 404
