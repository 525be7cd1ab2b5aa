"""Search benchmark: build the index of a multilingual corpus and query it as a signed-in member.

    .venv/bin/python bench/search_bench.py [--docs 50000] [--queries 300] [--procs 2] [--seed 7]
    SEARCH_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/search_bench \
        .venv/bin/python bench/search_bench.py --backend postgres --docs 50000
    .venv/bin/python bench/search_bench.py --brackets 50000

Generates a reproducible corpus (French, English and Spanish texts in the 15 spaces of the Lab,
with themes, countries, types and dates; the same seed gives the same corpus). Words follow
Zipf's law over 6,000 words per language: the domain words (enfant, audiencia, hearing…) are the
most frequent, then made-up words from each language's syllables. Queries draw 1–3 words among
the 1,000 most frequent of one language. It builds the index through the project's own code
(SearchEngine.rebuild, the path of `flask sociallab reindex`), then runs `queries` queries of 1–3
terms — some phrases and exclusions — as a Senegal partner member, through SearchEngine.search: permission filter,
facet counts over every match, highlighted snippets and titles, exactly as the search page does.
Then it runs `queries` misspelled queries (one word of a query with a letter changed, so few or
no items match and "did you mean" is worked out from the member's readable items) and reports
their times apart, as `suggest_p50_ms` and `suggest_p95_ms`.
In the same run it loads the same documents into SQLite FTS5 (unicode61, diacritics removed) and
runs the same terms there with a space filter, bm25 ranking, LIMIT 20 and snippet(), as a
reference. The last line is

    RESULT docs=… build_docs_per_s=… p50_ms=… p95_ms=… fts5_p50_ms=… ratio_p50=… suggest_p50_ms=… …

With --backend postgres the same documents are also indexed and searched by the PostgreSQL backend
(PostgresSearchEngine.rebuild, the path of `flask sociallab reindex` with SEARCH_BACKEND=postgres,
then .search with the same permission filter, facets, highlights and suggestions), in the database
that --database-url or SEARCH_BENCH_DATABASE_URL names (its name must say "bench" or "test": the
bench replaces its search tables). The RESULT line then adds pg_build_docs_per_s, pg_p50_ms,
pg_p95_ms, pg_suggest_p50_ms, pg_suggest_p95_ms and pg_suggested.

With --brackets N it only times the save, through the real form, of a resource whose body is N
"[" (a pattern of the search text once took 16 s of CPU on 50,000), and the page showing it:

    RESULT brackets=N save_s=… save_cpu_s=… page_s=… page_cpu_s=…
"""
import argparse
import itertools
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = {
    "fr": [
        "enfant", "enfants", "victime", "victimes", "témoin", "témoins", "audition", "auditions", "filmée",
        "filmées", "enquête", "enquêtes", "police", "gendarmerie", "justice", "juge", "juges", "tribunal",
        "mineur", "mineurs", "protection", "violence", "violences", "signalement", "signalements", "écoute",
        "famille", "familles", "école", "écoles", "éducation", "formation", "formations", "partenaire",
        "partenaires", "expérience", "expériences", "pratique", "pratiques", "évaluation", "ajustement",
        "pilote", "participation", "opinion", "droits", "droit", "fille", "filles", "garçon", "garçons",
        "communauté", "communautés", "travailleur", "social", "sociaux", "accompagnement", "médiation",
        "déjudiciarisation", "réinsertion", "centre", "accueil", "confidentialité", "consentement", "parole",
        "parcours", "procédure", "procédures", "plainte", "plaintes", "atelier", "ateliers", "outil", "outils",
        "guide", "rapport", "collecte", "données", "indicateur", "indicateurs",
    ],
    "en": [
        "child", "children", "victim", "victims", "witness", "witnesses", "hearing", "hearings", "recorded",
        "interview", "interviews", "police", "officer", "officers", "justice", "judge", "judges", "court",
        "juvenile", "juveniles", "protection", "violence", "report", "reporting", "listening", "family",
        "families", "school", "schools", "education", "training", "trainings", "partner", "partners",
        "experiment", "experiments", "practice", "practices", "evaluation", "adjustment", "pilot",
        "participation", "views", "rights", "right", "girl", "girls", "boy", "boys", "community",
        "communities", "social", "worker", "workers", "support", "mediation", "diversion", "reintegration",
        "centre", "shelter", "confidentiality", "consent", "voice", "pathway", "procedure", "procedures",
        "complaint", "complaints", "workshop", "workshops", "tool", "tools", "guide", "data", "collection",
        "indicator", "indicators",
    ],
    "es": [
        "niño", "niños", "niña", "niñas", "víctima", "víctimas", "testigo", "testigos", "audiencia",
        "audiencias", "grabada", "entrevista", "entrevistas", "policía", "policías", "justicia", "juez",
        "jueces", "tribunal", "menor", "menores", "protección", "violencia", "denuncia", "denuncias",
        "escucha", "familia", "familias", "escuela", "escuelas", "educación", "formación", "formaciones",
        "socio", "socios", "experiencia", "experiencias", "práctica", "prácticas", "evaluación", "ajuste",
        "piloto", "participación", "opinión", "derechos", "derecho", "comunidad", "comunidades", "trabajador",
        "trabajadora", "social", "sociales", "acompañamiento", "mediación", "reinserción", "centro", "acogida",
        "confidencialidad", "consentimiento", "voz", "ruta", "procedimiento", "procedimientos", "queja",
        "quejas", "taller", "talleres", "herramienta", "herramientas", "guía", "informe", "datos",
        "recolección", "indicador", "indicadores",
    ],
}
SYLLABLES = {
    "fr": [
        "ra", "ti", "on", "en", "fan", "ce", "pro", "tec", "jus", "ti", "ce", "é", "cou", "te", "mé", "dia",
        "tion", "par", "ti", "ci", "pa", "ri", "té", "for", "ma", "teur", "re", "ssour", "ces",
    ],
    "en": [
        "chil", "dren", "hear", "ing", "pro", "tec", "tion", "jus", "tice", "sup", "port", "com", "mu", "ni",
        "ty", "train", "er", "re", "source", "ful", "ness",
    ],
    "es": [
        "ni", "ño", "ni", "ña", "pro", "tec", "ción", "jus", "ti", "cia", "es", "cu", "cha", "me", "dia",
        "ción", "co", "mu", "ni", "dad", "for", "ma", "do", "ra", "re", "cur", "sos",
    ],
}
# Words per language: the domain words above come first (the most frequent), then made-up words
# from the language's syllables, so that word frequencies follow Zipf's law as real text does.
VOCABULARY_SIZE = 6000
QUERY_RANKS = 1000  # people search content words, not the rarest ones

TYPES = ("thread", "post", "post", "post", "initiative", "journal", "resource", "minutes")
THEMES = ("protection-violence", "child-friendly-justice", "right-to-be-heard", "participation",
          "gender-equality", "justice-for-children", "child-labour", "sgbv")


def vocabularies(seed):
    rng = random.Random(seed - 1)
    result = {}
    for lang, head in WORDS.items():
        words, seen = list(dict.fromkeys(head)), set(head)
        while len(words) < VOCABULARY_SIZE:
            word = "".join(rng.choice(SYLLABLES[lang]) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                words.append(word)
        weights = [1 / (rank + 1) for rank in range(len(words))]
        result[lang] = (words, list(itertools.accumulate(weights)))
    return result


def corpus(n, spaces, seed):
    """`n` documents as SearchableMixin.search_document() returns them; same seed, same corpus."""
    rng = random.Random(seed)
    vocabulary = vocabularies(seed)
    start = datetime(2020, 1, 1)
    space_ids = [s for s, _kind, _country in spaces]
    for i in range(n):
        space_id, _kind, country = spaces[rng.randrange(len(spaces))]
        lang = rng.choice(("fr", "fr", "en", "es", "es"))
        words, cumulative = vocabulary[lang]

        def draw(k, words=words, cumulative=cumulative):
            return rng.choices(words, cum_weights=cumulative, k=k)
        title = " ".join(draw(rng.randint(3, 8))).capitalize()
        sentences = [" ".join(draw(rng.randint(6, 18))).capitalize() + "." for _ in range(rng.randint(2, 12))]
        status = rng.random()
        if status < 0.9:
            audience = [f"space:{space_id}", f"mod:{space_id}", f"user:{rng.randint(1000, 1400)}"]
        elif status < 0.95:  # a draft shared by an organisation
            audience = [f"org:{rng.randint(1, 29)}:space:{space_id}", f"mod:{space_id}"]
        else:  # hidden: moderators only
            audience = [f"mod:{space_id}"]
        yield {
            "id": f"{TYPES[i % len(TYPES)]}:{i}",
            "type": TYPES[i % len(TYPES)],
            "title": title,
            "body": " ".join(sentences),
            "lang": lang,
            "space_id": space_id,
            "countries": [country] if country else [rng.choice(("sn", "pe", "co", "tg", "mg"))],
            "themes": rng.sample(THEMES, rng.randint(0, 2)),
            "created_at": start + timedelta(minutes=rng.randrange(60 * 24 * 365 * 6)),
            "url": f"/item/{i}",
            "audience": audience,
        }
    assert space_ids


def queries(n, seed):
    rng = random.Random(seed + 1)
    vocabulary = vocabularies(seed)
    out = []
    for _ in range(n):
        lang = rng.choice(("fr", "en", "es"))
        terms = [vocabulary[lang][0][rng.randrange(QUERY_RANKS)] for _ in range(rng.randint(1, 3))]
        kind = rng.random()
        if kind < 0.1 and len(terms) > 1:
            out.append((f'"{terms[0]} {terms[1]}"', terms[:2], []))
        elif kind < 0.2 and len(terms) > 1:
            out.append((" ".join(terms[:-1]) + f" -{terms[-1]}", terms[:-1], [terms[-1]]))
        else:
            out.append((" ".join(terms), terms, []))
    return out


def misspelled(planned, seed):
    """Each planned query with one of its words mistyped (a letter replaced, dropped or doubled)."""
    rng = random.Random(seed + 2)
    out = []
    for text, terms, _excluded in planned:
        word = terms[rng.randrange(len(terms))]
        at = rng.randrange(1, len(word)) if len(word) > 1 else 0
        kind = rng.random()
        if kind < 0.4:
            typo = word[:at] + rng.choice("aeioustrnl") + word[at + 1:]
        elif kind < 0.7:
            typo = word[:at] + word[at + 1:]
        else:
            typo = word[:at] + word[at] + word[at:]
        out.append(text.replace(word, typo, 1))
    return out


def member_context():
    """The Lab's spaces and the audience tokens of a Senegal partner member, from the real rules."""
    import config
    from sociallab import create_app
    from sociallab.accounts.services import create_user
    from sociallab.extensions import db

    class BenchConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(BenchConfig)
    with app.app_context(), app.test_request_context():
        from sociallab.demo import seed_structure
        from sociallab.permissions import audience_tokens_for_user
        from sociallab.spaces.models import Space
        db.create_all()
        _countries, organisations = seed_structure()
        member = create_user("bench.member@example.org", "Bench Member", "bench-password-123",
                             organisation=organisations["sn"][0], language="fr")
        db.session.commit()
        spaces = [(s.id, s.kind, s.country.iso2 if s.country else None)
                  for s in db.session.scalars(db.select(Space).order_by(Space.id))]
        tokens = audience_tokens_for_user(member)
    return spaces, tokens


def bracket_resource(count):
    """Save a resource whose body is `count` "[" as a signed-in member would, then open its page."""
    import re

    import config
    from sociallab import create_app
    from sociallab.accounts.services import create_user
    from sociallab.extensions import db

    workdir = tempfile.mkdtemp(prefix="sociallab-brackets-bench-")

    class BenchConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(workdir, "bench.sqlite")
        SEARCH_INDEX_DIR = os.path.join(workdir, "index")
        UPLOAD_DIR = os.path.join(workdir, "uploads")

    def token(response):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)

    def timed(call):
        started, cpu = time.perf_counter(), time.process_time()
        response = call()
        return response, time.perf_counter() - started, time.process_time() - cpu

    try:
        app = create_app(BenchConfig)
        with app.app_context():
            from sociallab.demo import seed_structure
            db.create_all()
            _countries, organisations = seed_structure()
            create_user("bench.member@example.org", "Bench Member", "bench-password-123",
                        organisation=organisations["sn"][0], language="fr")
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "bench.member@example.org", "password": "bench-password-123",
                                    "csrf_token": token(client.get("/login"))})
        form = client.get("/spaces/country-sn/library/new")
        data = {"type": "guide", "title": "Crochets", "summary": "", "body": "[" * count, "lang": "fr",
                "status": "published", "csrf_token": token(form)}
        saved, save_s, save_cpu = timed(lambda: client.post("/spaces/country-sn/library/new", data=data))
        assert saved.status_code == 302, saved.status_code
        page, page_s, page_cpu = timed(lambda: client.get(saved.headers["Location"]))
        assert page.status_code == 200
        print(f"RESULT brackets={count} save_s={save_s:.2f} save_cpu_s={save_cpu:.2f} page_s={page_s:.2f} "
              f"page_cpu_s={page_cpu:.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_fts5(docs, planned, readable_spaces, reps):
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, space UNINDEXED, title, body, "
                       "tokenize='unicode61 remove_diacritics 2')")
    connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)",
                           ((d["id"], d["space_id"], d["title"], d["body"]) for d in docs))
    connection.commit()
    placeholders = ",".join("?" * len(readable_spaces))
    sql = (f"SELECT doc_id, snippet(docs, 3, '<mark>', '</mark>', '…', 24) FROM docs WHERE docs MATCH ? "
           f"AND space IN ({placeholders}) ORDER BY bm25(docs) LIMIT 20")
    timings = []
    for _ in range(reps):
        for _text, terms, excluded in planned:
            expression = " ".join(f'"{t}"' for t in terms)
            if excluded:
                expression += " NOT " + " NOT ".join(f'"{t}"' for t in excluded)
            started = time.perf_counter()
            connection.execute(sql, [expression, *readable_spaces]).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    connection.close()
    return timings


def postgres_engine(url):
    """The PostgreSQL search backend on the bench database (its search tables created if missing)."""
    import config
    from sociallab import create_app
    from sociallab.extensions import db
    from sociallab.search.indexing import get_engine
    from sociallab.search.models import SearchEntry, SearchWord

    database = url.rsplit("/", 1)[-1].split("?", 1)[0].lower()
    if not url.startswith("postgresql") or not ("bench" in database or "test" in database):
        raise SystemExit("--database-url must name a PostgreSQL database whose name says bench or test "
                         "(its search tables are replaced)")

    class BenchConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SEARCH_BACKEND = "postgres"

    app = create_app(BenchConfig)
    with app.app_context():
        db.metadata.create_all(db.engine, tables=[SearchEntry.__table__, SearchWord.__table__])
        return get_engine(app)


def run_postgres(url, docs, planned, tokens, readable_spaces, seed):
    """Build and query the PostgreSQL backend as the Whoosh engine is.

    Returns (build_s, timings, suggest_timings, suggested)."""
    engine = postgres_engine(url)
    started = time.perf_counter()
    written = engine.rebuild(iter(docs))
    build_s = time.perf_counter() - started
    assert written == len(docs)
    print(f"postgres: built {written} documents in {build_s:.1f} s")
    for text, _terms, _excluded in planned[:20]:
        engine.search(tokens, text)
    timings, totals, leaks = [], [], 0
    for text, _terms, _excluded in planned:
        started = time.perf_counter()
        results = engine.search(tokens, text)
        timings.append((time.perf_counter() - started) * 1000)
        totals.append(results.total)
        leaks += sum(1 for hit in results.hits if hit.space_id not in readable_spaces)
    assert leaks == 0, f"{leaks} results from unreadable spaces"
    print(f"postgres queries: {len(timings)}, median hits {statistics.median(totals):.0f}, max {max(totals)}")
    suggest_timings, suggested = [], 0
    for text in misspelled(planned, seed):
        started = time.perf_counter()
        results = engine.search(tokens, text)
        suggest_timings.append((time.perf_counter() - started) * 1000)
        suggested += results.suggestion is not None
    print(f"postgres misspelled queries: {len(suggest_timings)}, with a suggestion {suggested}")
    engine.database.dispose()
    return build_s, timings, suggest_timings, suggested


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=50000)
    parser.add_argument("--queries", type=int, default=300)
    # Default: what `flask sociallab reindex` uses (engine.bulk_procs(): two processes, one
    # segment each, where there are two cores).
    parser.add_argument("--procs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh",
                        help="postgres: also build and query the PostgreSQL backend, beside Whoosh and FTS5")
    parser.add_argument("--database-url", default=os.environ.get("SEARCH_BENCH_DATABASE_URL"),
                        help="the PostgreSQL database for --backend postgres (default: SEARCH_BENCH_DATABASE_URL)")
    parser.add_argument("--brackets", type=int, default=None,
                        help='only time saving (and showing) a resource whose body is this many "["')
    args = parser.parse_args()
    if args.brackets is not None:
        bracket_resource(args.brackets)
        return
    if args.backend == "postgres" and not args.database_url:
        parser.error("--backend postgres needs --database-url or SEARCH_BENCH_DATABASE_URL")

    from sociallab.search.engine import SearchEngine

    spaces, tokens = member_context()
    readable_spaces = sorted(int(t.split(":")[1]) for t in tokens if t.startswith("space:"))
    docs = list(corpus(args.docs, spaces, args.seed))
    planned = queries(args.queries, args.seed)
    workdir = tempfile.mkdtemp(prefix="sociallab-search-bench-")
    try:
        engine = SearchEngine(os.path.join(workdir, "index"))
        started = time.perf_counter()
        written = engine.rebuild(iter(docs), procs=args.procs)
        build_s = time.perf_counter() - started
        assert written == args.docs
        from sociallab.search.engine import bulk_procs
        procs = bulk_procs() if args.procs is None else args.procs
        print(f"built {written} documents in {build_s:.1f} s with {procs} process(es)")

        # A first pass opens the shared searcher and warms the caches, as a running server has.
        for text, _terms, _excluded in planned[:20]:
            engine.search(tokens, text)
        timings, totals, leaks = [], [], 0
        for text, _terms, _excluded in planned:
            started = time.perf_counter()
            results = engine.search(tokens, text)
            timings.append((time.perf_counter() - started) * 1000)
            totals.append(results.total)
            leaks += sum(1 for hit in results.hits if hit.space_id not in readable_spaces)
        assert leaks == 0, f"{leaks} results from unreadable spaces"
        print(f"queries: {len(timings)}, median hits {statistics.median(totals):.0f}, max {max(totals)}")

        suggest_timings, suggested = [], 0
        for text in misspelled(planned, args.seed):
            started = time.perf_counter()
            results = engine.search(tokens, text)
            suggest_timings.append((time.perf_counter() - started) * 1000)
            suggested += results.suggestion is not None
        print(f"misspelled queries: {len(suggest_timings)}, with a suggestion {suggested}")

        fts5 = run_fts5(docs, planned, readable_spaces, reps=1)
        p50, p95, fts5_p50 = percentile(timings, 50), percentile(timings, 95), percentile(fts5, 50)
        print(f"whoosh p50 {p50:.2f} ms p95 {p95:.2f} ms; fts5 p50 {fts5_p50:.2f} ms p95 "
              f"{percentile(fts5, 95):.2f} ms; misspelled p50 {percentile(suggest_timings, 50):.2f} ms "
              f"p95 {percentile(suggest_timings, 95):.2f} ms")
        engine.close()
        postgres = ""
        if args.backend == "postgres":
            pg_build_s, pg, pg_suggest, pg_suggested = run_postgres(args.database_url, docs, planned, tokens,
                                                                    readable_spaces, args.seed)
            print(f"postgres p50 {percentile(pg, 50):.2f} ms p95 {percentile(pg, 95):.2f} ms; misspelled p50 "
                  f"{percentile(pg_suggest, 50):.2f} ms p95 {percentile(pg_suggest, 95):.2f} ms")
            postgres = (f" pg_build_docs_per_s={args.docs / pg_build_s:.0f} pg_p50_ms={percentile(pg, 50):.1f} "
                        f"pg_p95_ms={percentile(pg, 95):.1f} pg_suggest_p50_ms={percentile(pg_suggest, 50):.1f} "
                        f"pg_suggest_p95_ms={percentile(pg_suggest, 95):.1f} pg_suggested={pg_suggested}")
        print(f"RESULT docs={args.docs} build_docs_per_s={args.docs / build_s:.0f} p50_ms={p50:.1f} "
              f"p95_ms={p95:.1f} fts5_p50_ms={fts5_p50:.2f} ratio_p50={p50 / fts5_p50:.1f} "
              f"suggest_p50_ms={percentile(suggest_timings, 50):.1f} "
              f"suggest_p95_ms={percentile(suggest_timings, 95):.1f} "
              f"suggested={suggested}{postgres}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
