"""The load scenario: signed-in people of one space reading, posting, replying, searching and
taking part in a live workshop room (chat, questions, up-votes, a poll) at the same time.

Run by proof/load.py (`locust -f proof/locustfile.py --headless …`), which prepares the world
(PROOF_WORLD: people's session cookies, the threads, the workshop, its poll and questions) and
afterwards reads PROOF_ACKS: every write the server acknowledged (a 302 to the new post's address,
an acknowledged room event), checked against the database and the search index.

Each simulated person holds a Socket.IO connection to the room (python-socketio's client, the
WebSocket transport), as the room page's script does, and rejoins with the last event number it
saw whenever the connection comes back.
"""
import itertools
import json
import os
import random
import re
import threading
import time
import uuid

import socketio
from locust import HttpUser, between, events, task

NS = "/workshops"
WORLD = json.loads(open(os.environ["PROOF_WORLD"]).read())  # noqa: SIM115 — read once at start
ACKS, STATUSES, ROOM_ERRORS, PAGE_TIMES, REFUSED, ROOM_TIMES = [], {}, [], {}, [], {}
_people = itertools.count()
_lock = threading.Lock()
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POST_ID = re.compile(r"#post-(\d+)$")


@events.request.add_listener
def _count_status(request_type, name, response_time, response_length, response=None, exception=None, **_kw):
    if request_type == "WS":
        with _lock:
            ROOM_TIMES.setdefault(name[3:], []).append(round(response_time, 1))
        return
    code = getattr(response, "status_code", None) or 0
    with _lock:
        STATUSES[str(code)] = STATUSES.get(str(code), 0) + 1
        if name.startswith("page: "):
            PAGE_TIMES.setdefault(name[6:], []).append(round(response_time, 1))


@events.quitting.add_listener
def _write_acks(environment, **_kw):
    with open(os.environ["PROOF_ACKS"], "w") as f:
        json.dump({"acks": ACKS, "statuses": STATUSES, "room_errors": ROOM_ERRORS[:50],
                   "page_times": PAGE_TIMES, "room_times": ROOM_TIMES, "refused": REFUSED[:20]}, f)


class Room:
    """One person's live connection to the workshop room."""

    def __init__(self, user, host, cookie):
        self.user, self.last_seq = user, 0
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2)
        self.client.on("room_event", self._event, namespace=NS)
        self.client.on("connect", self._connected, namespace=NS)
        self.client.connect(host, headers={"Cookie": cookie}, auth={"workshop_id": WORLD["workshop_id"]},
                            namespaces=[NS], transports=["websocket"], wait_timeout=15)

    def _event(self, payload):
        self.last_seq = max(self.last_seq, payload.get("seq") or 0)

    def _connected(self):
        # Also on every reconnection: what was missed meanwhile comes back with the answer.
        threading.Thread(target=self._join, daemon=True).start()

    def _join(self):
        try:
            answer = self.client.call("join", {"last_seq": self.last_seq}, namespace=NS, timeout=20)
        except Exception as error:  # noqa: BLE001 — recorded, the next reconnection tries again
            ROOM_ERRORS.append(f"join: {error!r}")
            return
        for event in answer.get("events") or ():
            self._event(event)

    def call(self, name, action, data):
        """Send a room event; its acknowledgement (or None) is timed like a request."""
        start = time.perf_counter()
        answer, exception = None, None
        try:
            answer = self.client.call(action, data, namespace=NS, timeout=20)
            if not (answer or {}).get("ok"):
                exception = RuntimeError(f"refused: {answer}")
        except Exception as error:  # noqa: BLE001 — a lost or late answer is a failure of the request
            exception = error
        events.request.fire(request_type="WS", name=name, response_time=(time.perf_counter() - start) * 1000,
                            response_length=0, exception=exception, context={})
        if exception is not None:
            ROOM_ERRORS.append(f"{action}: {exception!r}")
            return None
        return answer

    def close(self):
        self.client.disconnect()


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        person = WORLD["people"][next(_people) % len(WORLD["people"])]
        self.user_id, self.voted = person["id"], set()
        self.client.cookies.set(WORLD["cookie_name"], person["cookie"], domain="127.0.0.1", path="/")
        self.thread_ids = list(WORLD["thread_ids"])
        self.room = Room(self, self.host, f"{WORLD['cookie_name']}={person['cookie']}")

    def on_stop(self):
        self.room.close()

    def _page(self, name, url):
        return self.client.get(url, name=name)

    def _token(self, response):
        match = CSRF.search(response.text or "")
        return match.group(1) if match else None

    def _publish(self, name, url, fields, marker):
        with self.client.post(url, data=fields, name=name, allow_redirects=False, catch_response=True) as answer:
            found = POST_ID.search(answer.headers.get("Location", ""))
            if answer.status_code == 302 and found:
                post_id = int(found.group(1))
                ACKS.append({"kind": "post", "post_id": post_id, "marker": marker})
                answer.success()
                return post_id
            answer.failure(f"{answer.status_code} without the post's address")
            REFUSED.append({"status": answer.status_code, "url": url, "body": fields.get("body"),
                            "page": re.sub(r"\s+", " ", answer.text or "")[-1500:]})
            return None

    @staticmethod
    def _text():
        # Letters only: digits can look like a phone number to the safeguarding check.
        marker = "preuve" + uuid.uuid4().hex[:16].translate(str.maketrans("0123456789", "ghijklmnop"))
        words = " ".join(random.sample(WORLD["words"], 2))
        return marker, f"Retour d'expérience sur {words} : un partage de pratique ({marker})."

    # --- reading -------------------------------------------------------------------------

    @task(4)
    def read_thread(self):
        self._page("page: thread", f"/forums/threads/{random.choice(self.thread_ids)}")

    @task(2)
    def read_lists(self):
        url, name = random.choice([
            (f"/spaces/{WORLD['space']}", "page: space home"),
            (f"/spaces/{WORLD['space']}/forums", "page: forums"),
            (f"/forums/categories/{WORLD['category_id']}", "page: category"),
            ("/initiatives", "page: initiatives"),
            (f"/spaces/{WORLD['space']}/library", "page: library"),
            (f"/spaces/{WORLD['space']}/workshops/{WORLD['workshop_id']}/room", "page: workshop room"),
        ])
        self._page(name, url)

    @task(3)
    def search(self):
        self._page("page: search", f"/search?q={random.choice(WORLD['words'])}")

    # --- writing -------------------------------------------------------------------------

    @task(1)
    def start_thread(self):
        form = self._page("page: new thread form", f"/forums/categories/{WORLD['category_id']}/new")
        token = self._token(form)
        if token is None:
            return
        marker, body = self._text()
        post_id = self._publish("POST new thread", f"/forums/categories/{WORLD['category_id']}/new",
                                {"csrf_token": token, "title": f"Sujet {marker}", "body": body, "lang": "fr",
                                 "action": "publish"}, marker)
        if post_id is not None and len(self.thread_ids) < 12:
            # Threads read and replied to grow with the run, but stay few enough to grow long.
            page = self.client.get(f"/forums/posts/{post_id}/go", name="page: thread", allow_redirects=True)
            found = re.search(r"/forums/threads/(\d+)", page.url or "")
            if found:
                self.thread_ids.append(int(found.group(1)))

    @task(3)
    def reply(self):
        thread_id = random.choice(self.thread_ids)
        page = self._page("page: thread", f"/forums/threads/{thread_id}")
        token = self._token(page)
        if token is None:
            return
        marker, body = self._text()
        self._publish("POST reply", f"/forums/threads/{thread_id}/reply",
                      {"csrf_token": token, "body": body, "lang": "fr", "quote": "", "action": "publish"}, marker)

    # --- the live room -------------------------------------------------------------------

    @task(4)
    def chat(self):
        client_id = uuid.uuid4().hex
        _marker, body = self._text()
        if self.room.call("WS chat", "chat", {"body": body, "client_id": client_id}):
            ACKS.append({"kind": "chat", "user_id": self.user_id, "client_id": client_id})

    @task(1)
    def ask(self):
        client_id = uuid.uuid4().hex
        if self.room.call("WS ask", "ask", {"body": f"Comment faites-vous pour l'{random.choice(WORLD['words'])} ?",
                                            "client_id": client_id}):
            ACKS.append({"kind": "ask", "user_id": self.user_id, "client_id": client_id})

    @task(1)
    def vote(self):
        option_id = random.choice(WORLD["option_ids"])
        if self.room.call("WS vote poll", "vote_poll", {"poll_id": WORLD["poll_id"], "option_ids": [option_id]}):
            ACKS.append({"kind": "vote_poll", "user_id": self.user_id, "option_id": option_id})
        # Up-votes for the prepared questions, never one's own (the facilitator asked them).
        left = [q for q in WORLD["question_ids"] if q not in self.voted and self.user_id != WORLD["people"][0]["id"]]
        if left:
            question_id = random.choice(left)
            self.voted.add(question_id)
            if self.room.call("WS vote question", "vote_question", {"question_id": question_id}):
                ACKS.append({"kind": "vote_question", "user_id": self.user_id, "question_id": question_id})
