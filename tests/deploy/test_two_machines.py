"""Two machines: two production servers (gunicorn -c gunicorn.conf.py) that share no disk, only one
PostgreSQL database and one Redis, configured as README "Several servers" says. What a member does
through one is seen by another member through the other: a forum post found by search, a file of
the library downloaded with the same bytes, a live-room chat message delivered; a session signed
by one server is good on the other; sign-in attempts are counted once for both; and neither
server leaves anything in its instance directory."""
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import csrf_token_from, skip_or_fail
from tests.knowledge import files

# Two servers, their own database and Redis: `make test` runs this after the others, alone.
pytestmark = pytest.mark.alone

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "test_two_machines"


def redis_database(number):
    """Database `number` of the Redis server REDIS_URL names (`make deploy-check`), else the local one."""
    server = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(server._replace(path=f"/{number}"))


# A Redis database of its own (9) for the servers' rate limits, emptied first. Socket.IO's messages
# (publish/subscribe) ignore the number: this runs alone, never beside another two-server test.
REDIS_URL = redis_database(9)
PASSWORD = "deux-machines, un seul site"  # the test's own accounts
STARTUP_SECONDS = 40
# Failed sign-ins allowed per account (5 a minute on a real server): two, so three attempts show
# whether both servers count them together.
LOGIN_LIMIT = "2 per minute"
# Settings the environment of a developer or of CI may hold, which a server must not inherit here.
NOT_INHERITED = ("SOCIALLAB_ENV", "UPLOAD_DIR", "SEARCH_INDEX_DIR", "SCHEDULER_LOCK_DIR", "STORAGE_BACKEND",
                 "SEARCH_BACKEND", "DATABASE_URL", "REDIS_URL", "SOCKETIO_ASYNC_MODE", "SECRET_KEY", "SITE_URL",
                 "DEMO_PASSWORD", "GUNICORN_BIND", "FLASK_APP", "LOGIN_LIMIT_PER_ADDRESS",
                 "LOGIN_LIMIT_PER_ACCOUNT")

PREPARE = r'''
import json, sys
from datetime import timedelta
from flask_migrate import upgrade
import config
from sociallab import create_app
from sociallab.accounts.models import SpaceRole
from sociallab.accounts.services import create_user
from sociallab.demo import seed_structure
from sociallab.extensions import db
from sociallab.forums import services as forums
from sociallab.i18n import utcnow
from sociallab.spaces.models import Space
from sociallab.workshops import services as workshops
from sociallab.workshops.models import Workshop

password = sys.argv[1]
app = create_app(config.Config)
with app.app_context():
    upgrade()  # what `flask db upgrade` runs
    print("migrated", flush=True)  # the servers may start
    _countries, organisations = seed_structure()
    space = db.session.scalar(db.select(Space).where(Space.slug == "country-sn"))
    awa = create_user("awa@example.org", "Awa Ndiaye", password, organisations["sn"][0])
    moussa = create_user("moussa@example.org", "Moussa Diallo", password, organisations["sn"][1])
    moderator = create_user("moderatrice@example.org", "Mariama Fall", password)
    facilitator = create_user("animateur@example.org", "Ibrahima Sow", password)
    db.session.flush()
    db.session.add_all([SpaceRole(user_id=moderator.id, role=SpaceRole.MODERATOR, space_id=space.id),
                        SpaceRole(user_id=facilitator.id, role=SpaceRole.FACILITATOR, space_id=space.id)])
    db.session.commit()
    category = forums.create_category(space, "Pratiques", "Échanges de pratiques", "fr", moderator)
    workshop = workshops.schedule_workshop(
        space, facilitator, title="Deux machines", description="", agenda="", lang="fr",
        starts_at=utcnow() - timedelta(minutes=5), ends_at=utcnow() + timedelta(hours=1), video_url="",
        capacity=None)
    workshop.status = Workshop.LIVE
    db.session.commit()
    print(json.dumps({"category": category.id, "workshop": workshop.id, "space": space.slug}))
'''


def _postgres_server():
    """The PostgreSQL server the tests use (TEST_DATABASE_URL's), else the local one."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    return make_url(url)


def _own_database(name=DATABASE):
    """A fresh database of the test's own on that server; its URL."""
    server = _postgres_server()
    try:
        engine = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 — any failure means "no PostgreSQL here"
        skip_or_fail(f"PostgreSQL is not reachable at {server.host}:{server.port}: {error}")
    return server.set(database=name).render_as_string(hide_password=False)


def _empty_redis(url=REDIS_URL):
    import redis
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except Exception as error:  # noqa: BLE001 — any failure means "no Redis here"
        skip_or_fail(f"Redis is not reachable at {url}: {error}")


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if requests.get(f"{url}/login", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not start:\n{log.read_text()}")
        time.sleep(0.2)


@pytest.fixture
def machines(tmp_path):
    """(machine A's address, machine B's address, the prepared ids, each machine's instance directory)."""
    with production_servers(tmp_path, DATABASE, REDIS_URL, SITE_URL="http://127.0.0.1") as (servers, prepared,
                                                                                           instances):
        yield servers[0][1], servers[1][1], prepared, instances


@contextmanager
def production_servers(tmp_path, database, redis_url, **settings):
    """Two gunicorn servers over the PostgreSQL database `database` (made again) and Redis at
    `redis_url` (emptied), with `settings` on top of README's: (each one's process, address and log,
    the prepared ids, their instance directories). tests/deploy/test_nginx.py puts nginx in front."""
    _empty_redis(redis_url)
    database_url = _own_database(database)
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    # What README "Several servers" asks to set alike on every server.
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, STORAGE_BACKEND="postgres", SEARCH_BACKEND="postgres",
               SECRET_KEY="two-machines-test-secret", FLASK_APP="wsgi", LOGIN_LIMIT_PER_ACCOUNT=LOGIN_LIMIT,
               **settings)
    # The administrator's own machine migrates the database and adds the people, the category and
    # the workshop, while the servers start once the schema is there.
    administrator_log = tmp_path / "administrator.log"
    with open(administrator_log, "w") as errors:
        administrator = subprocess.Popen([sys.executable, "-c", PREPARE, PASSWORD], cwd=ROOT, text=True,
                                         env=dict(env, SOCIALLAB_INSTANCE=str(tmp_path / "administrator")),
                                         stdout=subprocess.PIPE, stderr=errors)
    if administrator.stdout.readline().strip() != "migrated":
        administrator.wait()
        pytest.fail(f"the migration failed:\n{administrator_log.read_text()}")
    servers, instances = [], []
    try:
        for machine in ("a", "b"):
            instance, port = tmp_path / machine, _free_port()
            instance.mkdir()
            log = tmp_path / f"{machine}.log"
            with open(log, "w") as output:
                servers.append((subprocess.Popen(
                    [ROOT / ".venv/bin/gunicorn", "-c", ROOT / "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                    env=dict(env, SOCIALLAB_INSTANCE=str(instance), GUNICORN_BIND=f"127.0.0.1:{port}"),
                    stdout=output, stderr=subprocess.STDOUT), f"http://127.0.0.1:{port}", log))
            instances.append(instance)
        output, _none = administrator.communicate(timeout=STARTUP_SECONDS)
        assert administrator.returncode == 0, administrator_log.read_text()
        prepared = json.loads(output)
        for _process, url, log in servers:
            _wait_for(url, log)
        yield servers, prepared, instances
    finally:
        if administrator.poll() is None:
            administrator.kill()
            administrator.wait()
        for process, _url, _log in servers:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: the test is over
        for process, _url, _log in servers:
            process.wait(timeout=20)


def _sign_in(url, email, browser=None):
    """A browser of its own (or `browser`), signed in through the server at `url`."""
    browser = browser or requests.Session()
    token = csrf_token_from(browser.get(f"{url}/login").text)
    response = browser.post(f"{url}/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                            allow_redirects=False)
    assert response.status_code == 302 and "/login" not in response.headers["Location"], response.text[:500]
    return browser


def _post_form(browser, page, url, data, **options):
    token = csrf_token_from(browser.get(page).text)
    return browser.post(url, data={**data, "csrf_token": token}, allow_redirects=False, **options)


def _the_pdf():
    """A PDF of several storage chunks (256 KB each): its text, then a long comment."""
    padding = os.urandom(350_000).hex().encode()
    return files._pdf(b"BT /F1 12 Tf 72 712 Td (Guide des deux machines) Tj ET\n% " + padding)


async def _chat_across(a, b, workshop_id, awa, moussa):
    """Awa, connected through A, writes in the room; what reaches Moussa, connected through B."""
    import socketio
    received = asyncio.Queue()
    clients = []
    try:
        for url, browser in ((a, awa), (b, moussa)):
            client = socketio.AsyncClient(reconnection=False)
            if browser is moussa:
                client.on("room_event", received.put_nowait, namespace="/workshops")
            cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
            await client.connect(url, headers={"Cookie": cookie}, namespaces=["/workshops"],
                                 transports=["websocket"], auth={"workshop_id": workshop_id}, wait_timeout=10)
            joined = await client.call("join", {"last_seq": 0}, namespace="/workshops", timeout=10)
            assert joined["ok"], joined
            clients.append(client)
        sent = await clients[0].call("chat", {"body": "Bonjour depuis la machine A", "client_id": "a-1"},
                                     namespace="/workshops", timeout=10)
        assert sent["ok"], sent
        while True:
            event = await asyncio.wait_for(received.get(), timeout=10)
            if event["kind"] == "chat.message":
                return sent, event
    finally:
        for client in clients:
            await client.disconnect()


def _in_a_thread(coroutine):
    # A thread of its own: Playwright's tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_what_a_member_does_on_one_machine_another_member_gets_on_the_other(machines):
    a, b, prepared, instances = machines
    started = time.monotonic()

    # Awa, through machine A: a thread in the forum, then a resource with its file in the library.
    awa = _sign_in(a, "awa@example.org")
    new_thread = f"{a}/forums/categories/{prepared['category']}/new"
    posted = _post_form(awa, new_thread, new_thread, {
        "title": "Écouter sans interrompre", "lang": "fr", "action": "publish",
        "body": "Nous laissons parler l'enfant jusqu'au bout : la méthode baobab marche bien."})
    assert posted.status_code == 302, posted.text[:500]
    thread_id = int(re.search(r"/forums/threads/(\d+)", posted.headers["Location"]).group(1))
    pdf = _the_pdf()
    new_resource = f"{a}/spaces/{prepared['space']}/library/new"
    added = _post_form(awa, new_resource, new_resource, {
        "type": "guide", "title": "Guide des deux machines", "summary": "", "body": "", "lang": "fr",
        "status": "published"}, files={"file": ("guide-deux-machines.pdf", pdf, "application/pdf")})
    assert added.status_code == 302, added.text[:500]
    resource_page = added.headers["Location"]

    # Her session, signed by A, is good on B (the same SECRET_KEY): no second sign-in.
    assert awa.get(f"{b}/account/profile", allow_redirects=False).status_code == 200

    # Moussa, through machine B, finds the post by search and downloads the file.
    moussa = _sign_in(b, "moussa@example.org")
    found = moussa.get(f"{b}/search", params={"q": "baobab"})
    assert found.status_code == 200
    assert "Écouter sans interrompre" in found.text and f"/forums/threads/{thread_id}" in found.text
    page = moussa.get(f"{b}{resource_page}" if resource_page.startswith("/") else resource_page.replace(a, b))
    assert page.status_code == 200 and "Guide des deux machines" in page.text
    version_id = re.search(r"/files/(\d+)/download", page.text).group(1)
    download = moussa.get(f"{b}/files/{version_id}/download")
    assert download.status_code == 200 and download.content == pdf
    ranged = moussa.get(f"{b}/files/{version_id}/download", headers={"Range": "bytes=300000-300099"})
    assert ranged.status_code == 206 and ranged.content == pdf[300_000:300_100]

    # A chat message sent through A reaches Moussa's Socket.IO client on B.
    sent, event = _in_a_thread(_chat_across(a, b, prepared["workshop"], awa, moussa))
    assert event["data"]["body"] == "Bonjour depuis la machine A" and event["seq"] == sent["seq"]

    # Sign-in attempts are counted in Redis, once for both servers: two wrong passwords for
    # Moussa's account (the limit here), one through each, and a third through A is refused.
    stranger = requests.Session()
    answers = []
    for url in (a, b, a):
        token = csrf_token_from(stranger.get(f"{url}/login").text)
        answers.append(stranger.post(f"{url}/login", allow_redirects=False, data={
            "email": "moussa@example.org", "password": "pas le bon mot de passe", "csrf_token": token}).status_code)
    assert answers == [200, 200, 429]

    # Nothing either server would need from the other was written to its own disk.
    for instance in instances:
        assert sorted(str(p.relative_to(instance)) for p in instance.rglob("*")) == []
    print(f"RESULT two machines: scenario {time.monotonic() - started:.1f} s")
