"""Services failing under a running server: Redis restarted during a live session, PostgreSQL's
connections cut under load, the disk full during an upload.

    .venv/bin/python proof/services.py

One production server (gunicorn -c gunicorn.conf.py) over PostgreSQL (PROOF_DATABASE) with a
redis-server of this run's own (never the machine's shared one, which others use):

- **Redis restarted** while two people are in a live room: one keeps chatting while Redis is down
  and after it is back; the other must end with every acknowledged message, live or by filling
  the gap in the event numbers (`resume`, as the room page does), without reloading. Sign-in and
  a forum reply are tried while Redis is down: what they answer is printed (fail open: the
  attempt goes through; fail closed: refused with a message; anything else is a failure).
- **PostgreSQL restarted**, as the application sees it: every connection of the server to its
  database is cut (pg_terminate_backend) three times while people read, reply and chat. A failed
  request must fail cleanly: the site's error page with what was typed given back, or a room
  answer saying so; and every request after the last cut must succeed, with no server restart.
- **Disk full** while uploading: UPLOAD_DIR on a small tmpfs (mounted here when permitted, else
  this part says it was skipped; tests/proof/test_disk_full.py checks the same at the storage
  level in `make test`), nearly filled; an upload must be refused with a message, leave no row
  and no file behind, and succeed once there is room again.

Prints a RESULT line per part; exit status 0 when all hold.
"""
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world  # the proof's own helpers, beside this file
from crash import CSRF, POST_ID, RESOURCE_ID, pdf_bytes

NS = world.NS


class Person:
    """A signed-in person: a browser session for pages and forms, and the live room's connection
    with what the room page's script does: join with the last event number seen (on every
    reconnection too), and ask for what is missing (`resume`) when the numbers jump."""

    def __init__(self, url, person, data):
        self.url, self.data = url, data
        self.http = requests.Session()
        self.http.cookies.set(data["cookie_name"], person["cookie"], domain="127.0.0.1", path="/")
        self.cookie = f"{data['cookie_name']}={person['cookie']}"
        self.seq, self.bodies, self.lock = 0, {}, threading.Lock()
        self.disconnects = 0
        self.room = None

    def connect(self):
        self.room = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2)
        self.room.on("room_event", self._event, namespace=NS)
        self.room.on("connect", lambda: threading.Thread(target=self._join, daemon=True).start(), namespace=NS)
        self.room.on("disconnect", self._disconnected, namespace=NS)
        self.room.connect(self.url, headers={"Cookie": self.cookie}, auth={"workshop_id": self.data["workshop_id"]},
                          namespaces=[NS], transports=["websocket"], wait_timeout=15)
        deadline = time.time() + 20
        while not self.joined and time.time() < deadline:
            time.sleep(0.1)
        return self

    joined = False

    def _disconnected(self, *_args):
        self.disconnects += 1

    def _join(self):
        answer = self.room.call("join", {"last_seq": self.seq}, namespace=NS, timeout=20)
        self._apply(answer.get("events") or [])
        self.joined = True

    def _apply(self, events):
        with self.lock:
            for event in sorted(events, key=lambda e: e["seq"]):
                if event["kind"] == "chat.message":
                    self.bodies[event["seq"]] = event["data"].get("body")
                self.seq = max(self.seq, event["seq"])

    def _event(self, payload):
        if payload["seq"] > self.seq + 1:
            # A gap: what was sent meanwhile comes back from the server's log of the room.
            threading.Thread(target=self._resume, args=(self.seq,), daemon=True).start()
        self._apply([payload])

    def _resume(self, since):
        answer = self.room.call("resume", {"last_seq": since}, namespace=NS, timeout=20)
        self._apply(answer.get("events") or [])

    def chat(self, body):
        """The acknowledgement (a dict) or the exception met."""
        try:
            return self.room.call("chat", {"body": body, "client_id": uuid.uuid4().hex}, namespace=NS, timeout=20)
        except Exception as error:  # noqa: BLE001 — reported as the outcome
            return error

    def reply(self, thread_id, body):
        page = self.http.get(f"{self.url}/forums/threads/{thread_id}", timeout=30)
        token = CSRF.search(page.text)
        if page.status_code != 200 or not token:
            return page
        return self.http.post(f"{self.url}/forums/threads/{thread_id}/reply", allow_redirects=False, timeout=30,
                              data={"csrf_token": token.group(1), "body": body, "lang": "fr", "quote": "",
                                    "action": "publish"})

    def close(self):
        if self.room is not None:
            self.room.disconnect()


def sign_in(url, email, password):
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=30)
    token = CSRF.search(page.text)
    return session.post(f"{url}/login", allow_redirects=False, timeout=30,
                        data={"csrf_token": token.group(1) if token else "", "email": email, "password": password})


def heading(response):
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text or "", re.S)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else (response.text or "")[:120]


def clean_failure(response, typed=None):
    """A refusal a person can act on: the site's own page with a heading (and, for a form, what
    they typed given back)."""
    html = response.text or ""
    return ("text/html" in response.headers.get("Content-Type", "") and "<h1" in html
            and (typed is None or typed in html))


def wait_until(condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


# --- Redis --------------------------------------------------------------------------------------

def redis_restart(server, redis, data):
    a = Person(server.url, data["people"][1], data).connect()
    b = Person(server.url, data["people"][2], data).connect()
    notes, acked = [], []
    try:
        before = a.chat("avant la coupure")
        if isinstance(before, dict) and before.get("ok"):
            acked.append("avant la coupure")
        live_before = wait_until(lambda: "avant la coupure" in b.bodies.values(), 10)

        redis.stop()
        time.sleep(1)
        during = []
        for _ in range(3):
            body = f"pendant la coupure {world.marker('pendant')}"
            answer = a.chat(body)
            during.append(answer)
            if isinstance(answer, dict) and answer.get("ok"):
                acked.append(body)
        reply_body = f"Réponse pendant la coupure de Redis {world.marker('redis')}"
        reply = a.reply(data["thread_ids"][0], reply_body)
        signin_down = sign_in(server.url, world.SIGNIN_EMAIL, world.SIGNIN_PASSWORD)
        health_down = requests.get(f"{server.url}/healthz", timeout=10)

        redis.start()
        back = time.time()
        after = None
        # The server's subscription to the queue comes back by itself, or never: a message sent
        # through it shows which, within 20 s.
        delivered_after = False
        while time.time() - back < 20 and not delivered_after:
            body = f"après la coupure {world.marker('apres')}"
            after = a.chat(body)
            if isinstance(after, dict) and after.get("ok"):
                acked.append(body)
            delivered_after = wait_until(lambda body=body: body in b.bodies.values(), 2)
        recovered = wait_until(lambda: set(acked) <= set(b.bodies.values()), 10)
        signin_back = sign_in(server.url, world.SIGNIN_EMAIL, world.SIGNIN_PASSWORD)
        health_back = requests.get(f"{server.url}/healthz", timeout=10)
        # What a reload of the room page would show (a new connection joining from 0).
        c = Person(server.url, data["people"][3], data).connect()
        in_log = set(acked) <= set(c.bodies.values())
        c.close()
    finally:
        a.close()
        b.close()

    signin_outcome = ("open" if signin_down.status_code == 302 else
                      "closed" if signin_down.status_code in (429, 503) and clean_failure(signin_down) else
                      f"broken({signin_down.status_code})")
    reply_outcome = ("published" if reply.status_code == 302 and POST_ID.search(reply.headers.get("Location", "")) else
                     f"refused({reply.status_code}: {heading(reply)})")
    notes.append(f"chat while down: {[a if isinstance(a, dict) else repr(a) for a in during]}")
    notes.append(f"sign-in while down: {signin_down.status_code} {heading(signin_down)!r}; "
                 f"after: {signin_back.status_code}")
    notes.append(f"reply while down: {reply_outcome}; /healthz while down {health_down.status_code} "
                 f"{health_down.text[:120]}, after {health_back.status_code}")
    missing = sorted(set(acked) - set(b.bodies.values()))
    if missing:
        notes.append(f"acknowledged but never received by the other person: {missing}")
    for note in notes:
        print("  " + note)
    reply_clean = reply.status_code == 302 or clean_failure(reply, typed=reply_body)
    ok = (live_before and delivered_after and recovered and in_log and signin_outcome in ("open", "closed")
          and signin_back.status_code == 302 and health_back.status_code == 200 and reply_clean)
    print(f"RESULT redis_restart acknowledged={len(acked)} received={len(set(acked) & set(b.bodies.values()))} "
          f"live_after_restart={'yes' if delivered_after else 'no'} gap_filled={'yes' if recovered else 'no'} "
          f"in_room_log={'yes' if in_log else 'no'} signin_while_down={signin_outcome} "
          f"reply_while_down={reply_outcome.split(':')[0]} {'OK' if ok else 'FAILED'}")
    return ok


# --- PostgreSQL -----------------------------------------------------------------------------------

def cut_connections():
    with psycopg.connect(f"{world.PG_SERVER}/postgres", autocommit=True) as connection:
        return connection.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = %s AND pid <> pg_backend_pid()", (world.PG_DATABASE,)).fetchone()[0]


def postgres_restart(server, data, seconds=14, cuts=(3, 5.5, 8)):
    outcomes, lock, stop = [], threading.Lock(), threading.Event()
    start = time.time()
    last_cut = start + cuts[-1]

    def record(kind, ok, clean, detail=""):
        with lock:
            outcomes.append((time.time(), kind, ok, clean, detail))

    def reader_writer(person):
        me = Person(server.url, person, data)
        n = 0
        while not stop.is_set():
            n += 1
            thread_id = data["thread_ids"][n % len(data["thread_ids"])]
            body = f"Réponse sous coupure {world.marker('pg')}"
            try:
                page = me.http.get(f"{server.url}/forums/threads/{thread_id}", timeout=30)
                record("page", page.status_code == 200, clean_failure(page),
                       f"{page.status_code} {page.headers.get('Content-Type')} {heading(page)!r}")
                token = CSRF.search(page.text)
                if page.status_code != 200 or not token:
                    continue
                answer = me.http.post(f"{server.url}/forums/threads/{thread_id}/reply", allow_redirects=False,
                                      timeout=30, data={"csrf_token": token.group(1), "body": body, "lang": "fr",
                                                        "quote": "", "action": "publish"})
                found = POST_ID.search(answer.headers.get("Location", ""))
                record("reply", bool(answer.status_code == 302 and found), clean_failure(answer, typed=body),
                       f"{answer.status_code} {answer.headers.get('Content-Type')} {heading(answer)!r}")
                if found:
                    with lock:
                        acked_posts.append(int(found.group(1)))
            except requests.RequestException as error:
                record("page", False, False, repr(error))

    def chatter(person):
        me = Person(server.url, person, data).connect()
        try:
            while not stop.is_set():
                answer = me.chat(f"message sous coupure {world.marker('chat')}")
                ok = isinstance(answer, dict) and answer.get("ok")
                clean = isinstance(answer, dict) and not ok and bool(answer.get("error"))
                record("chat", bool(ok), clean, "" if ok else repr(answer)[:200])
                time.sleep(0.6)  # under the room's 20 messages in 10 s
        finally:
            me.close()

    acked_posts = []
    team = [threading.Thread(target=reader_writer, args=(data["people"][i],), daemon=True) for i in (1, 2, 3)]
    team.append(threading.Thread(target=chatter, args=(data["people"][4],), daemon=True))
    for member in team:
        member.start()
    cut = []
    for at in cuts:
        time.sleep(max(0, start + at - time.time()))
        cut.append(cut_connections())
    time.sleep(max(0, start + seconds - time.time()))
    stop.set()
    for member in team:
        member.join(timeout=60)

    # Requests still running at the last cut may fail with it; those begun 1 s after must not.
    settled = [o for o in outcomes if o[0] > last_cut + 1.0]
    failed = [o for o in outcomes if not o[2]]
    dirty = [o for o in failed if not o[3]]
    after_failed = [o for o in settled if not o[2]]
    from sociallab.extensions import db
    from sociallab.forums.models import Post
    app = world.make_app()
    with app.app_context():
        found = db.session.scalar(db.select(db.func.count(Post.id)).where(Post.id.in_(acked_posts or [0])))
    for o in dirty[:4]:
        print(f"  failed uncleanly, {o[0] - start:.1f} s in: {o[1]} {o[4]}")
    for o in after_failed[:4]:
        print(f"  failed {o[0] - last_cut:.1f} s after the last cut: {o[1]} {o[4]}")
    ok = not dirty and not after_failed and len(settled) > 0 and found == len(acked_posts)
    print(f"RESULT postgres_restart connections_cut={sum(cut)} cuts={len(cuts)} requests={len(outcomes)} "
          f"failed={len(failed)} failed_cleanly={len(failed) - len(dirty)} unclean={len(dirty)} "
          f"after_last_cut={len(settled)} failed_after_last_cut={len(after_failed)} "
          f"replies_acknowledged={len(acked_posts)} found={found} {'OK' if ok else 'FAILED'}")
    return ok


# --- the disk ----------------------------------------------------------------------------------

def disk_full(env, workdir, data):
    mount = Path(workdir) / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(mount)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        print(f"  cannot mount a small tmpfs here ({mounted.stderr.strip()}): see tests/proof/test_disk_full.py")
        print("RESULT disk_full skipped=cannot-mount")
        return True
    server = None
    try:
        uploads = mount / "uploads"
        uploads.mkdir()
        (mount / "filler").write_bytes(b"\0" * (1536 * 1024 - 400 * 1024))
        server = world.Server({**env, "UPLOAD_DIR": str(uploads)}, workdir, name="server-disk").start()
        person = Person(server.url, data["people"][1], data)
        path = f"/spaces/{data['space']}/library/new"

        def upload(marker):
            page = person.http.get(server.url + path, timeout=30)
            return person.http.post(
                server.url + path, allow_redirects=False, timeout=60,
                data={"csrf_token": CSRF.search(page.text).group(1), "type": "guide", "title": f"Guide {marker}",
                      "summary": "Un guide.", "body": "", "lang": "fr", "status": "published"},
                files={"file": (f"{marker}.pdf", pdf_bytes(marker, size=1_000_000), "application/pdf")})

        full_marker = world.marker("plein")
        refused = upload(full_marker)
        left_on_disk = sorted(p.name for p in uploads.iterdir())
        from sociallab.extensions import db
        from sociallab.knowledge.models import Resource
        app = world.make_app()
        with app.app_context():
            rows = db.session.scalar(db.select(db.func.count(Resource.id)).where(Resource.title.contains(full_marker)))
        (mount / "filler").unlink()
        again = upload(world.marker("place"))
        stored_again = RESOURCE_ID.search(again.headers.get("Location", "")) is not None
    finally:
        if server is not None:
            server.stop()
        subprocess.run(["umount", str(mount)], check=False)
    # The generic "something went wrong on our side" (500) does not tell the person what happened.
    clear = refused.status_code >= 400 and refused.status_code != 500 and clean_failure(refused)
    print(f"  full disk: {refused.status_code} {heading(refused)!r}; left under UPLOAD_DIR: {left_on_disk}; "
          f"rows: {rows}; with room again: {again.status_code}")
    ok = clear and not left_on_disk and rows == 0 and stored_again
    print(f"RESULT disk_full status={refused.status_code} clear_message={'yes' if clear else 'no'} "
          f"files_left={len(left_on_disk)} rows_left={rows} stored_with_room_again={'yes' if stored_again else 'no'} "
          f"{'OK' if ok else 'FAILED'}")
    return ok


def main():
    workdir = world.fresh_workdir("services")
    redis = world.RedisServer(workdir).start()
    server = None
    results = []
    try:
        env = world.configure(workdir, backend="postgres", redis_url=redis.url)
        world.recreate_postgres()
        world.log(f"services: preparing {workdir}")
        data = world.prepare(workdir, people=6, demo=False)
        server = world.Server(env, workdir).start()
        world.log("Redis restarted during a live session")
        results.append(redis_restart(server, redis, data))
        world.log("PostgreSQL's connections cut under load")
        results.append(postgres_restart(server, data))
        server.stop()
        server = None
        world.log("the disk full during an upload")
        results.append(disk_full(env, workdir, data))
    finally:
        if server is not None:
            server.kill()
        redis.stop()
        shutil.rmtree(workdir / "index", ignore_errors=True)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
