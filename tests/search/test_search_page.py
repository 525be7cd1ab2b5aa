"""The search page: header box, results with type, space, language, date and snippet, facets, pages."""
from tests.factories import resource
from tests.querycount import count_queries


def test_header_search_box_leads_to_results(client, auth, world):
    resource(world.sn_space, world.member, "Guide d'audition", body="L'audition filmée des enfants.", lang="fr")
    auth.login(world.member.email)
    home = client.get("/spaces").get_data(as_text=True)
    assert 'action="/search"' in home
    html = client.get("/search?q=enfant").get_data(as_text=True)
    assert "Guide d&#39;audition" in html or "Guide d'audition" in html
    assert "<mark" in html and 'lang="fr"' in html
    assert "Sénégal" in html  # the space of the result, and a facet
    assert "1 résultat" in html


def test_facet_link_narrows_results(client, auth, world):
    resource(world.sn_space, world.member, "Fiche", body="registre", lang="fr")
    resource(world.international, world.member, "Sheet", body="registre", lang="en")
    auth.login(world.member.email)
    html = client.get("/search?q=registre").get_data(as_text=True)
    assert "2 résultats" in html and "/search?q=registre&amp;lang=en" in html
    narrowed = client.get("/search?q=registre&lang=en").get_data(as_text=True)
    assert "1 résultat" in narrowed and "Sheet" in narrowed and "Fiche" not in narrowed


def test_malformed_query_shows_a_friendly_message(client, auth, world):
    auth.login(world.member.email)
    response = client.get('/search?q="')
    assert response.status_code == 200
    assert "signe moins" in response.get_data(as_text=True) or "minus" in response.get_data(as_text=True)


def test_bad_filter_values_are_harmless(client, auth, world):
    auth.login(world.member.email)
    response = client.get("/search?q=x&from=not-a-date&page=-3&space=../../etc")
    assert response.status_code == 200


def test_suggestion_is_a_link(client, auth, world):
    resource(world.sn_space, world.member, "Fiche", body="gendarmerie", lang="fr")
    auth.login(world.member.email)
    html = client.get("/search?q=gendarmerei").get_data(as_text=True)
    assert "/search?q=gendarmerie" in html


def test_results_page_query_count_does_not_grow_with_results(client, auth, world):
    auth.login(world.member.email)
    resource(world.sn_space, world.member, "Fiche", body="registre", lang="fr")
    client.get("/search?q=registre")
    with count_queries() as few:
        client.get("/search?q=registre")
    for n in range(25):
        resource(world.sn_space if n % 2 else world.international, world.member, f"Fiche {n}", body="registre",
                 lang="fr", countries=["sn"], themes=["participation"], commit=False)
    from sociallab.extensions import db
    db.session.commit()
    client.get("/search?q=registre")  # reload what the test's commit expired in the shared session
    with count_queries() as many:
        html = client.get("/search?q=registre").get_data(as_text=True)
    assert "26 résultats" in html
    assert len(many) <= len(few) + 2


def test_search_needs_sign_in(client):
    response = client.get("/search?q=x")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
