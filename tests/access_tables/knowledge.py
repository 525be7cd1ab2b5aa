"""Access rows for the library, resources, their files and translations."""
from tests.access_tables import LOGIN, Row, expect, signed_in_only, space_members

SN = "/spaces/country-sn"
# A form posted empty by someone allowed: back to the page (302) or refused as incomplete (400).
POSTED = (302, 400)


def editors(ok):
    """The author (world.member), the space's moderators and administrators; the space's other
    readers are refused (403), those who may not read it never learn the resource exists (404)."""
    return space_members(403, moderator=ok) | {"member": ok, "admin": ok}


def setup(world):
    from sociallab.extensions import db
    from sociallab.knowledge import services, uploads
    from tests.knowledge import files
    w = world
    w.resource = services.create_resource(w.sn_space, w.member, "guide", "Guide d'écoute", "", "Texte", "fr")
    w.resource_draft = services.create_resource(w.sn_space, w.member, "report", "Brouillon", "", "", "fr",
                                                status="draft")
    w.resource_en = services.create_resource(w.sn_space, w.member, "guide", "Listening guide", "", "", "en")
    # An ODT: every upload is opened by a worker process, and one that loads no PDF parser costs a
    # third as much; this runs once for each row of every access table.
    w.resource_file = uploads.add_file(w.resource, "notes.odt", files.odt(), w.member)
    db.session.commit()


ROWS = [
    Row("knowledge.library", lambda w: f"{SN}/library", space_members()),
    Row("knowledge.library", lambda w: "/spaces/country-pe/library",
        expect(404, anonymous=LOGIN, other_member=200, admin=200), id="peru library"),
    # The facilitator reads the space as staff, not as a member: refused, not kept in the dark.
    Row("knowledge.new_resource", lambda w: f"{SN}/library/new", space_members(facilitator=403)),
    Row("knowledge.new_resource", lambda w: f"{SN}/library/new", space_members(POSTED, facilitator=403),
        method="POST", id="POST new resource"),
    Row("knowledge.resource", lambda w: f"/resources/{w.resource.id}", space_members()),
    Row("knowledge.resource", lambda w: f"/resources/{w.resource_draft.id}", space_members(facilitator=404),
        id="draft resource"),
    Row("knowledge.edit_resource", lambda w: f"/resources/{w.resource.id}/edit", editors(200)),
    Row("knowledge.edit_resource", lambda w: f"/resources/{w.resource.id}/edit", editors(POSTED), method="POST",
        id="POST edit resource"),
    Row("knowledge.upload", lambda w: f"/resources/{w.resource.id}/files", editors(POSTED), method="POST"),
    Row("knowledge.upload", lambda w: f"/resources/{w.resource.id}/files/{w.resource_file.attachment_id}",
        editors(POSTED), method="POST", id="POST new file version"),
    Row("knowledge.link_translation", lambda w: f"/resources/{w.resource.id}/translations", editors(POSTED),
        method="POST"),
    Row("knowledge.set_visibility", lambda w: f"/resources/{w.resource_en.id}/visibility",
        space_members(403, moderator=302) | {"admin": 302}, method="POST"),
    Row("knowledge.download", lambda w: f"/files/{w.resource_file.id}/download", space_members()),
    # The header's library across spaces: everyone signed in; each sees only what they may read.
    Row("knowledge.all_libraries", lambda w: "/library", signed_in_only()),
]
