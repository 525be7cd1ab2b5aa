"""One search box over threads, posts, initiatives, journal entries, resources and workshop minutes."""
from datetime import date

from sociallab.extensions import db
from sociallab.initiatives import services as initiatives
from sociallab.initiatives.models import Initiative
from tests.factories import make_initiative, resource


def test_every_kind_of_content_is_found_with_its_type(find, world):
    from sociallab.forums import services as forums
    category = forums.create_category(world.sn_space, "Général", "", "fr", world.moderator)
    forums.create_thread(category, "Salle d'écoute", "La salle d'écoute des enfants au commissariat.", world.member,
                         "fr")
    initiative = make_initiative(world, title="Salle d'écoute pilote", status=Initiative.PUBLISHED,
                                 summary="Une salle d'écoute dans deux commissariats.")
    initiatives.add_journal_entry(initiative, world.member, date(2025, 3, 1), "Ouverture de la salle d'écoute",
                                  "Les enfants parlent plus longtemps", "", "fr")
    resource(world.sn_space, world.member, "Guide de la salle d'écoute", body="Aménager une salle d'écoute.")
    resource(world.sn_space, None, "Compte rendu : atelier salle d'écoute", body="Questions sur la salle d'écoute.",
             type="minutes")
    db.session.commit()
    results = find(world.member, '"salle d\'écoute"')
    kinds = dict(results.facets["type"])
    # The thread's opening post is the thread: one result, not a discussion and a reply.
    assert kinds == {"thread": 1, "initiative": 1, "journal": 1, "resource": 1, "minutes": 1}
    # The journal entry is shown on its initiative's page: one result, counted under both kinds.
    assert results.total == 4
    assert {hit.group for hit in results.hits if hit.type in ("initiative", "journal")} == {initiative.path}
    assert find(world.other_member, '"salle d\'écoute"').total == 0


def test_draft_initiative_is_found_by_its_partners_only(find, world):
    make_initiative(world, title="Projet confidentiel", summary="Un pilote encore en préparation.")
    assert find(world.member, "confidentiel").total == 1
    assert find(world.member2, "confidentiel").total == 0
    assert find(world.other_member, "confidentiel").total == 0
