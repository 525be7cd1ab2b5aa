"""Two production server processes share one room through the real Redis message queue."""
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "two-process-test-secret"


def _redis_reachable():
    import redis
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 — any failure means "not reachable"
        return False


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PREPARE = r'''
import sys, config
from datetime import timedelta
from sociallab import create_app
from sociallab.extensions import db
from sociallab.demo import seed_demo
from sociallab.accounts.models import User
from sociallab.spaces.models import Space
from sociallab.workshops.models import Workshop
from sociallab.i18n import utcnow

app = create_app(config.Config)
with app.app_context():
    db.create_all()
    seed_demo()
    # Nobody signs in with a password here (the cookies below are signed directly), and a server
    # outside development refuses to start while an account opens with the demo password.
    db.session.execute(db.update(User).values(password_hash=None))
    space = db.session.scalar(db.select(Space).where(Space.slug == "country-sn"))
    facilitator = db.session.scalar(db.select(User).where(User.email == "facilitator@example.org"))
    workshop = Workshop(space_id=space.id, title="Two processes", lang="fr", starts_at=utcnow(),
                        ends_at=utcnow() + timedelta(hours=1), status="live", facilitators=[facilitator])
    db.session.add(workshop)
    db.session.commit()
    serializer = app.session_interface.get_signing_serializer(app)
    member = db.session.scalar(db.select(User).where(User.email == "member.sn@example.org"))
    print(workshop.id)
    for user in (facilitator, member):
        print(serializer.dumps({"_user_id": user.get_id(), "_fresh": True}))
'''


@pytest.fixture
def two_servers(tmp_path):
    if not _redis_reachable():
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    db_url = os.environ.get("TEST_DATABASE_URL")
    if db_url:
        # A database of our own, so the shared test database is left alone.
        name = "test_sociallab_workshops_two_processes"
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=False)
        if subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=False).returncode != 0:
            skip_or_fail("cannot create a PostgreSQL database")
        db_url = db_url.rsplit("/", 1)[0] + "/" + name
    else:
        db_url = f"sqlite:///{tmp_path / 'two_test.db'}"
    # A heartbeat a second, so a killed process is noticed within seconds, not minutes.
    env = dict(os.environ, SECRET_KEY=SECRET, DATABASE_URL=db_url, REDIS_URL=REDIS_URL,
               SOCIALLAB_INSTANCE=str(tmp_path), SEARCH_INDEX_DIR=str(tmp_path / "index"),
               WORKSHOP_HEARTBEAT_SECONDS="1", SITE_URL="http://127.0.0.1",
               # Without TEST_DATABASE_URL, SQLite: this test's writes come one at a time.
               SOCIALLAB_SQLITE_UNDER_GUNICORN="1")
    prepared = subprocess.run([sys.executable, "-c", PREPARE], cwd=ROOT, env=env, capture_output=True,
                              text=True, check=True).stdout.split()
    workshop_id, cookies = int(prepared[0]), prepared[1:]
    ports, processes = [_free_port(), _free_port()], []
    for port in ports:
        log = open(tmp_path / f"server-{port}.log", "w")  # noqa: SIM115 — the server writes to it until stopped
        processes.append(subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT,
            env=dict(env, GUNICORN_BIND=f"127.0.0.1:{port}"), stdout=log, stderr=subprocess.STDOUT))
    try:
        for port in ports:
            deadline = time.time() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
                    break
                except Exception:  # noqa: BLE001 — still starting
                    if time.time() > deadline:
                        pytest.fail((tmp_path / f"server-{port}.log").read_text())
                    time.sleep(0.2)
        yield ports, workshop_id, cookies, processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


async def _join_both(ports, workshop_id, cookies, received):
    """The facilitator through the first process, the member through the second."""
    import socketio
    clients = []
    for port, cookie in zip(ports, cookies, strict=True):
        client = socketio.AsyncClient(reconnection=False)
        client.on("room_event", lambda event, port=port: received.put_nowait((port, event)), namespace="/workshops")
        await client.connect(f"http://127.0.0.1:{port}", headers={"Cookie": f"session={cookie}"},
                             namespaces=["/workshops"], transports=["websocket"],
                             auth={"workshop_id": workshop_id}, wait_timeout=10)
        ack = await client.call("join", {"last_seq": 0}, namespace="/workshops", timeout=10)
        assert ack["ok"], ack
        clients.append(client)
    return clients


async def _first_event(received, port, kind, timeout):
    """The first event of this kind that reached the client connected through `port`."""
    while True:
        at, event = await asyncio.wait_for(received.get(), timeout=timeout)
        if at == port and event["kind"] == kind:
            return event


async def _talk_across(ports, workshop_id, cookies):
    received = asyncio.Queue()
    clients = await _join_both(ports, workshop_id, cookies, received)
    ack = await clients[1].call("chat", {"body": "Bonjour depuis le second processus", "client_id": "x-1"},
                                namespace="/workshops", timeout=10)
    assert ack["ok"], ack
    try:
        return ack, await _first_event(received, ports[0], "chat.message", timeout=10)
    finally:
        for client in clients:
            await client.disconnect()


def _run_in_a_thread(coroutine):
    # A thread of its own: Playwright's tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_message_sent_through_one_process_reaches_a_client_of_the_other(two_servers):
    ports, workshop_id, cookies, _processes = two_servers
    ack, event = _run_in_a_thread(_talk_across(ports, workshop_id, cookies))
    assert event["data"]["body"] == "Bonjour depuis le second processus"
    assert event["seq"] == ack["seq"]


def _workers_of(master_pid):
    workers = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text() if entry.isdigit() else ""
        except OSError:
            continue
        if stat and int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
            workers.append(int(entry))
    return workers


async def _crash_the_second(ports, workshop_id, cookies, second_master):
    received = asyncio.Queue()
    clients = await _join_both(ports, workshop_id, cookies, received)
    started = time.monotonic()
    try:
        # The worker dies without running a single disconnect handler.
        for pid in _workers_of(second_master):
            os.kill(pid, signal.SIGKILL)
        event = await _first_event(received, ports[0], "presence.left", timeout=30)
        return event, time.monotonic() - started
    finally:
        for client in clients:
            await client.disconnect()


def test_people_of_a_killed_process_leave_the_presence_list_of_the_other(two_servers):
    ports, workshop_id, cookies, processes = two_servers
    event, seconds = _run_in_a_thread(_crash_the_second(ports, workshop_id, cookies, processes[1].pid))
    assert event["data"]["person"]["name"] == "Membre Senegal"  # the demo member of Senegal
    # Three missed one-second beats, then the next sweep of the surviving process.
    print(f"presence.left after {seconds:.1f} s")
    assert seconds < 15
