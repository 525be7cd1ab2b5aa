"""The Whoosh schema: per-language stemmed and accent-folded text, facet columns and the audience."""
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

LANGUAGES = ("fr", "en", "es")
# Words split at apostrophes and hyphens, so "l'audition" is found by "audition".
TOKENS = r"\w+(?:\.?\w+)*"
# Longer "words" (encoded data, runs of one letter) are left out of the index: no one searches
# for them, and stemming one of 100,000 characters took a tenth of a second.
MAX_WORD_CHARS = 60
# The facets counted for every search, in the order a page lists them; list facets (an item has
# several countries or themes) are counted from a column holding the item's values joined.
FACETS = ("space", "countries", "themes", "type", "lang", "year")
LIST_FACETS = ("countries", "themes")


def stemming_analyzer(lang):
    """Stop words, accent folding and the language's Snowball stemmer.

    Folding comes before stemming so that `enquete` and `enquête` take the same path through
    the stemmer and end as the same term, whichever way the reader typed it.
    """
    return (RegexTokenizer(TOKENS) | LowercaseFilter() | StopFilter(lang=lang, maxsize=MAX_WORD_CHARS)
            | CharsetFilter(accent_map) | StemFilter(lang=lang, cachesize=100000))


def build_schema():
    """Each item's text goes into the fields of its own language only.

    A query is analysed by all three languages' analyzers (one field each), so "enfants" meets
    French items through French stemming and "hearings" English ones through English stemming.
    There is no separate unstemmed copy of the text: it would double indexing time, and
    suggestions recover readable words from the stored text instead (see suggestions.py).
    """
    fields = {
        "id": ID(stored=True, unique=True),
        # Facet fields are columns, so counting them reads no postings.
        "type": ID(stored=True, sortable=True),
        "space": ID(stored=True, sortable=True),
        "lang": ID(stored=True, sortable=True),
        "year": ID(sortable=True),
        "countries": KEYWORD(stored=True, commas=True),
        "themes": KEYWORD(stored=True, commas=True),
        # The same lists joined in one column value; counts are split per value after grouping.
        "countries_facet": ID(sortable=True),
        "themes_facet": ID(sortable=True),
        "audience": KEYWORD(commas=True),
        # What a person would open: documents sharing a key are one result (by default the page
        # of the document's address: a thread and its posts, an initiative and its journal).
        "group": ID(sortable=True),
        "created": DATETIME(stored=True, sortable=True),
        "url": STORED,
        "stored_title": STORED,
        "stored_body": STORED,
        # A fingerprint of the document, so check-index can tell a stale entry from a fresh one.
        "digest": STORED,
    }
    for lang in LANGUAGES:
        # Title and body in one field: a query term is then an OR of three posting lists, not
        # six, which halves the time of a search. The title is written twice to weigh more.
        fields[f"body_{lang}"] = TEXT(analyzer=stemming_analyzer(lang))
    return Schema(**fields)


def text_fields():
    """The fields a query searches: one per language."""
    return [f"body_{code}" for code in LANGUAGES]


def facet_column(name):
    """The sortable column a facet is counted from."""
    return f"{name}_facet" if name in LIST_FACETS else name
