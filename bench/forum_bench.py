"""Thread-page benchmark: a thread of 100 posts by 20 authors against a minimal reference page.

    .venv/bin/python bench/forum_bench.py [--seconds 10] [--clients 8] [--per-page N]

Seeds a fresh SQLite database (the Lab's structure, 20 authors of the Senegal space, one thread
of 100 posts), serves the application with the production server on 127.0.0.1
(`gunicorn -k gthread -w 2 --threads 8`), signs in as a member and loads the thread page for
`seconds` with `clients` concurrent keep-alive connections. In the same run (alternating
one-second slices, so both see the same machine load) it loads a minimal reference page served by
the same processes: one template (compiled once, as Flask keeps a template file) rendering the
same rows as the thread's first page (author name, date, the post's stored HTML) with no sign-in,
no permission check, no read mark and no forms. Threads are shown 50 posts a page
(forums.paging.POSTS_PER_PAGE); `--per-page 100` shows the whole thread on one page, as before
threads had pages, against all
100 rows. It also counts the SQL statements of one thread page and the gzipped weight of the page
with its CSS and JavaScript (what the page loads before it is usable). The last line is

    RESULT posts_shown=… thread_rps=… reference_rps=… ratio=… queries=… page_kb_gzip=…
"""
import argparse
import gzip
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key-not-for-production"
PASSWORD = "bench-password-123"
REFERENCE_PATH = "/_bench/reference"

REFERENCE_TEMPLATE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/css/site.css"></head><body><main><h1>{{ title }}</h1><ol>
{% for post in posts %}<li id="post-{{ post.id }}"><strong>{{ post.author.name }}</strong>
<time>{{ post.created_at|when("short") }}</time><div lang="{{ post.lang }}">{{ post.body_html }}</div></li>
{% endfor %}</ol></main></body></html>"""


def _bench_config():
    import config

    class BenchConfig(config.Config):
        SECRET_KEY = SECRET
        SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        RATELIMIT_STORAGE_URI = "memory://"
        RATELIMIT_ENABLED = False
        SOCKETIO_MESSAGE_QUEUE = None
        SOCKETIO_ASYNC_MODE = "threading"
    return BenchConfig


def make_app():
    """The application plus the reference page (gunicorn calls this factory in each worker)."""
    sys.path.insert(0, str(ROOT))
    from flask import render_template
    from sqlalchemy.orm import joinedload

    from sociallab import create_app
    from sociallab.extensions import db
    from sociallab.forums import paging
    from sociallab.forums.models import Post, Thread
    from sociallab.ops import heap

    app = create_app(_bench_config())
    if os.environ.get("FORUM_BENCH_PER_PAGE"):  # --per-page: the thread's pages hold this many posts
        paging.POSTS_PER_PAGE = int(os.environ["FORUM_BENCH_PER_PAGE"])

    # Compiled once, as render_template does for a file (render_template_string compiled it again
    # at every request, a quarter of the reference's time, which flattered the ratio).
    reference_template = app.jinja_env.from_string(REFERENCE_TEMPLATE)

    @app.route(REFERENCE_PATH)
    def reference():
        # The same posts as the thread's first page shows (all 100 when a page holds them all).
        thread = db.session.scalar(db.select(Thread).order_by(Thread.post_count.desc()).limit(1))
        posts = db.session.scalars(db.select(Post).options(joinedload(Post.author))
                                   .where(Post.thread_id == thread.id).order_by(Post.id)
                                   .limit(paging.POSTS_PER_PAGE)).all()
        return render_template(reference_template, title=thread.title, posts=posts)

    heap.settle()  # as wsgi.py does in each worker
    return app


def prepare(workdir):
    """Fresh database: structure, 20 Senegal authors, a category and a thread of 100 posts."""
    os.environ.update(SECRET_KEY=SECRET, DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
                      SOCIALLAB_INSTANCE=str(workdir), SEARCH_INDEX_DIR=str(workdir / "index"),
                      UPLOAD_DIR=str(workdir / "uploads"), SOCKETIO_ASYNC_MODE="threading",
                      SITE_URL="http://127.0.0.1")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    from sociallab import create_app
    from sociallab.accounts.services import create_user
    from sociallab.demo import seed_structure
    from sociallab.extensions import db
    from sociallab.forums import services

    app = create_app(_bench_config())
    with app.app_context():
        db.create_all()
        _countries, organisations = seed_structure()
        from sociallab.spaces.models import Space
        space = db.session.scalar(db.select(Space).where(Space.slug == "country-sn"))
        authors = [create_user(f"author{i}@bench.example.org", f"Auteur {i:02d} Sénégal", PASSWORD,
                               organisation=organisations["sn"][i % len(organisations["sn"])], language="fr")
                   for i in range(20)]
        db.session.flush()
        # Set up directly: creating a category is the moderators' and the bench signs in as a member.
        from sociallab.forums.models import Category
        category = Category(space_id=space.id, title="Pratiques", description="Échanges", lang="fr", position=10)
        db.session.add(category)
        db.session.flush()
        body = ("Merci pour ce partage. Chez nous, **l'écoute** passe par trois étapes :\n\n"
                "1. accueillir\n2. reformuler\n3. orienter\n\n> La parole de l'enfant d'abord.\n\n"
                "Voir [le guide](https://example.org/guide) pour le détail. Post n°{n}.")
        thread, _ = services.create_thread(category, "Écoute des enfants : vos pratiques",
                                           body.format(n=1), authors[0], "fr")
        for n in range(2, 101):
            services.reply(thread, authors[(n - 1) % 20], body.format(n=n), "fr")
        db.session.commit()
        thread_id = thread.id
    return thread_id, "author0@bench.example.org"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def sign_in(port, email):
    """Sign in through the real form; return the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
    conn.request("POST", "/login", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"sign-in failed: {response.status}")
    # Sign-in also sets the language cookie: keep the session's.
    cookies = [header.split(";")[0] for header in response.msg.get_all("Set-Cookie") or ()]
    return next(c for c in cookies if c.startswith("session="))


def load(port, paths, seconds, clients, slice_seconds=1.0):
    """Requests per second answered 200 for each (path, cookie), measured in alternating slices.

    Alternating one-second slices between the pages makes them share whatever else the machine
    is doing, so their ratio stays meaningful on a busy host.
    """
    totals = {path: [0, 0.0] for path, _ in paths}
    rounds = max(1, int(seconds / slice_seconds))
    for _ in range(rounds):
        for path, cookie in paths:
            done, elapsed = _slice(port, path, cookie, slice_seconds, clients)
            totals[path][0] += done
            totals[path][1] += elapsed
    return {path: count / elapsed for path, (count, elapsed) in totals.items()}


def _slice(port, path, cookie, seconds, clients):
    counts, errors = [0] * clients, [0] * clients
    stop = time.time() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.time() < stop:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sum(errors):
        print(f"  {path}: {sum(errors)} failed requests", flush=True)
    return sum(counts), time.time() - started


def fetch(port, path, cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    return response.status, response.read()


def page_weight(port, path, cookie):
    """The page and the CSS and JavaScript it loads, each gzipped, in KB."""
    status, html = fetch(port, path, cookie)
    assert status == 200, status
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    total = len(gzip.compress(html, 6))
    for asset in assets:
        _, body = fetch(port, asset.decode())
        total += len(gzip.compress(body, 6))
        print(f"  {asset.decode()}: {len(gzip.compress(body, 6)) / 1024:.1f} KB gzipped", flush=True)
    print(f"  page: {len(html) / 1024:.1f} KB, {len(gzip.compress(html, 6)) / 1024:.1f} KB gzipped", flush=True)
    return total / 1024


def count_page_queries(thread_id, email):
    """SQL statements of one thread page, measured in-process against the same database."""
    from sqlalchemy import event

    from sociallab.extensions import db
    app = make_app()
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        engine = db.engine
    # No app context is held across requests, so nothing (the signed-in person, their spaces)
    # is cached between them: each request starts as it does in production.
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    client.get(f"/forums/threads/{thread_id}")
    statements = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)
    event.listen(engine, "before_cursor_execute", before)
    response = client.get(f"/forums/threads/{thread_id}")
    event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200
    return len(statements)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-page", type=int, default=None,
                        help="posts on a thread's page (default: the application's; 100 shows the whole thread)")
    args = parser.parse_args()
    if args.per_page:
        os.environ["FORUM_BENCH_PER_PAGE"] = str(args.per_page)

    with tempfile.TemporaryDirectory(prefix="forum-bench-") as tmp:
        workdir = Path(tmp)
        thread_id, email = prepare(workdir)
        queries = count_page_queries(thread_id, email)
        port = free_port()
        empty_config = workdir / "gunicorn.conf.py"  # not the project's gevent configuration
        empty_config.write_text("")
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", str(empty_config), "-k", "gthread", "-w", "2",
             "--threads", "8", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "bench.forum_bench:make_app()"],
            cwd=ROOT, env=dict(os.environ), start_new_session=True)
        try:
            wait_for(port)
            cookie = sign_in(port, email)
            path = f"/forums/threads/{thread_id}"
            weight = page_weight(port, path, cookie)
            pages = [(path, cookie), (REFERENCE_PATH, None)]
            load(port, pages, 2, args.clients)  # warm both workers
            rps = load(port, pages, args.seconds, args.clients)
            thread_rps, reference_rps = rps[path], rps[REFERENCE_PATH]
        finally:
            server.terminate()
            server.wait(timeout=20)
    from sociallab.forums import paging
    per_page = int(os.environ.get("FORUM_BENCH_PER_PAGE") or paging.POSTS_PER_PAGE)
    print(f"RESULT posts_shown={min(per_page, 100)} thread_rps={thread_rps:.1f} reference_rps={reference_rps:.1f} "
          f"ratio={thread_rps / reference_rps:.2f} queries={queries} page_kb_gzip={weight:.1f}")


if __name__ == "__main__":
    main()
