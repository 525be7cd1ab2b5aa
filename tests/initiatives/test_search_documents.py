"""What initiatives and journal entries tell search: who may find them follows the read rule."""
from datetime import date

from sociallab.extensions import db
from sociallab.initiatives import curation, services
from sociallab.initiatives.models import Initiative
from sociallab.initiatives.search import initiative_document, journal_document
from sociallab.permissions import audience_tokens_for_user, can_read_initiative


def _finds(user, document):
    return bool(set(audience_tokens_for_user(user)) & set(document["audience"]))


def test_search_audience_agrees_with_the_read_rule_at_every_curation_step(world, initiative_factory):
    initiative = initiative_factory()
    entry = services.add_journal_entry(initiative, world.member, date(2025, 4, 1), "Tried", "", "", "fr")
    db.session.commit()
    people = [p for p in world.roles.values() if p is not None]
    steps = [None, "submit", "approve", "feature", "unfeature", "archive"]
    for step in steps:
        if step:
            curation.curate(initiative, step, world.moderator if step != "submit" else world.member)
            db.session.commit()
        for document in (initiative_document(initiative), journal_document(entry)):
            for person in people:
                if person.is_admin:
                    continue  # administrators read everything; search gives them what their tokens allow
                assert _finds(person, document) == can_read_initiative(initiative, person), (step, person.email)


def test_a_journal_entry_leaves_search_for_other_countries_when_its_good_practice_is_unfeatured(
        world, initiative_factory):
    from sociallab import search
    initiative = initiative_factory(status=Initiative.PUBLISHED)
    services.add_journal_entry(initiative, world.member, date(2025, 4, 1), "Salle xylophonique testée", "", "", "fr")
    db.session.commit()
    def found():
        return list(search.query(world.other_member, "xylophonique").hits)

    assert found() == []
    curation.curate(initiative, "feature", world.moderator)
    db.session.commit()
    assert len(found()) == 1  # a featured good practice is open to everyone, its journal too
    curation.curate(initiative, "unfeature", world.moderator)
    db.session.commit()
    assert found() == []
