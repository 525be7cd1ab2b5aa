"""Search only ever finds, counts, facets and quotes what the person may read."""
from sociallab.extensions import db
from sociallab.knowledge.services import set_hidden
from tests.factories import resource


def test_peru_member_finds_nothing_of_a_senegal_item_not_even_counts(find, world):
    resource(world.sn_space, world.member, "Registre teranga", body="Le mot zorblatte n'est qu'ici.",
             countries=["sn"], themes=["participation"])
    results = find(world.other_member, "zorblatte")
    assert results.total == 0 and results.hits == []
    assert all(values == [] for values in results.facets.values())
    assert results.suggestion is None
    assert find(world.member, "zorblatte").total == 1


def test_counts_and_facets_ignore_unreadable_items(find, world):
    resource(world.sn_space, world.member, "Fiche", body="commun", lang="fr")
    resource(world.pe_space, world.other_member, "Ficha", body="commun", lang="es")
    resource(world.international, world.member, "Shared", body="commun", lang="en")
    results = find(world.other_member, "commun")
    assert results.total == 2
    assert dict(results.facets["space"]) == {str(world.pe_space.id): 1, str(world.international.id): 1}
    assert dict(results.facets["lang"]) == {"es": 1, "en": 1}
    assert find(world.admin, "commun").total == 3


def test_a_near_miss_never_suggests_a_word_from_another_country(find, world):
    resource(world.sn_space, world.member, "Fiche", body="gendarmerie")
    assert find(world.other_member, "gendarmerei").suggestion is None
    assert find(world.member, "gendarmerei").suggestion == "gendarmerie"


def test_former_volunteer_and_signed_out_find_nothing(find, world):
    from flask_login import AnonymousUserMixin
    resource(world.sn_space, world.member, "Fiche", body="mandat")
    assert find(world.volunteer_out, "mandat").total == 0
    assert find(world.volunteer_in, "mandat").total == 1
    assert find(AnonymousUserMixin(), "mandat").total == 0


def test_draft_is_found_by_its_organisation_and_moderators_only(find, world):
    resource(world.sn_space, world.member, "Brouillon", body="ébauche", status="draft")
    assert find(world.member, "ebauche").total == 1
    assert find(world.volunteer_in, "ebauche").total == 1  # in mandate with the same partner
    assert find(world.member2, "ebauche").total == 0       # another Senegal partner
    assert find(world.moderator, "ebauche").total == 1
    assert dict(find(world.member2, "ebauche").facets["type"]) == {}


def test_publishing_a_draft_makes_it_findable_by_the_space(find, world):
    draft = resource(world.sn_space, world.member, "Brouillon", body="ébauche", status="draft")
    draft.status = "published"
    db.session.commit()
    assert find(world.member2, "ebauche").total == 1


def test_hidden_resource_is_found_by_moderators_and_its_author_only(find, world):
    item = resource(world.sn_space, world.member2, "Fiche", body="masquée")
    set_hidden(item, True, world.moderator)
    db.session.commit()
    assert find(world.member, "masquee").total == 0
    assert find(world.member2, "masquee").total == 1
    assert find(world.moderator, "masquee").total == 1


def test_hidden_forum_post_is_found_by_moderators_only(find, world):
    from sociallab.forums import moderation
    from sociallab.forums import services as forums
    category = forums.create_category(world.sn_space, "Général", "", "fr", world.moderator)
    thread, _published = forums.create_thread(category, "Sujet", "Premier message", world.member, "fr")
    forums.reply(thread, world.member2, "Une réponse avec le mot kiwano", "fr")
    db.session.commit()
    assert find(world.member, "kiwano").total == 1
    post = thread.posts[-1]
    moderation.set_hidden(post, world.moderator, hidden=True)
    db.session.commit()
    assert find(world.member, "kiwano").total == 0
    assert dict(find(world.member, "kiwano").facets["type"]) == {}
    assert find(world.moderator, "kiwano").total == 1
    assert find(world.other_member, "kiwano").total == 0
