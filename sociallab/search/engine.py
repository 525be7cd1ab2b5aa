"""The Whoosh index behind sociallab.search: writing documents (one writer at a time) and searching
them within what a person may read (one shared, refreshed searcher)."""
import fcntl
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from datetime import date, datetime
from datetime import time as dtime

from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh import query as wq
from whoosh.collectors import FilterCollector, UnlimitedCollector
from whoosh.searching import Hit as WhooshHit
from whoosh.writing import CLEAR

from sociallab.search.grouping import KeysCollector, one_per_thing
from sociallab.search.readable import Readable, ReadableBM25F
from sociallab.search.results import SearchResults, to_hit
from sociallab.search.schema import FACETS, LANGUAGES, build_schema, text_fields
from sociallab.search.suggestions import suggest
from sociallab.search.text import plain_text

log = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
# Indexed text is bounded so that one huge attachment cannot make every reindex crawl; the
# stored copy (for snippets) is shorter still, because highlighting re-reads it per hit.
MAX_BODY_CHARS = 200_000
MAX_STORED_CHARS = 6_000
# Another process may hold the index lock while it commits; wait that long for it.
WRITE_TIMEOUT_S = 60.0
# How often a searcher looks for commits made by other processes (our own refresh at once).
FOREIGN_CHANGES_CHECK_S = 1.0

FILTER_CACHE_SIZE = 256

# Bulk rebuilds: memory per writer before postings spill to sorted runs on disk (spilling and
# merging the runs was what made a 50,000-item rebuild slow), and documents per job file
# handed to a child process.
BULK_LIMIT_MB = 512
BULK_BATCH = 500


def bulk_procs():
    """Processes for a rebuild: two where there are two cores (more gives little: the parent
    builds the documents and writes job files; each child analyses and writes a segment)."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


# Filter names in URLs → index field.
FILTER_FIELDS = {"space": "space", "country": "countries", "theme": "themes", "type": "type",
                 "lang": "lang", "year": "year"}


class QueryError(ValueError):
    """The query text could not be understood."""


def digest(document):
    # Lists as sets: a relationship lists its rows in the order they were added, and in the
    # database's order once loaded again; the index holds them sorted either way.
    parts = [str(sorted(value) if isinstance(value := document.get(k), (list, tuple, set)) else value)
             for k in ("type", "title", "body", "lang", "space_id", "countries", "themes", "created_at", "url",
                       "audience", "group")]
    # A fingerprint telling whether an indexed document is stale; it protects nothing.
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace"), usedforsecurity=False).hexdigest()


def start_search(tokens, text, page):
    """(the typed text stripped, the empty answer, whether a backend has anything to look for):
    nothing for an empty query or a person who may read nothing. Both engines start here.
    QueryError for a query too long to read."""
    text = (text or "").strip()
    results = SearchResults(text=text, page=max(1, page), facets={name: [] for name in FACETS})
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(text)
    return text, results, bool(text and tokens)


def page_of(url):
    """The page a document's address opens: a thread's posts ("/forums/threads/3#post-7"), an
    initiative's journal entries and comments all open their thread's or initiative's page."""
    return (url or "").split("#", 1)[0]


def to_fields(document):
    """The Whoosh fields of a search document (see sociallab/search/documents.py). Documents that
    open the same page are one result (grouping.py): their "group" is that page, unless the
    document names another."""
    title = (document.get("title") or "").strip()
    body = plain_text(document.get("body") or "", MAX_BODY_CHARS)
    lang = document.get("lang") or ""
    created = document.get("created_at")
    countries = sorted({c.lower() for c in document.get("countries") or ()})
    themes = sorted(set(document.get("themes") or ()))
    fields = {
        "id": document["id"],
        "type": document["type"],
        "space": str(document.get("space_id") or ""),
        "lang": lang,
        "year": str(created.year) if created else "",
        "countries": ",".join(countries),
        "themes": ",".join(themes),
        "countries_facet": ",".join(countries),
        "themes_facet": ",".join(themes),
        "audience": ",".join(document.get("audience") or ()),
        "url": document.get("url") or "",
        "stored_title": title,
        "stored_body": body[:MAX_STORED_CHARS],
        "digest": digest(document),
    }
    if created is not None:
        fields["created"] = created
    group = document.get("group") or page_of(document.get("url"))
    if group:
        fields["group"] = group
    if lang in LANGUAGES:
        fields[f"body_{lang}"] = f"{title}\n{title}\n{body}"
    return fields


class SearchEngine:
    """One per index directory and process. Thread-safe."""

    def __init__(self, path):
        self.path = path
        self._ix = None
        self._open_lock = threading.Lock()
        # Whoosh segment readers share file handles, so one search at a time uses the searcher.
        self._search_lock = threading.Lock()
        # One writer per process; Whoosh's lock file serialises writers across processes.
        self._write_lock = threading.Lock()
        self._searcher = None
        # Permission and facet filters as document sets, per person's tokens and chosen values,
        # valid for the current searcher only (a person's next queries skip the audience postings).
        self._filter_sets = OrderedDict()
        self._stale = False
        self._checked_at = 0.0
        self._parser = None
        self._spelling_parsers = None

    # -- opening -------------------------------------------------------------------------

    @property
    def ix(self):
        if self._ix is None:
            with self._open_lock:
                if self._ix is None:
                    self._ix = self._open_or_create()
        return self._ix

    def _open_or_create(self):
        os.makedirs(self.path, exist_ok=True)
        schema = build_schema()
        # Several server processes may start on an empty directory at once.
        with open(os.path.join(self.path, ".open.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if whoosh_index.exists_in(self.path):
                ix = whoosh_index.open_dir(self.path)
                if set(ix.schema.names()) == set(schema.names()):
                    return ix
                log.warning("search index at %s has an older schema: starting it afresh; run "
                            "`flask sociallab reindex`", self.path)
            return whoosh_index.create_in(self.path, schema)

    def is_readable(self):
        """Whether the index opens and its files are there (the health check, /healthz). A missing
        index is created empty, as the first search would; nothing is read from it."""
        try:
            return self.ix is not None and whoosh_index.exists_in(self.path)
        except Exception:  # noqa: BLE001 — any failure to open it is the answer: not readable
            return False

    def close(self):
        with self._search_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    # -- writing -------------------------------------------------------------------------

    def apply(self, documents=(), removals=()):
        """Add or replace `documents` and delete the ids in `removals`, in one commit."""
        fields = [to_fields(d) for d in documents]
        removals = [r for r in removals if r]
        if not fields and not removals:
            return
        with self._write_lock:
            writer = self.ix.writer(timeout=WRITE_TIMEOUT_S)
            try:
                for doc_id in removals:
                    writer.delete_by_term("id", doc_id)
                for item in fields:
                    writer.update_document(**item)
                writer.commit()
            except BaseException:
                _abandon(writer)
                raise
        self._stale = True

    def rebuild(self, documents, procs=None, progress=None):
        """Replace the whole index with `documents` (an iterable); returns how many were written.

        With procs > 1 (the default where there are two cores or more) child processes analyse
        the text in parallel and each writes its own segment (multisegment): merging them into
        one would re-write every posting, which costs about as much as the indexing itself.
        """
        procs = bulk_procs() if procs is None else max(1, procs)
        with self._write_lock:
            if procs > 1:
                kwargs = {"procs": procs, "multisegment": True, "limitmb": BULK_LIMIT_MB,
                          "batchsize": BULK_BATCH}
            else:
                kwargs = {"limitmb": BULK_LIMIT_MB}
            writer = self.ix.writer(timeout=WRITE_TIMEOUT_S, **kwargs)
            count = 0
            try:
                writer.mergetype = None
                add = writer.add_document
                for document in documents:
                    add(**to_fields(document))
                    count += 1
                    if progress is not None:
                        progress(1)
            except BaseException:
                writer.cancel()
                raise
            # CLEAR drops the segments that were there before: a rebuild replaces, never adds.
            writer.commit(mergetype=CLEAR)
        self._stale = True
        return count

    def clear(self):
        with self._write_lock:
            self.close()
            os.makedirs(self.path, exist_ok=True)
            self._ix = whoosh_index.create_in(self.path, build_schema())
        self._stale = True

    # -- reading -------------------------------------------------------------------------

    def _current_searcher(self):
        """The shared searcher, refreshed after our writes and now and then for other processes'."""
        now = time.monotonic()
        if self._searcher is None:
            self._searcher = _with_cached_columns(self.ix.searcher())
            self._filter_sets.clear()
            self._checked_at, self._stale = now, False
        elif self._stale or now - self._checked_at > FOREIGN_CHANGES_CHECK_S:
            self._stale, self._checked_at = False, now
            if not self._searcher.up_to_date():
                # Not Searcher.refresh(): it reuses the readers of segments whose ids did not
                # change, with their old deletion lists, so an updated or removed document
                # would still be found in its old form.
                old, self._searcher = self._searcher, _with_cached_columns(self.ix.searcher())
                self._filter_sets.clear()
                old.close()
        return self._searcher

    def stored_digests(self):
        """{id: digest} of every document in the index (for check-index)."""
        with self._search_lock:
            searcher = self._current_searcher()
            return {fields["id"]: fields.get("digest") for fields in searcher.all_stored_fields()}

    def _parsers(self):
        """The query parser and, per language, a one-field parser used for suggestions."""
        if self._parser is None:
            schema = self.ix.schema

            def configure(parser):
                # People type words, phrases in quotes and -exclusions; field names and wildcards
                # in a search box are more often accidents than intentions.
                for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.BoostPlugin):
                    parser.remove_plugin_class(plugin)
                parser.add_plugin(qparser.PlusMinusPlugin())
                return parser
            self._spelling_parsers = {lang: configure(qparser.QueryParser(f"body_{lang}", schema,
                                                                          group=qparser.AndGroup))
                                      for lang in LANGUAGES}
            self._parser = configure(qparser.MultifieldParser(text_fields(), schema, group=qparser.AndGroup))
        return self._parser, self._spelling_parsers

    def parse(self, text):
        """The Whoosh query for what a person typed; QueryError when it cannot be understood."""
        parser, _spelling = self._parsers()
        try:
            parsed = parser.parse(text)
        except Exception as error:  # Whoosh raises a variety of errors on odd input
            raise QueryError(str(error)) from error
        if parsed is wq.NullQuery or _has_error(parsed):
            raise QueryError(text)
        return parsed

    def search(self, tokens, text, filters=None, page=1, pagelen=PAGE_SIZE):
        """Search as a person holding the audience `tokens`.

        Everything in the answer (hits and their order, counts, facets, the suggestion) is worked
        out from the items those tokens may read under the chosen filters, and from nothing else.
        """
        text, results, to_look_for = start_search(tokens, text, page)
        if not to_look_for:
            return results
        user_query = self.parse(text)
        filters = filters or {}
        with self._search_lock:
            searcher = self._current_searcher()
            readable = self._readable(searcher, tokens, filters)
            # Whoosh reads an empty filter set as "no filter": nothing readable means no search.
            if not readable.count:
                return results
            self._run(searcher, user_query, readable, results, pagelen)
            if results.total < 3:
                _parser, spelling = self._parsers()
                results.suggestion = suggest(searcher, spelling, text, readable, results.total)
        return results

    def _readable(self, searcher, tokens, filters):
        """What this person may find under the chosen filters, cached for the current searcher."""
        key = (tuple(tokens), repr(sorted(filters.items(), key=lambda item: item[0])))
        readable = self._filter_sets.get(key)
        if readable is None:
            readable = Readable(searcher, searcher._query_to_comb(_restriction(tokens, filters)))
            self._filter_sets[key] = readable
            if len(self._filter_sets) > FILTER_CACHE_SIZE:
                self._filter_sets.popitem(last=False)
        else:
            self._filter_sets.move_to_end(key)
        return readable

    def _run(self, searcher, user_query, readable, results, pagelen):
        """Every readable match, scored; then one result per thing a person would open (a thread
        and its posts are one: grouping.py), which the total, the pages and the facets count."""
        keys = KeysCollector(UnlimitedCollector())
        collector = FilterCollector(keys, readable.docs)
        searcher.search_with_collector(user_query, collector,
                                       context=searcher.context(weighting=ReadableBM25F(readable)))
        matches = collector.results()
        best, results.facets = one_per_thing(matches.top_n, keys.keys)
        results.total = len(best)
        results.pages = (results.total + pagelen - 1) // pagelen
        results.page = min(results.pages, results.page)
        start = (results.page - 1) * pagelen
        for position, (score, docnum) in enumerate(best[start:start + pagelen], start):
            results.hits.append(to_hit(WhooshHit(matches, docnum, position, score), keys.keys[docnum][0]))


def _with_cached_columns(searcher):
    """`searcher`, its segment readers keeping the column readers they open.

    Whoosh opens a column reader per facet, per segment, per search, and opening one reads the
    offsets of every document: at 50,000 items that was half the time of a query. The readers
    are only used under SearchEngine._search_lock and live as long as the searcher.
    """
    leaves = [sub.reader() for sub, _offset in searcher.subsearchers] if searcher.subsearchers \
        else [searcher.reader()]
    for reader in leaves:
        opened = {}
        original = reader.column_reader

        def column_reader(fieldname, column=None, reverse=False, translate=True,
                          opened=opened, original=original):
            if column is not None:  # a caller's own column type: not what is cached
                return original(fieldname, column, reverse, translate)
            key = (fieldname, reverse, translate)
            if key not in opened:
                opened[key] = original(fieldname, None, reverse, translate)
            return opened[key]
        reader.column_reader = column_reader
    return searcher


def _has_error(q):
    if getattr(q, "error", None):
        return True
    return any(_has_error(child) for child in q.children()) if hasattr(q, "children") else False


def _restriction(tokens, filters):
    """Audience (who may read) and chosen facet values, as one unscored query."""
    parts = [wq.Or([wq.Term("audience", t) for t in tokens])]
    for name, values in filters.items():
        fieldname = FILTER_FIELDS.get(name)
        if fieldname is None:
            continue
        values = [v for v in (values or ()) if v]
        if values:
            parts.append(wq.Or([wq.Term(fieldname, str(v)) for v in values]))
    start, end = filters.get("from"), filters.get("to")
    if start or end:
        parts.append(wq.DateRange("created", _as_datetime(start), _as_datetime(end, end_of_day=True)))
    return wq.ConstantScoreQuery(wq.And(parts), score=0.0)


def _as_datetime(value, end_of_day=False):
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, dtime.max if end_of_day else dtime.min)
    return None


def _abandon(writer):
    """Give up a writer that failed, releasing the index's write lock whatever state it is in.

    A commit that raises half-way leaves Whoosh's lock taken: every later write would wait
    WRITE_TIMEOUT_S and fail, so one bad moment would stop indexing until a restart.
    """
    if writer.is_closed:
        return
    try:
        writer.cancel()
    except Exception:  # the lock must go even if the segment cannot be closed cleanly
        log.exception("could not cancel a failed index write")
        if writer.writelock:
            writer.writelock.release()
        writer.is_closed = True

