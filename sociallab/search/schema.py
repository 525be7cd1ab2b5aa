"""The Whoosh schema: per-language stemmed fields, accent-folded fields, facets and the audience."""
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

LANGUAGES = ("fr", "en", "es")
# Words split at apostrophes and hyphens, so "l'audition" is found by "audition".
TOKENS = r"\w+(?:\.?\w+)*"


def folded_analyzer():
    """Lower case and accents folded, no stemming: matches any language, word for word."""
    return RegexTokenizer(TOKENS) | LowercaseFilter() | CharsetFilter(accent_map)


def stemming_analyzer(lang):
    """Stop words, accent folding and the language's Snowball stemmer.

    Folding comes before stemming so that `enquete` and `enquête` take the same path through
    the stemmer and end as the same term, whichever way the reader typed it.
    """
    return (RegexTokenizer(TOKENS) | LowercaseFilter() | StopFilter(lang=lang)
            | CharsetFilter(accent_map) | StemFilter(lang=lang, cachesize=100000))


def build_schema():
    fields = dict(
        id=ID(stored=True, unique=True),
        # Facet fields are columns, so counting them reads no postings.
        type=ID(stored=True, sortable=True),
        space=ID(stored=True, sortable=True),
        lang=ID(stored=True, sortable=True),
        year=ID(sortable=True),
        countries=KEYWORD(stored=True, commas=True),
        themes=KEYWORD(stored=True, commas=True),
        # The same lists joined in one column value; counts are split per value after grouping.
        countries_facet=ID(sortable=True),
        themes_facet=ID(sortable=True),
        audience=KEYWORD(commas=True),
        created=DATETIME(stored=True, sortable=True),
        url=STORED,
        stored_title=STORED,
        stored_body=STORED,
        # A fingerprint of the document, so check-index can tell a stale entry from a fresh one.
        digest=STORED,
        title=TEXT(analyzer=folded_analyzer(), field_boost=2.0),
        body=TEXT(analyzer=folded_analyzer()),
    )
    for lang in LANGUAGES:
        fields[f"title_{lang}"] = TEXT(analyzer=stemming_analyzer(lang), field_boost=2.0)
        fields[f"body_{lang}"] = TEXT(analyzer=stemming_analyzer(lang))
    return Schema(**fields)


def text_fields():
    """The fields a query searches: every language's stemmed fields and the folded ones."""
    return ["title", "body"] + [f"{kind}_{code}" for code in LANGUAGES for kind in ("title", "body")]
