"""A thread is one search result, whichever of its posts match: counted, faceted and paged once,
quoting its best-matching post among those the reader may see."""
from sociallab.extensions import db
from sociallab.forums import moderation
from sociallab.forums import services as forums


def _thread(world, title, opening, author=None, lang="fr"):
    category = forums.create_category(world.sn_space, "Général", "", "fr", world.moderator)
    thread, _published = forums.create_thread(category, title, opening, author or world.member, lang)
    return thread


def test_a_thread_whose_opening_post_and_two_replies_match_is_one_result(find, world):
    thread = _thread(world, "Salle d'attente", "Une salle pour les enfants au tribunal.")
    forums.reply(thread, world.member2, "Au tribunal de Thiès, la salle est prête.", "fr")
    best = forums.reply(thread, world.member2, "Tribunal, tribunal, tribunal : trois audiences au tribunal.", "fr").post
    db.session.commit()

    results = find(world.member, "tribunal")
    assert results.total == 1 and results.pages == 1 and len(results.hits) == 1
    hit = results.hits[0]
    assert hit.group == f"/forums/threads/{thread.id}" and hit.type == "thread"
    assert str(hit.title) == "Salle d&#39;attente"
    # The best-matching post is quoted and linked to.
    assert "trois audiences" in str(hit.snippet)
    assert hit.id == f"post:{best.id}" and hit.url == f"/forums/threads/{thread.id}#post-{best.id}"
    assert dict(results.facets["type"]) == {"thread": 1}
    assert dict(results.facets["space"]) == {str(world.sn_space.id): 1}
    assert dict(results.facets["countries"]) == {"sn": 1}
    assert dict(results.facets["lang"]) == {"fr": 1}
    assert sum(count for _value, count in results.facets["year"]) == 1


def test_the_opening_post_is_found_once_as_the_thread(find, world):
    thread = _thread(world, "Registre", "Le registre des auditions filmées.")
    results = find(world.member, "auditions")
    assert [(h.id, h.url) for h in results.hits] == [(f"thread:{thread.id}", f"/forums/threads/{thread.id}")]
    assert "registre des <mark" in str(results.hits[0].snippet)


def test_a_hidden_reply_by_another_person_does_not_make_the_thread_findable_by_its_words(find, world):
    thread = _thread(world, "Sujet", "Premier message sans rien de particulier.")
    hidden = forums.reply(thread, world.member2, "Un mot rare : kiwano, kiwano et kiwano.", "fr").post
    db.session.commit()
    moderation.set_hidden(hidden, world.moderator, hidden=True)
    db.session.commit()

    for reader in (world.member, world.facilitator):
        results = find(reader, "kiwano")
        assert results.total == 0 and results.hits == [] and results.suggestion is None
        assert all(values == [] for values in results.facets.values())
        assert find(reader, "kiwnao").suggestion is None
    # Its author and the moderators still find the thread through it.
    assert [h.id for h in find(world.member2, "kiwano").hits] == [f"post:{hidden.id}"]
    assert find(world.moderator, "kiwano").total == 1
    assert find(world.moderator, "kiwnao").suggestion == "kiwano"


def test_the_snippet_never_quotes_a_post_the_reader_may_not_see(find, world):
    thread = _thread(world, "Sujet", "Un mot dans le premier message : papaye.")
    hidden = forums.reply(thread, world.member2, "Papaye, papaye, papaye : le passage masqué.", "fr").post
    db.session.commit()
    moderation.set_hidden(hidden, world.moderator, hidden=True)
    db.session.commit()

    seen_by_member = find(world.member, "papaye")
    assert seen_by_member.total == 1
    assert "premier message" in str(seen_by_member.hits[0].snippet)
    assert "masqué" not in str(seen_by_member.hits[0].snippet)
    seen_by_moderator = find(world.moderator, "papaye")
    assert seen_by_moderator.total == 1 and "masqué" in str(seen_by_moderator.hits[0].snippet)


def test_a_held_reply_does_not_make_the_thread_findable_by_others(find, world):
    thread = _thread(world, "Sujet", "Premier message.")
    held = forums.reply(thread, world.member2, "Une réponse retenue : corossol.", "fr").post
    held.sensitive = True
    db.session.commit()
    assert find(world.member, "corossol").total == 0
    assert find(world.member2, "corossol").total == 1
    assert find(world.moderator, "corossol").total == 1


def test_hiding_and_showing_the_opening_post_keeps_one_result(find, world):
    thread = _thread(world, "Sujet", "Le mot goyave ouvre la discussion.")
    forums.reply(thread, world.member2, "Encore goyave.", "fr")
    opening = thread.posts[0]
    moderation.set_hidden(opening, world.moderator, hidden=True)
    db.session.commit()
    assert [h.url for h in find(world.member2, "ouvre").hits] == []
    assert find(world.moderator, "ouvre").total == 1
    assert find(world.member, "ouvre").total == 1  # its author
    moderation.set_hidden(opening, world.moderator, hidden=False)
    db.session.commit()
    results = find(world.member2, "goyave")
    assert results.total == 1 and dict(results.facets["type"]) == {"thread": 1}


def test_each_value_of_a_facet_counts_the_thread_once(find, world):
    thread = _thread(world, "Atelier", "Un atelier sur la médiation.")
    forums.reply(thread, world.moderator, "A workshop on mediation, with mediation in mind.", "en")
    forums.reply(thread, world.member2, "Une deuxième médiation.", "fr")
    db.session.commit()
    results = find(world.member, "médiation")
    # Posts in French and in English match: the thread counts once under each language.
    assert results.total == 1 and dict(results.facets["lang"]) == {"fr": 1, "en": 1}
    assert dict(results.facets["type"]) == {"thread": 1}
    english = find(world.member, "mediation", lang="en")
    assert english.total == 1 and "workshop" in str(english.hits[0].snippet)
    assert dict(english.facets["lang"]) == {"en": 1}


def test_pages_count_threads_not_posts(find, world):
    category = forums.create_category(world.sn_space, "Général", "", "fr", world.moderator)
    for n in range(23):
        thread, _published = forums.create_thread(category, f"Sujet {n}", f"Le tamarin numéro {n}.", world.member,
                                                  "fr")
        forums.reply(thread, world.member2, f"Encore un tamarin, réponse {n}.", "fr")
    db.session.commit()
    first, second = find(world.member, "tamarin"), find(world.member, "tamarin", page=2)
    assert first.total == 23 and first.pages == 2
    assert dict(first.facets["type"]) == {"thread": 23}
    assert len(first.hits) == 20 and len(second.hits) == 3
    groups = [h.group for h in first.hits + second.hits]
    assert len(set(groups)) == 23


def test_the_results_page_shows_the_thread_once(client, auth, world):
    thread = _thread(world, "Salle d'attente", "Une salle pour les enfants au tribunal.")
    forums.reply(thread, world.member2, "Au tribunal de Thiès, la salle est prête.", "fr")
    db.session.commit()
    auth.login(world.member.email)
    html = client.get("/search?q=tribunal").get_data(as_text=True)
    assert "1 résultat" in html
    assert html.count('class="hit"') == 1
    assert "Réponse" not in html


def test_approving_a_held_opening_post_makes_the_thread_findable_by_its_words(find, world):
    from sociallab.safeguarding import review
    from sociallab.safeguarding.models import SensitiveItem
    thread = _thread(world, "Sujet", "Le mot pitaya ouvre la discussion.")
    opening = thread.posts[0]
    opening.sensitive = True
    db.session.add(SensitiveItem(item_type="post", item_id=opening.id,
                                 author_id=world.member.id))
    db.session.commit()
    assert find(world.member2, "pitaya").total == 0
    assert [h.id for h in find(world.member, "pitaya").hits] == [f"post:{opening.id}"]
    review.approve(db.session.scalar(db.select(SensitiveItem)), world.moderator)
    results = find(world.member2, "pitaya")
    assert [(h.id, h.url) for h in results.hits] == [(f"thread:{thread.id}", f"/forums/threads/{thread.id}")]


def test_an_initiative_its_journal_and_its_comments_are_one_result(find, world):
    from datetime import date

    from sociallab.forums.discussions import create_discussion
    from sociallab.initiatives import services as initiatives
    from sociallab.initiatives.models import Initiative
    from tests.factories import make_initiative
    initiative = make_initiative(world, title="Salle d'écoute pilote", status=Initiative.PUBLISHED,
                                 summary="Une salle d'écoute au commissariat de Pikine.")
    initiatives.add_journal_entry(initiative, world.member, date(2025, 3, 1), "Ouverture",
                                  "La salle de Pikine a ouvert.", "", "fr")
    thread = create_discussion(initiative.space, initiative.title, world.member, "fr", initiative.path)
    initiative.thread_id = thread.id
    db.session.commit()
    forums.reply(thread, world.member2, "Bravo pour Pikine, et encore Pikine !", "fr")
    db.session.commit()
    results = find(world.member, "Pikine")
    assert results.total == 1
    assert [(h.group, h.url) for h in results.hits] == [(initiative.path, thread.url)]
    assert "Bravo" in str(results.hits[0].snippet)
    assert dict(results.facets["type"]) == {"initiative": 1, "journal": 1, "thread": 1}


def test_grouping_counts_each_value_once_per_result():
    from sociallab.search.grouping import one_per_thing
    from sociallab.search.schema import FACETS
    row = dict.fromkeys(FACETS, "")

    def keys(group, **values):
        return (group, *({**row, **values}[name] for name in FACETS))
    ranked = [(3.0, 7), (2.0, 8), (1.5, 9), (1.0, 10), (0.5, 11)]
    found = {7: keys("/t/1", countries="sn", lang="fr"), 8: keys("/r/2", countries="sn,pe", lang="en"),
             9: keys("/t/1", countries="sn,pe", lang="en"), 10: keys("", countries="pe", lang="es"),
             11: keys("/t/1", countries="sn", lang="fr")}
    best, facets = one_per_thing(ranked, found)
    assert best == [(3.0, 7), (2.0, 8), (1.0, 10)]
    assert dict(facets["countries"]) == {"sn": 2, "pe": 3}
    assert dict(facets["lang"]) == {"fr": 1, "en": 2, "es": 1}
