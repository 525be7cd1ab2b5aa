"""The PostgreSQL search backend (SEARCH_BACKEND=postgres): the same interface and answers as the
Whoosh engine (engine.py), kept in the database every server shares.

- Text: each item's title (weight A) and text (weight B) analysed by its language's configuration
  (sociallab_fr, _en, _es: unaccent, then the language's Snowball stemmer; see models.py). A query
  is read by websearch_to_tsquery in each language ("quotes" for a phrase, -word to leave one out),
  and an item matches through its own language's reading, as in Whoosh's one field per language.
- Who may read: `audience && :tokens`, on a GIN-indexed text[]; every count, facet, snippet and
  suggestion is worked out from the rows that condition keeps, and nothing else.
- One result per thing (grouping.py): the best-ranked row of each group key; the total, the pages
  and the facet values count groups, each value once per group.
- Snippets and titles: ts_headline with marks that cannot occur in stored text, then escaped here
  and the marks turned into the same <mark class="match termN"> as Whoosh's formatter writes.
- Did you mean: near words from the search_word lexicon (pg_trgm), each counted in the readable
  rows only; a word is offered only as readable rows write it.
- Writes: `apply` with the session's connection, in the transaction of the change (hooks.py).
"""
import logging
import re
import unicodedata
from datetime import date, datetime
from datetime import time as dtime

from markupsafe import Markup, escape
from sqlalchemy import text

from sociallab.search.engine import (
    MAX_BODY_CHARS,
    MAX_QUERY_LENGTH,
    MAX_STORED_CHARS,
    PAGE_SIZE,
    QueryError,
    digest,
    page_of,
)
from sociallab.search.models import CONFIGURATIONS
from sociallab.search.results import PLAIN_SNIPPET_CHARS, Hit, SearchResults
from sociallab.search.schema import FACETS, LANGUAGES, MAX_WORD_CHARS
from sociallab.search.suggestions import MIN_CORRECTED_CHARS, SUGGESTION_DISTANCE, SUGGESTION_PREFIX
from sociallab.search.text import plain_text

log = logging.getLogger(__name__)

# URL filter → facet name (the values are stored as "name=value" in search_entry.facets).
FILTER_FACETS = {"space": "space", "country": "countries", "theme": "themes", "type": "type", "lang": "lang",
                 "year": "year"}
LIST_SEPARATOR = "\x1f"
# Marks ts_headline puts around matched words and between fragments; removed from every stored
# text first, so that escaping the snippet here and then turning them into tags is safe.
START, STOP, BETWEEN = "\x02", "\x03", "\x04"
_UNSTORABLE = re.compile("[\x00\x02\x03\x04\x1f]")
MARK = '<mark class="match term{}">'
MARK_CLASSES = 5  # as Whoosh's HtmlFormatter: term0 … term4
SNIPPET_OPTIONS = (f"StartSel={START}, StopSel={STOP}, FragmentDelimiter={BETWEEN}, MaxFragments=2, "
                   "MaxWords=30, MinWords=12, ShortWord=2")
TITLE_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
WORD = re.compile(r"\w+")
# Near words are looked up by trigram similarity first (the index), then kept within
# SUGGESTION_DISTANCE edits; a low threshold because a short word with two edits shares few trigrams.
TRIGRAM_THRESHOLD = 0.2
BATCH = 1000


def fold(word):
    """A word without its accents (as unaccent does for the analysed text)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def storable(value):
    return _UNSTORABLE.sub(" ", value or "")


def to_row(document):
    """The search_entry columns of a search document (sociallab/search/documents.py)."""
    title = storable(document.get("title")).strip()
    body = storable(plain_text(document.get("body") or "", MAX_BODY_CHARS))
    lang = document.get("lang") or ""
    created = document.get("created_at")
    space = str(document.get("space_id") or "")
    facets = [f"{name}={value}" for name, value in (("space", space), ("type", document["type"]), ("lang", lang),
                                                     ("year", str(created.year) if created else "")) if value]
    facets += [f"countries={c}" for c in sorted({c.lower() for c in document.get("countries") or ()})]
    facets += [f"themes={t}" for t in sorted(set(document.get("themes") or ()))]
    return {
        "id": document["id"],
        "type": document["type"],
        "group_key": document.get("group") or page_of(document.get("url")) or document["id"],
        "lang": lang,
        "title": title,
        "body": body,
        "url": document.get("url") or "",
        "created": created,
        "facets": LIST_SEPARATOR.join(facets),
        "audience": LIST_SEPARATOR.join(document.get("audience") or ()),
        "digest": digest(document),
        "config": CONFIGURATIONS[lang][0] if lang in CONFIGURATIONS else None,
    }


def written_words(row):
    """The words of a row for the lexicon: lower case, as written."""
    return {w for w in WORD.findall(f"{row['title']} {row['body']}".lower())
            if 2 <= len(w) <= MAX_WORD_CHARS and not w.isdigit()}


_COLUMNS = ("id", "type", "group_key", "lang", "title", "body", "url", "created", "facets", "audience", "digest",
            "config")
UPSERT = """
    INSERT INTO search_entry (id, type, group_key, lang, title, body, url, created, facets, audience, digest, words)
    SELECT d.id, d.type, d.group_key, d.lang, d.title, left(d.body, {stored}), d.url, d.created,
           string_to_array(d.facets, E'\\x1f'), string_to_array(d.audience, E'\\x1f'), d.digest,
           CASE WHEN d.config IS NULL THEN ''::tsvector
                ELSE setweight(to_tsvector(d.config::regconfig, d.title), 'A')
                     || setweight(to_tsvector(d.config::regconfig, d.body), 'B') END
    FROM unnest(CAST(:id AS text[]), CAST(:type AS text[]), CAST(:group_key AS text[]), CAST(:lang AS text[]),
                CAST(:title AS text[]), CAST(:body AS text[]), CAST(:url AS text[]),
                CAST(:created AS timestamp[]), CAST(:facets AS text[]), CAST(:audience AS text[]),
                CAST(:digest AS text[]), CAST(:config AS text[]))
         AS d(id, type, group_key, lang, title, body, url, created, facets, audience, digest, config)
    ORDER BY d.id
    ON CONFLICT (id) DO UPDATE SET type = excluded.type, group_key = excluded.group_key, lang = excluded.lang,
        title = excluded.title, body = excluded.body, url = excluded.url, created = excluded.created,
        facets = excluded.facets, audience = excluded.audience, digest = excluded.digest, words = excluded.words
"""
ADD_WORDS = text("""
    INSERT INTO search_word (word, folded)
    SELECT w.word, w.folded FROM unnest(CAST(:words AS text[]), CAST(:folded AS text[])) AS w(word, folded)
    ORDER BY w.word
    ON CONFLICT (word) DO NOTHING
""")
REMOVE = text("DELETE FROM search_entry WHERE id = ANY(CAST(:ids AS text[]))")


def _as_datetime(value, end_of_day=False):
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, dtime.max if end_of_day else dtime.min)
    return None


class Matching:
    """The SQL condition and rank of a query read in each language ({lang: tsquery text}), with its
    parameters; rows of other languages, or of a language whose reading kept no word, never match."""

    def __init__(self, queries, prefix="q"):
        self.params = {}
        names = {}
        for lang, query in queries.items():
            if query:
                names[lang] = f"{prefix}_{lang}"
                self.params[names[lang]] = query
        self.empty = not names
        distinct = sorted(set(self.params.values()))
        if len(distinct) == 1 and len(names) == len(LANGUAGES):
            # The same reading in every language (a word no stemmer changes): one condition for all.
            one = f"CAST(:{next(iter(names.values()))} AS tsquery)"
            self.condition = f"e.words @@ {one}"
            self.rank = f"ts_rank(e.words, {one}, 1)"
            return
        per_lang = {lang: f"CAST(:{name} AS tsquery)" for lang, name in names.items()}
        # Any language's reading (what the GIN index looks up), then the row's own.
        any_query = " || ".join(dict.fromkeys(per_lang.values()))
        cases = " ".join(f"WHEN '{lang}' THEN e.words @@ {query}" for lang, query in per_lang.items())
        self.condition = f"e.words @@ ({any_query}) AND CASE e.lang {cases} ELSE false END"
        rank_cases = " ".join(f"WHEN '{lang}' THEN {query}" for lang, query in per_lang.items())
        self.rank = f"ts_rank(e.words, CASE e.lang {rank_cases} END, 1)"
        self.per_lang = per_lang

    def query_for_row(self):
        """The row's own reading of the query (for ts_headline)."""
        if not hasattr(self, "per_lang"):
            return f"CAST(:{next(iter(self.params))} AS tsquery)"
        cases = " ".join(f"WHEN '{lang}' THEN {query}" for lang, query in self.per_lang.items())
        return f"CASE e.lang {cases} END"


def _restriction(tokens, filters):
    """Who may read, and the chosen facet values and dates: SQL and parameters."""
    conditions = ["e.audience && CAST(:tokens AS text[])"]
    params = {"tokens": list(tokens)}
    for param, facet in FILTER_FACETS.items():
        values = [v for v in (filters.get(param) or ()) if v]
        if values:
            conditions.append(f"e.facets && CAST(:f_{param} AS text[])")
            params[f"f_{param}"] = [f"{facet}={storable(str(v))}" for v in values]
    start, end = _as_datetime(filters.get("from")), _as_datetime(filters.get("to"), end_of_day=True)
    if start is not None:
        conditions.append("e.created >= :date_from")
        params["date_from"] = start
    if end is not None:
        conditions.append("e.created <= :date_to")
        params["date_to"] = end
    return " AND ".join(conditions), params


CONFIG_OF_ROW = "CASE e.lang " + " ".join(f"WHEN '{lang}' THEN '{name}'::regconfig"
                                          for lang, (name, _language) in CONFIGURATIONS.items()) + " END"
READINGS = text("SELECT " + ", ".join(f"websearch_to_tsquery('{name}', :text)::text"
                                      for name, _language in CONFIGURATIONS.values()))
WORD_READINGS_SQL = "SELECT w.word, {readings} FROM unnest(CAST(:words AS text[])) AS w(word)"


# Every match the person may read (m), the best of each group (best), their order (ranked) and
# the page shown; answered as rows of three parts: the total, the facet counts, the hits.
SEARCH_SQL = """
WITH m AS MATERIALIZED (
    SELECT e.id, e.group_key, e.facets, e.created, {rank} AS rank
    FROM search_entry e WHERE {restriction} AND {condition}
), best AS MATERIALIZED (
    SELECT DISTINCT ON (group_key) id, group_key, rank, created FROM m
    ORDER BY group_key, rank DESC, created DESC NULLS LAST, id
), ranked AS MATERIALIZED (
    SELECT id, group_key, row_number() OVER (ORDER BY rank DESC, created DESC NULLS LAST, id) AS position
    FROM best
), shown AS (
    SELECT id, group_key, position FROM ranked
    WHERE position > :pagelen
        * (LEAST(:page, (SELECT (count(*) + :pagelen - 1) / :pagelen FROM ranked)) - 1)
    ORDER BY position LIMIT :pagelen
)
SELECT 'total' AS part, NULL AS id, NULL AS group_key, count(*) AS n, NULL AS type, NULL AS lang,
       NULL AS url, NULL::timestamp AS created, NULL::text[] AS facets, NULL AS title, NULL AS snippet,
       NULL AS body_start
FROM ranked
UNION ALL
SELECT 'facet', d.value, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM (SELECT DISTINCT m.group_key, f.value FROM m, unnest(m.facets) AS f(value)) d GROUP BY d.value
UNION ALL
SELECT 'hit', e.id, s.group_key, s.position, e.type, e.lang, e.url, e.created, e.facets,
       ts_headline({config}, e.title, {row_query}, '{title_options}'),
       ts_headline({config}, e.body, {row_query}, '{snippet_options}'),
       left(e.body, {plain_chars})
FROM shown s JOIN search_entry e ON e.id = s.id
"""
COUNT_SQL = "SELECT count(*) FROM search_entry e WHERE {restriction} AND {condition}"
COUNT_THINGS_SQL = "SELECT count(DISTINCT e.group_key) FROM search_entry e WHERE {restriction} AND {condition}"
WRITTEN_SQL = """
SELECT EXISTS (SELECT 1 FROM search_entry e WHERE {restriction} AND {condition}
               AND to_tsvector('simple', e.title || ' ' || e.body) @@ plainto_tsquery('simple', :word))
"""


def _sql(template, **parts):
    """A statement from one of the templates above and SQL fragments made here of constants and
    parameter names only (Matching, _restriction, the options): every value is a bound parameter."""
    constants = {"config": CONFIG_OF_ROW, "title_options": TITLE_OPTIONS, "snippet_options": SNIPPET_OPTIONS,
                 "plain_chars": PLAIN_SNIPPET_CHARS + 1, "stored": MAX_STORED_CHARS,
                 "readings": ", ".join(f"plainto_tsquery('{name}', w.word)::text"
                                       for name, _language in CONFIGURATIONS.values())}
    return text(template.format(**{**constants, **parts}))


class PostgresSearchEngine:
    """Search over the search_entry table of the application's PostgreSQL database. Thread-safe:
    each call takes a pooled connection (or the one it is given)."""

    # hooks.py writes with the session's connection before the commit, not after it.
    writes_in_transaction = True

    def __init__(self, database):
        self.database = database  # a SQLAlchemy Engine

    # -- writing -------------------------------------------------------------------------

    def apply(self, documents=(), removals=(), connection=None):
        """Add or replace `documents` and delete the ids in `removals`: with `connection`, in its
        transaction (committed or rolled back with the change); else in one of its own, now."""
        if connection is None:
            with self.database.begin() as own:
                return self.apply(documents, removals, own)
        rows = {}
        for document in documents:
            rows[document["id"]] = to_row(document)
        removals = sorted({r for r in removals if r} - set(rows))
        if removals:
            connection.execute(REMOVE, {"ids": removals})
        if rows:
            self._write(connection, [rows[key] for key in sorted(rows)])
        return None

    def _write(self, connection, rows, known_words=None):
        connection.execute(_sql(UPSERT), {column: [row[column] for row in rows] for column in _COLUMNS})
        words = set().union(*(written_words(row) for row in rows))
        if known_words is not None:
            words -= known_words
            known_words |= words
        if words:
            ordered = sorted(words)
            connection.execute(ADD_WORDS, {"words": ordered, "folded": [fold(w) for w in ordered]})

    def rebuild(self, documents, procs=None, progress=None):
        """Replace every row with `documents` in one transaction (searches see the old rows until
        it commits); returns how many were written. `procs` is Whoosh's: ignored here."""
        count, known_words = 0, set()
        with self.database.begin() as connection:
            connection.execute(text("DELETE FROM search_entry"))
            connection.execute(text("DELETE FROM search_word"))
            batch = {}
            for document in documents:
                batch[document["id"]] = to_row(document)
                count += 1
                if len(batch) >= BATCH:
                    self._write(connection, [batch[key] for key in sorted(batch)], known_words)
                    if progress is not None:
                        progress(len(batch))
                    batch = {}
            if batch:
                self._write(connection, [batch[key] for key in sorted(batch)], known_words)
                if progress is not None:
                    progress(len(batch))
        return count

    def clear(self):
        with self.database.begin() as connection:
            connection.execute(text("DELETE FROM search_entry"))
            connection.execute(text("DELETE FROM search_word"))

    def close(self):
        """Nothing to close: connections belong to the application's pool."""

    def is_readable(self):
        """Whether the search table answers (the health check)."""
        try:
            with self.database.connect() as connection:
                connection.execute(text("SELECT 1 FROM search_entry LIMIT 1"))
            return True
        except Exception:  # noqa: BLE001 — any failure to read it is the answer: not readable
            return False

    def stored_digests(self):
        """{id: digest} of every row (for check-index)."""
        with self.database.connect() as connection:
            return dict(connection.execute(text("SELECT id, digest FROM search_entry")).all())

    # -- reading -------------------------------------------------------------------------

    def search(self, tokens, text_, filters=None, page=1, pagelen=PAGE_SIZE):
        """Search as a person holding the audience `tokens` (see SearchEngine.search): everything
        in the answer is worked out from the rows those tokens may read under the chosen filters."""
        typed = (text_ or "").strip()
        results = SearchResults(text=typed, page=max(1, page), facets={name: [] for name in FACETS})
        if not typed:
            return results
        if len(typed) > MAX_QUERY_LENGTH:
            raise QueryError(typed)
        if not tokens:
            return results
        cleaned = storable(typed).strip()
        if not WORD.search(cleaned):
            raise QueryError(typed)  # nothing but signs: nothing we could look for
        filters = filters or {}
        with self.database.connect() as connection:
            matching = self._matching(connection, cleaned)
            if not matching.empty:
                self._run(connection, matching, tokens, filters, results, pagelen)
            if results.total < 3:
                try:
                    results.suggestion = self._suggest(connection, cleaned, tokens, filters, results.total)
                except Exception:  # a suggestion is a nicety; never let it break the results
                    log.exception("spelling suggestion failed for %r", typed)
                    connection.rollback()
        return results

    def _matching(self, connection, typed, prefix="q"):
        readings = connection.execute(READINGS, {"text": typed}).one()
        return Matching(dict(zip(CONFIGURATIONS, readings, strict=True)), prefix)

    def _run(self, connection, matching, tokens, filters, results, pagelen):
        restriction, params = _restriction(tokens, filters)
        params.update(matching.params)
        params.update({"page": results.page, "pagelen": pagelen})
        statement = _sql(SEARCH_SQL, restriction=restriction, condition=matching.condition, rank=matching.rank,
                         row_query=matching.query_for_row())
        hits, counts = [], {name: {} for name in FACETS}
        for row in connection.execute(statement, params):
            if row.part == "total":
                results.total = row.n
            elif row.part == "facet":
                name, _sep, value = row.id.partition("=")
                if name in counts:
                    counts[name][value] = row.n
            else:
                hits.append(row)
        results.facets = {name: sorted(values.items(), key=lambda item: (-item[1], item[0]))
                          for name, values in counts.items()}
        results.pages = (results.total + pagelen - 1) // pagelen
        results.page = min(results.pages, results.page)
        results.hits = [_hit(row) for row in sorted(hits, key=lambda row: row.n)]

    # -- did you mean --------------------------------------------------------------------

    def _readable_counts(self, connection, words, tokens, filters):
        """{word: how many readable rows hold it (read in each row's language)}; None for a word no
        language reads (a stop word everywhere)."""
        restriction, params = _restriction(tokens, filters)
        readings = {row[0]: row[1:] for row in connection.execute(_sql(WORD_READINGS_SQL), {"words": list(words)})}
        counts = {}
        for word in words:
            matching = Matching(dict(zip(CONFIGURATIONS, readings[word], strict=True)))
            if matching.empty:
                counts[word] = None
                continue
            counts[word] = connection.execute(
                _sql(COUNT_SQL, restriction=restriction, condition=matching.condition),
                {**params, **matching.params}).scalar()
        return counts

    def _written_readably(self, connection, word, tokens, filters):
        """Whether a readable row writes `word` as it is (lower case), not only a word of its stem."""
        restriction, params = _restriction(tokens, filters)
        readings = connection.execute(_sql(WORD_READINGS_SQL), {"words": [word]}).one()[1:]
        matching = Matching(dict(zip(CONFIGURATIONS, readings, strict=True)))
        if matching.empty:
            return False
        return connection.execute(_sql(WRITTEN_SQL, restriction=restriction, condition=matching.condition),
                                  {**params, **matching.params, "word": word}).scalar()

    def _near_words(self, connection, word):
        """{distance: [words]} of the lexicon's words within SUGGESTION_DISTANCE edits of `word`
        (accents aside), keeping its first letters; the word itself left out."""
        folded = fold(word)
        connection.execute(text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
                           {"t": str(TRIGRAM_THRESHOLD)})
        rows = connection.execute(text("""
            SELECT word, folded FROM search_word
            WHERE folded % :folded AND left(folded, :prefix) = :start
              AND length(folded) BETWEEN :shortest AND :longest
        """), {"folded": folded, "prefix": SUGGESTION_PREFIX, "start": folded[:SUGGESTION_PREFIX],
               "shortest": len(folded) - SUGGESTION_DISTANCE, "longest": len(folded) + SUGGESTION_DISTANCE}).all()
        near = {}
        for candidate, candidate_folded in rows:
            distance = edit_distance(folded, candidate_folded, SUGGESTION_DISTANCE)
            if 0 < distance <= SUGGESTION_DISTANCE:
                near.setdefault(distance, []).append(candidate)
        return near

    def _suggest(self, connection, typed, tokens, filters, found):
        """A corrected query that finds more of what this person may read than `found`, else None
        (suggestions.suggest, worked out in the database): words no readable row holds are replaced
        by the nearest word that the most readable rows hold, written as they write it."""
        words = list(dict.fromkeys(w.lower() for w in WORD.findall(typed) if len(w) >= MIN_CORRECTED_CHARS))
        if not words:
            return None
        counts = self._readable_counts(connection, words, tokens, filters)
        unknown = [w for w in words if counts[w] == 0]
        if not unknown:
            return None
        changes = {}
        for word in unknown:
            near = self._near_words(connection, word)
            for distance in sorted(near):
                held = self._readable_counts(connection, near[distance], tokens, filters)
                ranked = sorted((-count, candidate) for candidate, count in held.items() if count)
                chosen = next((candidate for _count, candidate in ranked
                               if self._written_readably(connection, candidate, tokens, filters)), None)
                if chosen is not None:
                    changes[word] = chosen
                    break
        if not changes:
            return None
        suggestion = WORD.sub(lambda m: changes.get(m.group().lower(), m.group()), typed)
        if suggestion.strip().lower() == typed.strip().lower():
            return None
        matching = self._matching(connection, suggestion, prefix="s")
        if matching.empty:
            return None
        restriction, params = _restriction(tokens, filters)
        things = connection.execute(
            _sql(COUNT_THINGS_SQL, restriction=restriction, condition=matching.condition),
            {**params, **matching.params}).scalar()
        return suggestion if things > found else None


def edit_distance(a, b, limit):
    """Levenshtein distance between a and b, or limit + 1 when it is more than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        lowest = i
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            lowest = min(lowest, current[j])
        if lowest > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def _marked(headline):
    """A ts_headline answer as safe HTML: everything escaped, then the marks made <mark> tags,
    numbered per distinct word as Whoosh's formatter numbers them."""
    classes = {}
    pieces, last = [], 0
    for match in _MARKED.finditer(headline):
        pieces.append(escape(headline[last:match.start()]))
        word = match.group(1)
        number = classes.setdefault(word.lower(), len(classes) % MARK_CLASSES)
        pieces.append(Markup(MARK.format(number)) + escape(word) + Markup("</mark>"))  # noqa: S704 # nosec B704 # our tag
        last = match.end()
    pieces.append(escape(headline[last:]))
    return Markup("").join(pieces).replace(BETWEEN, " … ")


def _hit(row):
    facets = {}
    for item in row.facets or ():
        name, _sep, value = item.partition("=")
        facets.setdefault(name, []).append(value)
    title = _marked(row.title) if START in (row.title or "") else escape(_clean_marks(row.title))
    if START in (row.snippet or ""):
        snippet = _marked(row.snippet)
    else:
        # Nothing to mark in the text (the title matched): its start, as the Whoosh engine quotes it.
        start = row.body_start or ""
        snippet = escape(start[:PLAIN_SNIPPET_CHARS] + ("…" if len(start) > PLAIN_SNIPPET_CHARS else ""))
    space = (facets.get("space") or [""])[0]
    return Hit(
        id=row.id,
        type=row.type or "",
        title=title,
        url=row.url or "",
        space_id=int(space) if space.isdigit() else None,
        lang=row.lang or "",
        created_at=row.created,
        snippet=snippet,
        countries=facets.get("countries", []),
        themes=facets.get("themes", []),
        group=row.group_key or row.id,
    )


def _clean_marks(value):
    return (value or "").replace(START, "").replace(STOP, "").replace(BETWEEN, " … ")
