"""Load: 30 signed-in people posting, replying, voting, searching and chatting in a live room for
120 s against the production shape, then every acknowledged write looked for.

    .venv/bin/python proof/load.py [--users 30] [--spawn-rate 10] [--seconds 120] [--backend postgres]

The production shape on 127.0.0.1: gunicorn -c gunicorn.conf.py (one gevent worker) over
PostgreSQL (the database PROOF_DATABASE, default test_proof, dropped and made again) and a
redis-server of its own (rate limits and Socket.IO's message queue), with search and files in
PostgreSQL as README "Several servers" sets them (--shape one-server: Whoosh and UPLOAD_DIR).
People are signed in by their session cookie, signed as sign-in makes it (30 sign-ins from one
address would rightly meet the sign-in limits). Locust runs headless with
proof/locustfile.py. Afterwards, with the server stopped: every post answered 302 with its address
is in the database and in the search index, every acknowledged room event (chat message, question,
up-vote, poll vote) is in the database, `check-index` finds no difference, no foreign key is
broken, and no response was a 5xx. The last lines are

    RESULT load users=30 seconds=120 requests=… 5xx=0 acknowledged=… found=… indexed=… index_diff=0 …
    RESULT pages all p50_ms=… p95_ms=… requests=…
    RESULT room event=… p50_ms=… p95_ms=…       (the time to each room event's answer)
    RESULT page kind=… p50_ms=… p95_ms=… requests=…

Exit status 0 when everything holds.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world  # the proof's own helpers, beside this file


def run(args):
    workdir = world.fresh_workdir("load")
    redis = world.RedisServer(workdir).start()
    server = None
    try:
        env = world.configure(workdir, backend=args.backend, redis_url=redis.url, shape=args.shape)
        if args.backend == "postgres":
            world.recreate_postgres()
        world.log(f"preparing the world in {workdir}")
        world.prepare(workdir, people=max(args.users, 2))
        server = world.Server(env, workdir).start()
        world.log(f"server up at {server.url}; locust: {args.users} users for {args.seconds} s")
        acks_path = workdir / "acks.json"
        load_env = dict(os.environ, PROOF_WORLD=str(workdir / "world.json"), PROOF_ACKS=str(acks_path))
        started = time.time()
        locust = subprocess.run(
            [str(world.BIN / "locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s", "--host", server.url,
             "--stop-timeout", "15", "--only-summary", "--loglevel", "WARNING"],
            env=load_env, cwd=world.ROOT, capture_output=True, text=True, timeout=args.seconds + 240)
        elapsed = time.time() - started
        (workdir / "locust.out").write_text(locust.stdout + locust.stderr)
        load_average = Path("/proc/loadavg").read_text().split()[:3]
        server.stop()
        server = None
        if not acks_path.exists():
            print(locust.stdout[-3000:], locust.stderr[-3000:])
            raise SystemExit("locust wrote no acknowledgements: see above")
        outcome = json.loads(acks_path.read_text())
        app = world.make_app()
        with app.app_context():
            tally, missing = world.found_writes(outcome["acks"])
            differences = world.index_differences()
            broken = world.broken_references()
    finally:
        if server is not None:
            server.kill()
        redis.stop()

    statuses = outcome["statuses"]
    total_requests = sum(statuses.values())
    errors_5xx = sum(n for code, n in statuses.items() if code.startswith("5"))
    no_answer = statuses.get("0", 0)
    acknowledged = sum(a for a, _d, _i in tally.values())
    found = sum(d for _a, d, _i in tally.values())
    indexable = {k: v for k, v in tally.items() if k in ("post", "upload")}
    indexed = sum(i for _a, _d, i in indexable.values())
    index_diff = sum(len(v) for v in differences.values())
    for kind, (a, d, i) in sorted(tally.items()):
        note = f" in the index {i}" if kind in indexable else ""
        print(f"  {kind}: acknowledged {a}, in the database {d}{note}")
    print(f"  statuses: {dict(sorted(statuses.items()))}; room errors (first): {outcome['room_errors'][:5]}")
    for refusal in outcome["refused"][:3]:
        print(f"  refused write: {refusal['status']} {refusal['url']} {refusal['body']!r} … {refusal['page'][-300:]}")
    seeded = json.loads((workdir / "world.json").read_text())
    for stage in ("after_seed_demo", "after_setup"):
        found_then = {k: v for k, v in seeded[f"index_differences_{stage}"].items() if v}
        if found_then:
            print(f"  check-index {stage.replace('_', ' ')} (before the load; rebuilt then): {found_then}")
    if missing:
        print(f"  missing (first 10): {missing[:10]}")
    for label, ids in differences.items():
        if ids:
            print(f"  check-index {label}: {len(ids)} e.g. {ids[:5]}")
    if broken:
        print(f"  broken references: {broken}")
    ok = (not missing and errors_5xx == 0 and no_answer == 0 and index_diff == 0 and not broken
          and acknowledged > 0)
    print(f"RESULT load shape={args.shape} users={args.users} seconds={args.seconds} elapsed_s={elapsed:.0f} "
          f"requests={total_requests} "
          f"5xx={errors_5xx} no_answer={no_answer} acknowledged={acknowledged} found={found} "
          f"posts_acknowledged={indexable.get('post', (0, 0, 0))[0]} posts_indexed={indexed} "
          f"index_diff={index_diff} broken_fk={sum(broken.values())} loadavg={'/'.join(load_average)} "
          f"{'OK' if ok else 'FAILED'}")
    times = outcome["page_times"]
    everything = [t for samples in times.values() for t in samples]
    print(f"RESULT pages all p50_ms={world.percent(everything, 0.5):.0f} p95_ms={world.percent(everything, 0.95):.0f} "
          f"requests={len(everything)}")
    for name, samples in sorted(outcome["room_times"].items()):
        print(f"RESULT room event={name.replace(' ', '_')} p50_ms={world.percent(samples, 0.5):.0f} "
              f"p95_ms={world.percent(samples, 0.95):.0f} answered_or_not={len(samples)}")
    for name, samples in sorted(times.items()):
        print(f"RESULT page kind={name.replace(' ', '_')} p50_ms={world.percent(samples, 0.5):.0f} "
              f"p95_ms={world.percent(samples, 0.95):.0f} requests={len(samples)}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--shape", choices=tuple(world.SHAPES), default="shared",
                        help="search (and files) in PostgreSQL as on several servers, or on this server's disk")
    sys.exit(0 if run(parser.parse_args()) else 1)


if __name__ == "__main__":
    main()
