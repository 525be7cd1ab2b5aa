"""Stemming per language, accent folding, phrases, exclusion, highlights, did-you-mean, odd queries."""
import pytest

from tests.factories import resource


@pytest.fixture
def library(world):
    sn, member = world.sn_space, world.member
    return {
        "fr": resource(sn, member, "Audition filmée de l'enfant victime",
                       body="Une enquête menée avec la police sur l'audition filmée des enfants.", lang="fr"),
        "fr2": resource(sn, member, "Protocole d'écoute", body="Audition de l'enfant sans police, filmée à part.",
                        lang="fr"),
        "es": resource(world.international, member, "Guía para niñas y niños",
                       body="Las niñas participan en las audiencias.", lang="es"),
        "en": resource(world.international, member, "Child-friendly hearings",
                       body="Hearings adapted to children and their views.", lang="en"),
    }


def titles(results):
    return sorted(str(h.title).replace("<mark class=\"match term0\">", "").replace("</mark>", "") for h in results.hits)


def test_french_plural_finds_singular_and_the_reverse(find, world, library):
    assert find(world.member, "enfants").total == 2
    assert find(world.member, "victimes").total == 1


def test_unaccented_spelling_finds_accented_words(find, world, library):
    results = find(world.member, "enquete")
    assert [h.id for h in results.hits] == [f"resource:{library['fr'].id}"]
    assert find(world.member, "ECOUTE").total == 1


def test_spanish_stemming_and_enye(find, world, library):
    assert find(world.member, "niña").total == 1
    assert find(world.member, "audiencia").total == 1
    # Without the tilde, the same word.
    assert find(world.member, "ninas").total == 1


def test_english_stemming(find, world, library):
    results = find(world.member, "hearing")
    assert [h.id for h in results.hits] == [f"resource:{library['en'].id}"]
    assert find(world.member, "view").total == 1


def test_phrase_matches_only_words_side_by_side(find, world, library):
    results = find(world.member, '"audition filmée"')
    assert [h.id for h in results.hits] == [f"resource:{library['fr'].id}"]
    assert find(world.member, "audition filmée").total == 2


def test_minus_excludes_a_word(find, world, library):
    assert find(world.member, "audition").total == 2
    results = find(world.member, "audition -police")
    assert results.total == 0
    results = find(world.member, "audition -enquete")
    assert [h.id for h in results.hits] == [f"resource:{library['fr2'].id}"]


def test_snippet_highlights_the_matched_words_and_escapes_the_rest(find, world):
    resource(world.sn_space, world.member, "Fiche", body="Le <script>alert(1)</script> protocole d'écoute des enfants.")
    results = find(world.member, "enfant")
    snippet = str(results.hits[0].snippet)
    assert "<mark" in snippet and ">enfants</mark>" in snippet
    assert "<script>" not in snippet


def test_markup_written_as_text_is_shown_as_text_around_the_marks(find, world):
    """What a person wrote that looks like HTML (a title, or an escaped tag in the text) is shown
    as text; only the marks of the matched words are tags."""
    resource(world.sn_space, world.member, "Fiche <i>enfants</i>", body="Le &lt;b&gt;protocole&lt;/b&gt; des enfants.")
    hit = find(world.member, "enfant").hits[0]
    title, snippet = str(hit.title), str(hit.snippet)
    assert "&lt;i&gt;" in title and "<i>" not in title and "<mark" in title
    assert "&lt;b&gt;" in snippet and "<b>" not in snippet and ">enfants</mark>" in snippet


def test_title_is_highlighted(find, world, library):
    results = find(world.member, "protocole")
    assert '>Protocole</mark> d' in str(results.hits[0].title)


def test_misspelled_word_gets_a_suggestion_that_finds_something(find, world, library):
    results = find(world.member, "enquetr")
    assert results.total == 0
    assert results.suggestion == "enquête"  # the word as written in the item, accents and all
    assert find(world.member, results.suggestion).total == 1


def test_no_suggestion_for_a_word_that_is_found(find, world, library):
    assert find(world.member, "audition").suggestion is None


@pytest.mark.parametrize("text", ['"', "((", "-police", "AND OR NOT", ")" * 5, "x" * 500, "title:enfant)"])
def test_odd_queries_give_a_message_or_results_never_an_error(find, world, library, text):
    results = find(world.member, text)
    assert results.error or results.total >= 0


def test_malformed_query_explains_what_to_type(find, world, library):
    results = find(world.member, '"')
    assert results.error and ("moins" in results.error or "minus" in results.error)


def test_facets_count_every_match_not_only_the_page(find, world):
    for n in range(23):
        resource(world.sn_space, world.member, f"Fiche {n}", body="Registre des signalements", lang="fr",
                 themes=["participation"] if n % 2 else [], countries=["sn", "pe"] if n < 5 else ["sn"],
                 commit=False)
    resource(world.international, world.member, "Report", body="Registre", lang="en", type="report")
    results = find(world.member, "registre")
    assert results.total == 24 and len(results.hits) == 20 and results.pages == 2
    facets = {name: dict(values) for name, values in results.facets.items()}
    assert facets["space"] == {str(world.sn_space.id): 23, str(world.international.id): 1}
    assert facets["countries"] == {"sn": 23, "pe": 5}
    assert facets["themes"] == {"participation": 11}
    assert facets["lang"] == {"fr": 23, "en": 1}
    assert facets["type"] == {"resource": 24}
    page2 = find(world.member, "registre", page=2)
    assert len(page2.hits) == 4


def test_facet_filters_narrow_results_and_counts(find, world):
    resource(world.sn_space, world.member, "Fiche A", body="Registre", lang="fr", themes=["participation"])
    resource(world.sn_space, world.member, "Fiche B", body="Registre", lang="fr")
    resource(world.international, world.member, "Sheet", body="Registre", lang="en")
    narrowed = find(world.member, "registre", theme="participation")
    assert narrowed.total == 1 and dict(narrowed.facets["lang"]) == {"fr": 1}
    assert find(world.member, "registre", lang="en").total == 1
    assert find(world.member, "registre", space=str(world.sn_space.id)).total == 2


def test_date_range_limits_results(find, world):
    from datetime import date, datetime
    old = resource(world.sn_space, world.member, "Ancien", body="Registre", lang="fr", commit=False)
    old.created_at = datetime(2021, 3, 1)
    resource(world.sn_space, world.member, "Nouveau", body="Registre", lang="fr")
    assert find(world.member, "registre").total == 2
    results = find(world.member, "registre", **{"from": date(2022, 1, 1)})
    assert [h.title for h in results.hits] == ["Nouveau"]
    assert find(world.member, "registre", to=date(2021, 12, 31)).total == 1
    assert dict(find(world.member, "registre").facets["year"])["2021"] == 1
