"""Crash: the server is killed (SIGKILL, master and worker at once) while people write, 20 times,
and restarted each time; then nothing acknowledged may be lost and nothing may be left broken.

    .venv/bin/python proof/crash.py [--cycles 20] [--backend sqlite|postgres|both] [--writers 4]
                                    [--shape one-server|shared]

SQLite runs as one server does: files under UPLOAD_DIR, the Whoosh index on disk. PostgreSQL runs
as README "Several servers" sets it: files and search in the database (--shape one-server runs it
with files and index on disk instead).

Each cycle starts the server (gunicorn -c gunicorn.conf.py; on SQLite `flask sociallab serve`, as one
server on SQLite runs) over the same database,
lets `writers` people post replies, start threads and add resources with a file (about 300 KB) for
a random 2 to 4 s, then kills it. The driver records every write the server acknowledged (a 302
to the new post's or resource's address). After the last kill the server is started once more
(whatever its start repairs, it repairs then) and stopped, and the run checks:
- SQLite: PRAGMA integrity_check says ok after every kill, and PRAGMA foreign_key_check is empty;
  PostgreSQL (and SQLite too): no row names a missing row, foreign key by foreign key;
- every acknowledged post and resource is in the database and in the search index;
- `flask sociallab check-index` finds no difference between the index and the database;
- no uploaded file is half-written (its size differs from its row's), orphaned (no row names it),
  missing, or left as a temporary file under UPLOAD_DIR.
The last line per backend is

    RESULT crash backend=… cycles=20 survived=20 acknowledged=… found=… indexed=… integrity=ok broken_fk=0
        check_index=… orphan_files=… half_written=… leftover_files=… missing_files=…
"""
import argparse
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world  # the proof's own helpers, beside this file

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POST_ID = re.compile(r"#post-(\d+)$")
RESOURCE_ID = re.compile(r"/resources/(\d+)$")


def pdf_bytes(marker, size=300_000):
    """A small valid PDF saying `marker`, padded with comment lines to about `size` bytes, so that
    its copy to the disk takes a while."""
    text = f"BT /F1 12 Tf 72 720 Td ({marker}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    padding = b"%" + b"x" * 98 + b"\n"
    out += padding * max(0, size // len(padding))
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Writer(threading.Thread):
    """One person writing until the server goes away (or `stop` is set)."""

    def __init__(self, url, person, world_data, acks, stop, lock, statuses):
        super().__init__(daemon=True)
        self.url, self.world, self.acks, self.stop, self.lock = url, world_data, acks, stop, lock
        self.session = requests.Session()
        self.session.cookies.set(world_data["cookie_name"], person["cookie"], domain="127.0.0.1", path="/")
        self.sent, self.statuses = 0, statuses

    def run(self):
        try:
            while not self.stop.is_set():
                random.choice([self.reply, self.reply, self.thread, self.upload])()
        except (requests.ConnectionError, requests.Timeout):
            pass  # the server was killed: the write in flight was never acknowledged

    def _token(self, path):
        page = self.session.get(self.url + path, timeout=30)
        found = CSRF.search(page.text)
        return found.group(1) if found else None

    def _ack(self, answer, pattern, ack):
        found = pattern.search(answer.headers.get("Location", "")) if answer.status_code == 302 else None
        key = f"{ack['kind']} {answer.status_code}"
        with self.lock:
            self.statuses[key] = self.statuses.get(key, 0) + 1
        if found:
            with self.lock:
                self.acks.append({**ack, "id": int(found.group(1))})

    def reply(self):
        thread_id = random.choice(self.world["thread_ids"])
        token = self._token(f"/forums/threads/{thread_id}")
        marker = world.marker("crash")
        self.sent += 1
        answer = self.session.post(f"{self.url}/forums/threads/{thread_id}/reply", allow_redirects=False, timeout=30,
                                   data={"csrf_token": token, "body": f"Réponse ({marker})", "lang": "fr",
                                         "quote": "", "action": "publish"})
        self._ack(answer, POST_ID, {"kind": "post", "marker": marker})

    def thread(self):
        path = f"/forums/categories/{self.world['category_id']}/new"
        token = self._token(path)
        marker = world.marker("crash")
        self.sent += 1
        answer = self.session.post(self.url + path, allow_redirects=False, timeout=30,
                                   data={"csrf_token": token, "title": f"Sujet {marker}", "body": f"Début ({marker})",
                                         "lang": "fr", "action": "publish"})
        self._ack(answer, POST_ID, {"kind": "post", "marker": marker})

    def upload(self):
        path = f"/spaces/{self.world['space']}/library/new"
        token = self._token(path)
        marker = world.marker("crash")
        self.sent += 1
        answer = self.session.post(
            self.url + path, allow_redirects=False, timeout=60,
            data={"csrf_token": token, "type": "guide", "title": f"Guide {marker}", "summary": "Un guide.",
                  "body": "", "lang": "fr", "status": "published"},
            files={"file": (f"{marker}.pdf", pdf_bytes(marker), "application/pdf")})
        self._ack(answer, RESOURCE_ID, {"kind": "upload", "marker": marker})


def found_acks(acks):
    """world.found_writes' shape for posts (by id) and resources."""
    return world.found_writes([{"kind": a["kind"], "marker": a["marker"],
                                ("post_id" if a["kind"] == "post" else "resource_id"): a["id"]} for a in acks])


def run(backend, cycles, writers, shape):
    workdir = world.fresh_workdir(f"crash-{backend}")
    redis = world.RedisServer(workdir).start()
    server = None
    try:
        env = world.configure(workdir, backend=backend, redis_url=redis.url, shape=shape)
        if backend == "postgres":
            world.recreate_postgres()
        world.log(f"crash on {backend} ({shape}: {world.SHAPES[shape]}): preparing {workdir}")
        data = world.prepare(workdir, people=max(writers, 4), demo=False)
        server = world.Server(env, workdir)
        acks, lock, integrity, survived, sent, statuses = [], threading.Lock(), [], 0, 0, {}
        for cycle in range(1, cycles + 1):
            server.start()
            stop = threading.Event()
            team = [Writer(server.url, data["people"][i], data, acks, stop, lock, statuses) for i in range(writers)]
            for writer in team:
                writer.start()
            time.sleep(random.uniform(2.0, 4.0))
            server.kill()
            stop.set()
            for writer in team:
                writer.join(timeout=60)
            sent += sum(w.sent for w in team)
            if backend == "sqlite":
                result, foreign = world.sqlite_integrity(workdir / "proof.db")
                integrity.append(result == ["ok"] and not foreign)
                if not integrity[-1]:
                    world.log(f"cycle {cycle}: integrity_check {result[:3]} foreign_key_check {foreign[:3]}")
            survived += 1
            world.log(f"cycle {cycle}: killed; {len(acks)} writes acknowledged so far")
        # Started once more after the last kill (whatever a start repairs, it repairs now), then stopped.
        server.start()
        server.stop()
        check_index = subprocess.run([str(world.BIN / "flask"), "--app", "wsgi", "sociallab", "check-index"],
                                     cwd=world.ROOT, env=server.env, capture_output=True, text=True, timeout=300)
        app = world.make_app()
        with app.app_context():
            tally, missing = found_acks(acks)
            differences = world.index_differences()
            broken = world.broken_references()
            orphans, lost_files, wrong_size, leftovers = world.stored_files(env["UPLOAD_DIR"])
    finally:
        if server is not None:
            server.kill()
        redis.stop()

    acknowledged = sum(a for a, _d, _i in tally.values())
    found = sum(d for _a, d, _i in tally.values())
    indexed = sum(i for _a, _d, i in tally.values())
    for kind, (a, d, i) in sorted(tally.items()):
        print(f"  {kind}: acknowledged {a}, in the database {d}, in the index {i}")
    print(f"  answers to writes (kind status: count): {dict(sorted(statuses.items()))}")
    if missing:
        print(f"  missing (first 10): {missing[:10]}")
    print("  flask sociallab check-index: " + " | ".join(check_index.stdout.strip().splitlines()[:8]))
    for label, ids in differences.items():
        if ids:
            print(f"  index {label}: {len(ids)} e.g. {ids[:5]}")
    for label, names in (("orphan files (no row)", orphans), ("files whose size differs from their row", wrong_size),
                         ("rows whose file is missing", lost_files), ("other files left", leftovers)):
        if names:
            print(f"  {label}: {len(names)} e.g. {names[:3]}")
    if broken:
        print(f"  broken references: {broken}")
    integrity_ok = all(integrity) if backend == "sqlite" else not broken
    index_diff = sum(len(v) for v in differences.values())
    ok = (survived == cycles and not missing and integrity_ok and not broken and index_diff == 0
          and check_index.returncode == 0 and not (orphans or lost_files or wrong_size or leftovers) and acknowledged)
    print(f"RESULT crash backend={backend} shape={shape} cycles={cycles} survived={survived} writes_sent={sent} "
          f"acknowledged={acknowledged} found={found} indexed={indexed} "
          f"integrity={'ok' if integrity_ok else 'FAILED'} broken_fk={sum(broken.values())} "
          f"check_index={'ok' if check_index.returncode == 0 else 'differs'} index_diff={index_diff} "
          f"orphan_files={len(orphans)} half_written={len(wrong_size)} missing_files={len(lost_files)} "
          f"leftover_files={len(leftovers)} {'OK' if ok else 'FAILED'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both",
                        help="both: SQLite with files and index on disk, then PostgreSQL with both in it")
    parser.add_argument("--shape", choices=tuple(world.SHAPES), default=None,
                        help="files and index on one server's disk, or in PostgreSQL (default: by backend)")
    args = parser.parse_args()
    if args.backend == "both":
        # One process per backend: the configuration is read once, when the application is imported.
        codes = [subprocess.run([sys.executable, __file__, "--backend", backend, "--cycles", str(args.cycles),
                                 "--writers", str(args.writers)], check=False).returncode
                 for backend in ("sqlite", "postgres")]
        sys.exit(max(codes))
    shape = args.shape or ("shared" if args.backend == "postgres" else "one-server")
    sys.exit(0 if run(args.backend, args.cycles, args.writers, shape) else 1)


if __name__ == "__main__":
    main()
