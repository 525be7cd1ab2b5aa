"""Search derives nothing from items the person may not read: no suggestion, count, facet,
ranking or message changes with what exists only in another country's space, and odd queries
answer with a page, never an error."""
import logging
import re

import pytest

from tests.factories import resource


def answer(results):
    """Everything a search shows a person, in order."""
    return {"hits": [h.id for h in results.hits], "total": results.total, "pages": results.pages,
            "facets": results.facets, "suggestion": results.suggestion, "error": results.error}


def test_a_word_only_in_a_senegal_item_answers_a_peru_member_as_an_unknown_word_does(find, world):
    """"trombiq" exists only in Senegal, "trombix" nowhere: the Peru member cannot tell them apart
    (both get the suggestion taken from what they can read, the same count, facets and message)."""
    resource(world.international, world.member, "Fiche partagée", body="Le registre trombik des visites.")
    resource(world.sn_space, world.member, "Fiche nationale", body="Le nom trombiq n'est écrit qu'ici.",
             countries=["sn"], themes=["participation"])
    secret, unknown = find(world.other_member, "trombiq"), find(world.other_member, "trombix")
    assert answer(secret) == answer(unknown)
    assert unknown.suggestion == "trombik"
    # The Senegal member, who may read it, finds it.
    assert find(world.member, "trombiq").total == 1


def test_the_search_page_shows_a_senegal_only_word_as_it_shows_an_unknown_one(client, auth, world):
    """The whole results page (count, "did you mean", "nothing found", facets) is the same."""
    resource(world.international, world.member, "Fiche partagée", body="Le registre trombik des visites.")
    resource(world.sn_space, world.member, "Fiche nationale", body="Le nom trombiq n'est écrit qu'ici.")
    auth.login(world.other_member.email)
    secret = client.get("/search?q=trombiq").get_data(as_text=True)
    unknown = client.get("/search?q=trombix").get_data(as_text=True)
    assert "/search?q=trombik" in unknown
    # The forms' CSRF tokens carry the second they were made in: the one thing allowed to differ.
    assert same_page(secret.replace("trombiq", "WORD")) == same_page(unknown.replace("trombix", "WORD"))


def same_page(html):
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)


def test_a_peru_members_answers_do_not_change_when_senegal_items_are_added(find, world):
    """Suggestions, ranking, counts and facets are worked out from readable items only: Senegal
    items full of the same and of nearby words change nothing for a Peru member."""
    pe = world.pe_space
    resource(pe, world.other_member, "Ficha uno", body="bravolk bravolk bravolk dusmert", lang="es")
    resource(pe, world.other_member, "Ficha dos", body="bravolk dusmert dusmert dusmert", lang="es")
    resource(pe, world.other_member, "Ficha corta", body="quenlat", lang="es")
    resource(pe, world.other_member, "Ficha larga", lang="es",
             body="quenlat quenlat " + " ".join(f"relleno{n}" for n in range(60)))
    resource(world.international, world.member, "Registro", body="Registro trombik", lang="es")
    queries = ["bravolk dusmert", "quenlat", "trombix", "trombik", "bravolx", "dusmerk quenlat"]
    before = {text: answer(find(world.other_member, text)) for text in queries}
    assert before["trombix"]["suggestion"] == "trombik"
    for n in range(6):
        # Frequent words and near misses of the readable ones, and long texts, in Senegal only.
        resource(world.sn_space, world.member, f"Fiche {n}", lang="es", commit=n == 5,
                 body="dusmert trombiq trombiq bravolx quenlat " + "relleno " * 400)
    assert {text: answer(find(world.other_member, text)) for text in queries} == before


ODD_QUERIES = ["';exit(md5('zz9qk'));//", "a*", '"unbalanced', "OR AND NOT", "field:x", "*", "?", "~2",
               "trombik~", "trombik^3", "[a TO z]", "body_fr:trombik", "<script>", "\x00", "NOT", "-", "--x",
               "((((", "\"\"", "a" * 199 + "é", "trombik*", "tr?mbik", "é" * 80]


def test_odd_queries_answer_a_page_without_an_error_in_the_log(client, auth, world, caplog):
    resource(world.international, world.member, "Registro", body="Registro trombik", lang="es")
    auth.login(world.other_member.email)
    caplog.set_level(logging.WARNING)
    for text in ODD_QUERIES:
        response = client.get("/search", query_string={"q": text})
        assert response.status_code == 200, text
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], text


@pytest.mark.parametrize("page", ["0", "-1", "999"])
def test_a_page_number_beyond_the_results_answers_a_page(client, auth, world, page):
    resource(world.international, world.member, "Registro", body="Registro trombik", lang="es")
    auth.login(world.other_member.email)
    assert client.get(f"/search?q=trombik&page={page}").status_code == 200
