"""Adding, reading, editing and hiding resources; the library; linked translations."""
from sociallab.extensions import db
from sociallab.knowledge import services
from sociallab.knowledge.models import Resource
from tests.conftest import post_form
from tests.factories import resource
from tests.querycount import count_queries


def test_member_adds_a_resource_through_the_form(client, auth, world):
    auth.login(world.member.email)
    url = f"/spaces/{world.sn_space.slug}/library/new"
    response = post_form(client, url, {"type": "toolkit", "title": "Boîte à outils", "summary": "Pour les équipes",
                                       "body": "## Étapes\n\n1. Écouter", "lang": "fr", "themes": ["participation"],
                                       "countries": ["sn"], "status": "published"})
    assert response.status_code == 302
    item = db.session.scalar(db.select(Resource))
    assert (item.title, item.type, item.lang, item.space_id) == ("Boîte à outils", "toolkit", "fr", world.sn_space.id)
    assert [t.code for t in item.themes] == ["participation"] and [c.iso2 for c in item.countries] == ["sn"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h2>Étapes</h2>" in page and 'lang="fr"' in page


def test_form_errors_keep_what_was_typed(client, auth, world):
    auth.login(world.member.email)
    response = post_form(client, f"/spaces/{world.sn_space.slug}/library/new",
                         {"type": "toolkit", "title": "", "body": "Mon texte précieux", "lang": "fr",
                          "status": "published"})
    assert response.status_code == 400
    assert "Mon texte précieux" in response.get_data(as_text=True)


def test_peru_member_cannot_add_to_or_read_the_senegal_library(client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.other_member.email)
    assert client.get(f"/spaces/{world.sn_space.slug}/library").status_code == 404
    assert client.get(f"/spaces/{world.sn_space.slug}/library/new").status_code == 404
    assert client.get(f"/resources/{item.id}").status_code == 404


def test_library_filters_by_type_theme_and_language(client, auth, world):
    resource(world.sn_space, world.member, "Guide FR", type="guide", lang="fr", themes=["participation"])
    resource(world.sn_space, world.member, "Report EN", type="report", lang="en")
    resource(world.pe_space, world.other_member, "Informe", type="report", lang="es")
    auth.login(world.member.email)
    base = f"/spaces/{world.sn_space.slug}/library"
    html = client.get(base).get_data(as_text=True)
    assert "Guide FR" in html and "Report EN" in html and "Informe" not in html
    assert "Report EN" not in client.get(base + "?type=guide").get_data(as_text=True)
    assert "Report EN" not in client.get(base + "?theme=participation").get_data(as_text=True)
    only_en = client.get(base + "?lang=en").get_data(as_text=True)
    assert "Report EN" in only_en and "Guide FR" not in only_en


def test_library_query_count_does_not_grow_with_resources(client, auth, world):
    auth.login(world.member.email)
    url = f"/spaces/{world.sn_space.slug}/library"
    resource(world.sn_space, world.member, "Une", themes=["participation"])
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(15):
        resource(world.sn_space, world.member, f"Fiche {n}", lang=("fr", "en", "es")[n % 3],
                 themes=["participation"], commit=False)
    db.session.commit()
    client.get(url)  # the test's commit expired what the shared session held; reload it first
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_one_toolkit_in_three_languages_links_its_versions(client, auth, world):
    fr = resource(world.sn_space, world.member, "Boîte à outils", lang="fr", type="toolkit")
    en = resource(world.sn_space, world.member, "Toolkit", lang="en", type="toolkit", translation_of=fr)
    es = resource(world.sn_space, world.member, "Caja de herramientas", lang="es", type="toolkit", translation_of=fr)
    assert {r.id for r in services.versions_of(en)} == {fr.id, en.id, es.id}
    auth.login(world.member2.email)
    html = client.get(f"/resources/{en.id}").get_data(as_text=True)
    assert f'href="/resources/{fr.id}" lang="fr"' in html and f'href="/resources/{es.id}" lang="es"' in html
    assert "Aussi en" in html or "Also in" in html
    library = client.get(f"/spaces/{world.sn_space.slug}/library").get_data(as_text=True)
    assert "Español" in library


def test_a_group_holds_one_version_per_language(world):
    import pytest
    fr = resource(world.sn_space, world.member, "Boîte", lang="fr")
    with pytest.raises(services.KnowledgeError):
        resource(world.sn_space, world.member, "Autre boîte", lang="fr", translation_of=fr)
    with pytest.raises(services.KnowledgeError):
        resource(world.pe_space, world.other_member, "Caja", lang="es", translation_of=fr)


def test_link_an_existing_resource_as_a_translation(client, auth, world):
    fr = resource(world.sn_space, world.member, "Boîte", lang="fr")
    en = resource(world.sn_space, world.member, "Box", lang="en")
    auth.login(world.member.email)
    response = post_form(client, f"/resources/{fr.id}/translations", {"other": en.id}, page=f"/resources/{fr.id}")
    assert response.status_code == 302
    db.session.refresh(en)
    assert en.translation_group == fr.translation_group


def test_translation_form_starts_with_a_missing_language(client, auth, world):
    fr = resource(world.sn_space, world.member, "Boîte", lang="fr", themes=["participation"])
    auth.login(world.member.email)
    html = client.get(f"/spaces/{world.sn_space.slug}/library/new?translation_of={fr.id}").get_data(as_text=True)
    assert '<option selected value="en">' in html
    assert f'name="translation_of" value="{fr.id}"' in html


def test_only_the_author_and_moderators_edit(client, auth, world):
    item = resource(world.sn_space, world.member, "Fiche")
    auth.login(world.member2.email)  # reads the resource, may not change it: refused, not hidden
    assert client.get(f"/resources/{item.id}/edit").status_code == 403
    auth.logout()
    auth.login(world.moderator.email)
    response = post_form(client, f"/resources/{item.id}/edit", {"type": "guide", "title": "Fiche revue", "lang": "fr",
                                                                "status": "published"})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.title == "Fiche revue"


def test_moderator_hides_a_resource_and_members_no_longer_see_it(client, auth, world):
    item = resource(world.sn_space, world.member2, "Fiche")
    auth.login(world.moderator.email)
    response = post_form(client, f"/resources/{item.id}/visibility", {"action": "hide"}, page=f"/resources/{item.id}")
    assert response.status_code == 302
    auth.logout()
    auth.login(world.member.email)
    assert client.get(f"/resources/{item.id}").status_code == 404
    assert "Fiche" not in client.get(f"/spaces/{world.sn_space.slug}/library").get_data(as_text=True)
    auth.logout()
    auth.login(world.member2.email)
    assert client.get(f"/resources/{item.id}").status_code == 200


def test_draft_is_shared_with_the_authors_organisation_only(client, auth, world):
    item = resource(world.sn_space, world.member, "Brouillon", status="draft")
    auth.login(world.volunteer_in.email)
    assert client.get(f"/resources/{item.id}").status_code == 200
    auth.logout()
    auth.login(world.member2.email)
    assert client.get(f"/resources/{item.id}").status_code == 404


def test_space_home_shows_the_library_section(client, auth, world):
    auth.login(world.member.email)
    html = client.get(f"/spaces/{world.sn_space.slug}").get_data(as_text=True)
    assert f"/spaces/{world.sn_space.slug}/library" in html
