"""Knowledge services decide who may act and commit their change, whoever calls them (not only the pages)."""
import pytest

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.knowledge import services, uploads
from sociallab.knowledge.models import FileVersion, Resource
from tests.factories import resource
from tests.knowledge import files


def _refusal(call, *args, **kwargs):
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


def _count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_a_service_refuses_a_reader_without_the_right_403_and_a_non_reader_404(world):
    item = resource(world.sn_space, world.member, "Fiche")
    other = resource(world.sn_space, world.member, "Sheet", lang="en")
    assert isinstance(_refusal(services.set_hidden, item, True, world.member), services.KnowledgeError)
    assert _refusal(services.set_hidden, item, True, world.member2).status == 403
    assert _refusal(services.set_hidden, item, True, world.other_member).status == 404
    assert _refusal(services.update_resource, item, "guide", "Réécrite", "", "", "fr",
                    editor=world.member2).status == 403
    assert _refusal(services.update_resource, item, "guide", "Réécrite", "", "", "fr",
                    editor=world.other_member).status == 404
    assert _refusal(services.link_translation, item, other, world.volunteer_in).status == 403
    assert _refusal(services.unlink_translation, item, world.volunteer_out).status == 404
    # The facilitator reads the space as staff, without being one of its members.
    assert _refusal(services.create_resource, world.sn_space, world.facilitator, "guide", "Guide", "", "",
                    "fr").status == 403
    assert _refusal(services.create_resource, world.sn_space, world.other_member, "guide", "Guide", "", "",
                    "fr").status == 404
    db.session.refresh(item)
    assert (item.status, item.title) == (Resource.PUBLISHED, "Fiche")
    assert item.translation_group != other.translation_group
    assert _count(Resource) == 2


def test_an_upload_is_refused_to_a_reader_without_the_right_before_the_file_is_opened(world, monkeypatch):
    item = resource(world.sn_space, world.member, "Fiche")
    opened = []
    monkeypatch.setattr(uploads, "open_file", lambda kind, data: opened.append(kind))
    assert _refusal(uploads.add_file, item, "guide.pdf", files.pdf(), world.member2).status == 403
    assert _refusal(uploads.add_file, item, "guide.pdf", files.pdf(), world.other_member).status == 404
    assert opened == [] and _count(FileVersion) == 0


def test_a_refused_file_leaves_no_resource_behind(world):
    refusal = _refusal(services.create_resource, world.sn_space, world.member, "guide", "Avec fichier", "", "",
                       "fr", file=("notes.pdf", b"not a pdf at all"))
    assert isinstance(refusal, uploads.UploadError) and refusal.status == 400
    assert _count(Resource) == 0


def test_a_change_is_committed_by_its_service(world):
    item = resource(world.sn_space, world.member, "Fiche")
    db.session.rollback()  # what a caller's error handling may do after the call: the change stays
    assert db.session.get(Resource, item.id).title == "Fiche"
    services.update_resource(item, "report", "Fiche revue", "", "", "fr", editor=world.moderator)
    services.set_hidden(item, True, world.moderator)
    version = uploads.add_file(item, "notes.odt", files.odt(), world.member)
    other = services.create_resource(world.sn_space, world.member, "guide", "Sheet", "", "", "en",
                                     file=("plan.odt", files.odt()))
    services.link_translation(item, other, world.member)
    db.session.rollback()
    item = db.session.get(Resource, item.id)
    assert (item.title, item.type, item.status) == ("Fiche revue", "report", Resource.HIDDEN)
    assert db.session.get(FileVersion, version.id).filename == "notes.odt"
    assert [a.current.filename for a in db.session.get(Resource, other.id).attachments] == ["plan.odt"]
    assert db.session.get(Resource, other.id).translation_group == item.translation_group
