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
import queue
import re
import threading
import unicodedata
from datetime import date, datetime
from datetime import time as dtime

from markupsafe import Markup, escape
from sqlalchemy import text

from sociallab.search.engine import (
    MAX_BODY_CHARS,
    MAX_STORED_CHARS,
    PAGE_SIZE,
    QueryError,
    digest,
    page_of,
    start_search,
)
from sociallab.search.models import CONFIGURATIONS
from sociallab.search.results import PLAIN_SNIPPET_CHARS, Hit
from sociallab.search.schema import FACETS, MAX_WORD_CHARS
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
# "<" is handed to ts_headline as this: its parser would take "<b>" for a tag and leave it out of
# the passage, where Whoosh quotes (escaped) what the person wrote.
LESS_THAN = "\x05"
_UNSTORABLE = re.compile("[\x00\x02\x03\x04\x05\x1f]")
MARK = '<mark class="match term{}">'
MARK_CLASSES = 5  # as Whoosh's HtmlFormatter: term0 … term4
# One passage around the best match (MaxFragments, as Whoosh's two passages, cost 30 times more).
SNIPPET_OPTIONS = (f"StartSel={START}, StopSel={STOP}, FragmentDelimiter={BETWEEN}, MaxWords=35, MinWords=15, "
                   "ShortWord=2")
TITLE_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
# Linear when searched: a run stops at the next START as well as at STOP.
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
WORD = re.compile(r"\w+")
# Near words are looked up by trigram similarity first (the index), then kept within
# SUGGESTION_DISTANCE edits; a low threshold because a short word with two edits shares few trigrams.
TRIGRAM_THRESHOLD = 0.2
# Readable rows counted per near word (enough to rank them), and read to find one writing it as it is.
HELD_CAP = 1000
WRITTEN_SAMPLES = 20
WRITTEN_ROUNDS = 3
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
    return {w for w in set(WORD.findall(f"{row['title']} {row['body']}".lower()))
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


def _restriction(tokens, filters, probe=False):
    """Who may read, and the chosen facet values and dates: SQL and parameters.

    `probe`: for look-ups of a word that stop early (did you mean: the first readable row, or a
    capped count): the audience is then checked on the word's rows rather than read from its
    index, which would mark every readable row again for each word (IS TRUE keeps the planner off it).
    """
    audience = "e.audience && CAST(:tokens AS text[])"
    conditions = [f"({audience}) IS TRUE" if probe else audience]
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


# The query read in each language (r); every match the person may read, each through the reading
# of its own language (m); the best of each group (best), their order (ranked) and the page shown.
# Answered as rows of three parts: the total, the facet counts, the hits.
SEARCH_SQL = """
WITH r AS NOT MATERIALIZED (
    SELECT {websearch_as}
), m AS MATERIALIZED (
    SELECT e.id, e.group_key, e.facets, e.created, ts_rank(e.words, {row_query}, 1) AS rank
    FROM search_entry e, r WHERE {restriction} AND {held_by_row}
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
       ts_headline({config}, replace(e.title, '<', chr(5)), {row_query}, '{title_options}'),
       ts_headline({config}, replace(e.body, '<', chr(5)), {row_query}, '{snippet_options}'),
       left(e.body, {plain_chars})
FROM shown s JOIN search_entry e ON e.id = s.id, r
"""
# Did you mean: per word (w) its reading in each language (r); a row holds it when it matches the
# reading of its own language ({held_by_row}).
WORD_READINGS_FROM = """
FROM unnest(CAST(:words AS text[])) AS w(word),
     LATERAL (SELECT {readings_as}) AS r
"""
KNOWN_SQL = """
SELECT w.word, {nodes} AS nodes,
       EXISTS (SELECT 1 FROM search_entry e WHERE {restriction} AND {held_by_row}) AS known,
       (SELECT set_config('pg_trgm.similarity_threshold', :threshold, true)) AS threshold
{from_words}"""
HELD_SQL = """
SELECT w.word,
       (SELECT count(*) FROM (SELECT 1 FROM search_entry e WHERE {restriction} AND {held_by_row}
                              LIMIT {cap}) AS held) AS held
{from_words}"""
# Whether one of the first readable rows holding a word's stem writes the word itself.
WRITTEN_SQL = """
SELECT w.word,
       EXISTS (SELECT 1 FROM (SELECT e.title, e.body FROM search_entry e WHERE {restriction} AND {held_by_row}
                              LIMIT {samples}) AS sample
               WHERE to_tsvector('simple', sample.title || ' ' || sample.body) @@ plainto_tsquery('simple', w.word))
           AS written
{from_words}"""
CANDIDATES_SQL = """
SELECT u.word, s.word, s.folded
FROM unnest(CAST(:words AS text[]), CAST(:folded AS text[])) AS u(word, folded)
JOIN search_word s ON s.folded % u.folded AND left(s.folded, :prefix) = left(u.folded, :prefix)
                  AND length(s.folded) BETWEEN length(u.folded) - :distance AND length(u.folded) + :distance
"""
# The corrected query, read in each language here (r) and counted in results (a thread once).
COUNT_THINGS_SQL = """
WITH r AS NOT MATERIALIZED (SELECT {websearch_as})
SELECT count(DISTINCT e.group_key) FROM search_entry e, r WHERE {restriction} AND {held_by_row}
"""


HELD_BY_ROW = ("e.words @@ (" + " || ".join(f"r.{lang}" for lang in CONFIGURATIONS) + ") AND CASE e.lang "
               + " ".join(f"WHEN '{lang}' THEN e.words @@ r.{lang}" for lang in CONFIGURATIONS) + " ELSE false END")


ROW_QUERY = "CASE e.lang " + " ".join(f"WHEN '{lang}' THEN r.{lang}" for lang in CONFIGURATIONS) + " END"


def _sql(template, **parts):
    """A statement from one of the templates above and SQL fragments made here of constants and
    parameter names only (_restriction, the constants here): every value is a bound parameter."""
    constants = {"config": CONFIG_OF_ROW, "title_options": TITLE_OPTIONS, "snippet_options": SNIPPET_OPTIONS,
                 "plain_chars": PLAIN_SNIPPET_CHARS + 1, "stored": MAX_STORED_CHARS,
                 "from_words": WORD_READINGS_FROM.format(readings_as=", ".join(
                     f"plainto_tsquery('{name}', w.word) AS {lang}"
                     for lang, (name, _language) in CONFIGURATIONS.items())),
                 "websearch_as": ", ".join(f"websearch_to_tsquery('{name}', :text) AS {lang}"
                                           for lang, (name, _language) in CONFIGURATIONS.items()),
                 "nodes": " + ".join(f"numnode(r.{lang})" for lang in CONFIGURATIONS),
                 "held_by_row": HELD_BY_ROW, "row_query": ROW_QUERY}
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
        it commits); returns how many were written. `procs` is Whoosh's: ignored here.

        While the database analyses one batch, this process prepares the next (a writer thread
        sends them): the Python side (plain text, digests, words) and PostgreSQL's (stemming,
        indexes) then run side by side on two cores.
        """
        count, known_words = 0, set()
        batches = queue.Queue(maxsize=2)
        failure = []

        def write_batches(connection):
            try:
                while (batch := batches.get()) is not None:
                    self._write(connection, batch, known_words)
                    if progress is not None:
                        progress(len(batch))
            except Exception as error:  # noqa: BLE001 — handed to the caller's thread, raised there
                failure.append(error)
                while batches.get() is not None:  # let the producer finish without blocking
                    pass

        def send(batch):
            if failure:
                raise failure[0]
            batches.put([batch[key] for key in sorted(batch)])

        with self.database.begin() as connection:
            connection.execute(text("DELETE FROM search_entry"))
            connection.execute(text("DELETE FROM search_word"))
            writer = threading.Thread(target=write_batches, args=(connection,), name="search-rebuild", daemon=True)
            writer.start()
            try:
                batch = {}
                for document in documents:
                    batch[document["id"]] = to_row(document)
                    count += 1
                    if len(batch) >= BATCH:
                        send(batch)
                        batch = {}
                if batch:
                    send(batch)
            finally:
                batches.put(None)
                writer.join()
            if failure:
                raise failure[0]
            # New rows wait in the GIN indexes' pending lists (read in full by every search until
            # autovacuum merges them): merged now. Then fresh statistics for the planner.
            for index in ("ix_search_entry_words", "ix_search_entry_audience", "ix_search_word_folded"):
                connection.execute(text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"), {"index": index})
            connection.execute(text("ANALYZE search_entry"))
            connection.execute(text("ANALYZE search_word"))
        # The rows replaced are dead now: reclaimed at once rather than when autovacuum comes by,
        # so that searches do not step over them (a second reindex of 50,000 items made them 40% slower).
        with self.database.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE) search_entry, search_word"))
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
        typed, results, to_look_for = start_search(tokens, text_, page)
        if not to_look_for:
            return results
        cleaned = storable(typed).strip()
        if not WORD.search(cleaned):
            raise QueryError(typed)  # nothing but signs: nothing we could look for
        filters = filters or {}
        with self.database.connect() as connection:
            self._run(connection, cleaned, tokens, filters, results, pagelen)
            if results.total < 3:
                try:
                    results.suggestion = self._suggest(connection, cleaned, tokens, filters, results.total)
                except Exception:  # a suggestion is a nicety; never let it break the results
                    log.exception("spelling suggestion failed for %r", typed)
                    connection.rollback()
        return results

    def _run(self, connection, typed, tokens, filters, results, pagelen):
        restriction, params = _restriction(tokens, filters)
        params.update({"text": typed, "page": results.page, "pagelen": pagelen})
        statement = _sql(SEARCH_SQL, restriction=restriction)
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

    def _suggest(self, connection, typed, tokens, filters, found):
        """A corrected query that finds more of what this person may read than `found`, else None
        (suggestions.suggest, worked out in the database). A word no readable row holds (read in
        each row's language) is replaced by the near word (one edit away, else two; its first letter
        kept) that the most readable rows hold, written as one of them writes it; the lexicon only
        proposes words, the readable rows decide. Usually five statements: whether the words are
        known, their near words, how many readable rows hold those, whether one writes the best, and
        what the corrected query finds."""
        words = list(dict.fromkeys(w.lower() for w in WORD.findall(typed) if len(w) >= MIN_CORRECTED_CHARS))
        if not words:
            return None
        restriction, params = _restriction(tokens, filters)
        probe, _params = _restriction(tokens, filters, probe=True)
        # Also sets, for this transaction, the trigram similarity that CANDIDATES_SQL looks up with.
        rows = connection.execute(_sql(KNOWN_SQL, restriction=probe),
                                  {**params, "words": words, "threshold": str(TRIGRAM_THRESHOLD)}).all()
        # A stop word in every language is neither known nor unknown.
        unknown = [word for word, nodes, known, _threshold in rows if nodes and not known]
        if not unknown:
            return None
        near = self._near_words(connection, unknown)
        changes, pending = {}, [word for word in unknown if word in near]
        # One edit away first, then two (as suggestions.py): the fewer near words counted, the sooner.
        for distance in range(1, SUGGESTION_DISTANCE + 1):
            at = {word: [c for c, edits in near[word] if edits == distance] for word in pending}
            candidates = sorted({c for options in at.values() for c in options})
            if not candidates:
                continue
            held = dict(connection.execute(_sql(HELD_SQL, restriction=probe, cap=HELD_CAP),
                                           {**params, "words": candidates}).all())
            # Per word, the near words readable rows hold, the most held first (ties: alphabetical);
            # the first that a readable row also writes as it is wins.
            ranked = {word: [c for _count, c in sorted((-held[c], c) for c in options if held[c])]
                      for word, options in at.items()}
            for _round in range(WRITTEN_ROUNDS):
                tops = sorted({options[0] for options in ranked.values() if options})
                if not tops:
                    break
                written = {c for c, ok in connection.execute(
                    _sql(WRITTEN_SQL, restriction=probe, samples=WRITTEN_SAMPLES), {**params, "words": tops}) if ok}
                for word, options in ranked.items():
                    if options and options[0] in written:
                        changes[word] = options[0]
                        options.clear()
                    elif options:
                        options.pop(0)
            pending = [word for word in pending if word not in changes]
            if not pending:
                break
        if not changes:
            return None
        suggestion = WORD.sub(lambda m: changes.get(m.group().lower(), m.group()), typed)
        if suggestion.strip().lower() == typed.strip().lower():
            return None
        things = connection.execute(_sql(COUNT_THINGS_SQL, restriction=restriction),
                                    {**params, "text": suggestion}).scalar()
        return suggestion if things > found else None

    def _near_words(self, connection, words):
        """{word: [(lexicon word, edits)]}: the lexicon's words within SUGGESTION_DISTANCE edits of
        each word (accents aside), keeping its first letters; the word itself left out."""
        folded = [fold(word) for word in words]
        near = {}
        for word, candidate, candidate_folded in connection.execute(
                text(CANDIDATES_SQL), {"words": words, "folded": folded, "prefix": SUGGESTION_PREFIX,
                                       "distance": SUGGESTION_DISTANCE}):
            distance = edit_distance(fold(word), candidate_folded, SUGGESTION_DISTANCE)
            if 0 < distance <= SUGGESTION_DISTANCE:
                near.setdefault(word, []).append((candidate, distance))
        return near


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
    headline = headline.replace(LESS_THAN, "<")
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
    return (value or "").replace(START, "").replace(STOP, "").replace(BETWEEN, " … ").replace(LESS_THAN, "<")
