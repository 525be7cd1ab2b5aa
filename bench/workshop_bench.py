"""Live-room benchmark: chat latency, loss and server CPU per delivery with K participants.

    .venv/bin/python bench/workshop_bench.py [--k 10,50,200] [--seconds 10] [--rate 20]

Starts the production server (gunicorn -c gunicorn.conf.py, gevent worker) on 127.0.0.1 over a
fresh SQLite database with the demo data, connects K signed-in participants to one workshop room
over WebSockets, and sends `rate` chat messages per second for `seconds` through the real `chat`
event (permission check, rate limit, storage, sequence number, broadcast). Right after each size,
the same messages are broadcast by a bare python-socketio server under the same gunicorn worker,
as a reference. The last line is

    RESULT k=200 p50_ms=… p95_ms=… ref_p95_ms=… lost=… server_cpu_us_per_delivery=…
        ref_cpu_us_per_delivery=… cpu_ratio=…   (one line)

where cpu_ratio is the server's CPU per delivery over the reference's, measured right after it in
the same run (the figure to compare across runs on a shared machine).
"""
import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NS = "/workshops"
SECRET = "bench-secret-key-not-for-production"


# --- the reference: a bare python-socketio server broadcasting what it receives -------------

def reference_app():
    """A WSGI app that only relays `chat` to everyone in one room (gunicorn factory)."""
    import socketio
    sio = socketio.Server(async_mode=os.environ.get("SOCKETIO_ASYNC_MODE", "gevent"), cors_allowed_origins=None)
    counter = {"seq": 0}

    @sio.on("connect", namespace=NS)
    def connect(sid, environ, auth=None):
        sio.enter_room(sid, "room", namespace=NS)

    @sio.on("chat", namespace=NS)
    def chat(sid, data):
        counter["seq"] += 1
        sio.emit("room_event", {"seq": counter["seq"], "kind": "chat.message", "data": {"body": data["body"]}},
                 to="room", namespace=NS)
        return {"ok": True, "seq": counter["seq"]}

    return socketio.WSGIApp(sio)


# --- setting up the database ----------------------------------------------------------------

def prepare(workdir, people):
    """Demo data, `people` bench participants of the Senegal space and one live workshop."""
    os.environ.update(SECRET_KEY=SECRET, DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
                      SOCIALLAB_INSTANCE=str(workdir), SEARCH_INDEX_DIR=str(workdir / "index"),
                      SITE_URL="http://127.0.0.1",
                      # gunicorn.conf.py serves SQLite only when told: one server, one database file here.
                      SOCIALLAB_SQLITE_UNDER_GUNICORN="1")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import config
    from sociallab import create_app
    from sociallab.accounts.models import User
    from sociallab.demo import seed_demo
    from sociallab.extensions import db
    from sociallab.spaces.models import Organisation, Space
    from sociallab.workshops.models import Workshop

    class BenchConfig(config.Config):
        SECRET_KEY = SECRET
        SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        RATELIMIT_STORAGE_URI = "memory://"
        SOCKETIO_MESSAGE_QUEUE = None

    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        seed_demo()
        space = db.session.scalar(db.select(Space).where(Space.slug == "country-sn"))
        organisation = db.session.scalar(db.select(Organisation).where(Organisation.country_id == space.country_id))
        facilitator = db.session.scalar(db.select(User).where(User.email == "facilitator@example.org"))
        users = [User(email=f"bench{i}@example.org", handle=f"bench{i}", name=f"Bench {i}", password_hash=None,
                      organisation_id=organisation.id, language="en", timezone="UTC") for i in range(people)]
        db.session.add_all(users)
        from datetime import timedelta

        from sociallab.i18n import utcnow
        workshop = Workshop(space_id=space.id, title="Benchmark", lang="en", starts_at=utcnow(),
                            ends_at=utcnow() + timedelta(hours=2), status=Workshop.LIVE, facilitators=[facilitator])
        db.session.add(workshop)
        # Nobody signs in with a password here (the cookies below are signed directly), and a
        # server outside development refuses a database whose accounts open with the demo's.
        db.session.execute(db.update(User).values(password_hash=None))
        db.session.commit()
        # The signed session cookie a person gets at sign-in (Flask-Login's user id and token).
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [serializer.dumps({"_user_id": u.get_id(), "_fresh": True}) for u in users]
        return workshop.id, cookies, app.config.get("SESSION_COOKIE_NAME", "session")


# --- servers --------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(target, port, workdir, mode):
    """gunicorn with our configuration; `threading` swaps in the threaded worker to compare."""
    env = dict(os.environ, SOCKETIO_ASYNC_MODE=mode, GUNICORN_BIND=f"127.0.0.1:{port}")
    extra = ["--worker-class", "gthread", "--threads", "1000"] if mode == "threading" else []
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), *extra, target]
    log = open(workdir / f"server-{port}.log", "w")  # noqa: SIM115 — the server writes to it until stopped
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling", timeout=1)
            return process
        except Exception:  # noqa: BLE001 — not listening yet
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server on port {port} did not start; see {log.name}")


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def cpu_seconds(master_pid):
    """User + system CPU of the gunicorn master and its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == master_pid or int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


# --- a lean Socket.IO client --------------------------------------------------------------
# 200 python-socketio clients in one process decode every frame fully and became the
# bottleneck (the reference server measured slower than ours); this client speaks the few
# Engine.IO v4 / Socket.IO v5 frames the benchmark needs and reads only the message number.

class LeanClient:
    def __init__(self, session, url, cookie, on_number):
        self.session, self.url, self.cookie, self.on_number = session, url, cookie, on_number
        self.acks, self.next_id, self.ws, self.reader = {}, 1, None, None

    async def connect(self, auth):
        import json
        ws_url = self.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = await self.session.ws_connect(ws_url, headers={"Cookie": self.cookie}, max_msg_size=0)
        opened = await self.ws.receive_str()
        assert opened.startswith("0"), opened
        await self.ws.send_str(f"40{NS},{json.dumps(auth)}")
        answer = await self.ws.receive_str()
        assert answer.startswith(f"40{NS},"), answer
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self):
        import json
        prefix_event, prefix_ack = f"42{NS},", f"43{NS},"
        async for message in self.ws:
            data = message.data
            self.last_frame = time.perf_counter()
            if data == "2":
                await self.ws.send_str("3")
            elif data.startswith(prefix_event):
                at = data.find('"bench ')
                if at >= 0:
                    self.on_number(int(data[at + 7:data.index('"', at + 7)]))
            elif data.startswith(prefix_ack):
                rest = data[len(prefix_ack):]
                bracket = rest.index("[")
                future = self.acks.pop(int(rest[:bracket]), None)
                if future is not None and not future.done():
                    future.set_result(json.loads(rest[bracket:])[0])

    async def call(self, event, data):
        import json
        ack_id, self.next_id = self.next_id, self.next_id + 1
        future = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = future
        await self.ws.send_str(f"42{NS},{ack_id}{json.dumps([event, data])}")
        return await asyncio.wait_for(future, 30)

    async def close(self):
        await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


async def measure(url, cookies, cookie_name, workshop_id, seconds, rate, master_pid, join=True):
    """Connect everyone, send `rate` messages a second for `seconds`, time every delivery."""
    import aiohttp
    sent_at, received, latencies, refused = {}, set(), [], []

    def receiver(index):
        def on_number(n):
            if (index, n) not in received:
                received.add((index, n))
                latencies.append(time.perf_counter() - sent_at[n])
        return on_number

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        clients = []

        async def open_client(index, cookie):
            client = LeanClient(session, url, f"{cookie_name}={cookie}", receiver(index))
            await client.connect({"workshop_id": workshop_id})
            if join:
                ack = await client.call("join", {"last_seq": 10 ** 9})
                assert ack["ok"], ack
            return client

        for start in range(0, len(cookies), 25):
            batch = cookies[start:start + 25]
            clients += await asyncio.gather(*(open_client(i, c) for i, c in enumerate(batch, start)))
        # Let the joins' presence broadcasts settle before measuring.
        await asyncio.sleep(0.5)
        while time.perf_counter() - max(getattr(c, "last_frame", 0) for c in clients) < 1.0:
            await asyncio.sleep(0.2)
        senders = clients[:min(len(clients), 20)]
        total = int(seconds * rate)

        async def send(n):
            sent_at[n] = time.perf_counter()
            ack = await senders[n % len(senders)].call("chat", {"body": f"bench {n}", "client_id": f"b-{n}"})
            if not ack.get("ok"):
                refused.append(ack)

        cpu_before = cpu_seconds(master_pid)
        start = time.perf_counter()
        tasks = []
        for n in range(total):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(send(n)))
        await asyncio.gather(*tasks)
        expected = total * len(clients)
        deadline = time.perf_counter() + 10
        while len(received) < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        cpu = cpu_seconds(master_pid) - cpu_before
        await asyncio.gather(*(c.close() for c in clients))
    await asyncio.sleep(0.5)
    delivered = len(received)
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000 if latencies else float("nan"),
        "lost": expected - delivered, "refused": len(refused),
        "cpu_us_per_delivery": cpu * 1e6 / delivered if delivered else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--k", default="10,50,200")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--mode", choices=("gevent", "threading"), default="gevent",
                        help="Socket.IO async mode (gevent is what gunicorn.conf.py runs)")
    args = parser.parse_args()
    ks = [int(k) for k in args.k.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    try:
        workshop_id, cookies, cookie_name = prepare(workdir, sum(ks))
        results = {}
        # Both servers run side by side and each size is measured on ours, then at once on the
        # reference: on a shared machine the load moves within a minute, and the ratio of the two
        # is the figure to compare across runs.
        port, ref_port = free_port(), free_port()
        server = start_server("wsgi:app", port, workdir, args.mode)
        try:
            reference = start_server("bench.workshop_bench:reference_app()", ref_port, workdir, args.mode)
            try:
                offset = 0
                for k in ks:
                    # Fresh participants each round, so the per-person chat limit starts from zero.
                    results[k] = asyncio.run(measure(f"http://127.0.0.1:{port}", cookies[offset:offset + k],
                                                     cookie_name, workshop_id, args.seconds, args.rate, server.pid))
                    offset += k
                    ref = asyncio.run(measure(f"http://127.0.0.1:{ref_port}", cookies[:k], cookie_name, workshop_id,
                                              args.seconds, args.rate, reference.pid, join=False))
                    results[k].update(ref_p95_ms=ref["p95_ms"], ref_cpu_us_per_delivery=ref["cpu_us_per_delivery"],
                                      ref_lost=ref["lost"],
                                      cpu_ratio=results[k]["cpu_us_per_delivery"] / ref["cpu_us_per_delivery"])
            finally:
                stop_server(reference)
        finally:
            stop_server(server)
        for k in ks:
            r = results[k]
            print(f"k={k} p50_ms={r['p50_ms']:.1f} p95_ms={r['p95_ms']:.1f} lost={r['lost']} refused={r['refused']} "
                  f"server_cpu_us_per_delivery={r['cpu_us_per_delivery']:.1f} | reference p95_ms={r['ref_p95_ms']:.1f} "
                  f"lost={r['ref_lost']} cpu_us_per_delivery={r['ref_cpu_us_per_delivery']:.1f} "
                  f"| cpu_ratio={r['cpu_ratio']:.2f}")
        k = max(ks)
        r = results[k]
        print(f"mode={args.mode} ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")
        print(f"RESULT k={k} p50_ms={r['p50_ms']:.1f} p95_ms={r['p95_ms']:.1f} ref_p95_ms={r['ref_p95_ms']:.1f} "
              f"lost={r['lost']} server_cpu_us_per_delivery={r['cpu_us_per_delivery']:.1f} "
              f"ref_cpu_us_per_delivery={r['ref_cpu_us_per_delivery']:.1f} cpu_ratio={r['cpu_ratio']:.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
