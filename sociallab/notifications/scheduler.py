"""Jobs that run on their own: the daily e-mail digest and the workshop reminders.

Who runs them:
- on one machine, `flask sociallab serve` (`make run`) runs them in a background task of its own
  process (SCHEDULER_IN_SERVE, on unless SCHEDULER=off);
- in production, `flask sociallab run-scheduled` beside the web processes (a worker that checks
  every minute), or `flask sociallab run-scheduled --once` from cron.

However many schedulers run, each job runs in one of them at a time and once per due time:
1. a lock is taken for the job, without waiting (a PostgreSQL advisory lock on PostgreSQL, else
   a Redis lock with REDIS_URL, else a file lock in SCHEDULER_LOCK_DIR); a scheduler that does
   not get it leaves the job to the one that has it;
2. the run is claimed in the table scheduled_run: one UPDATE moves `started_at` past the job's
   latest due time, and a scheduler that changes no row does not run it (another did, or a
   restarted one already had).
Then the digest claims each notification before mailing it (notifications.services.send_digests),
so even a job run twice would not mail an item twice.

A scheduler that was not running at a due time runs the job when it starts (the digest the
morning it missed; nothing older than a week is mailed).
"""
import contextlib
import logging
import os
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sociallab.background import run_every
from sociallab.extensions import db, socketio
from sociallab.i18n import utcnow
from sociallab.notifications.models import ScheduledRun
from sociallab.notifications.services import send_digests
from sociallab.workshops.services import send_reminders

log = logging.getLogger(__name__)

DIGESTS = "digests"
REMINDERS = "workshop-reminders"


@dataclass(frozen=True)
class Job:
    """A job: `run(now)` returns how many things it sent; due daily at an hour (UTC) or every period."""
    name: str
    run: object
    daily_at: int | None = None
    every: timedelta | None = None

    def due_since(self, now):
        """The latest time at or before `now` the job was due."""
        if self.daily_at is not None:
            today = now.replace(hour=self.daily_at, minute=0, second=0, microsecond=0)
            return today if today <= now else today - timedelta(days=1)
        step = int(self.every.total_seconds())
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = int((now - midnight).total_seconds())
        return midnight + timedelta(seconds=elapsed - elapsed % step)

    def describe(self):
        if self.daily_at is not None:
            return f"{self.name} daily at {self.daily_at:02d}:00 UTC"
        return f"{self.name} every {int(self.every.total_seconds() // 60)} min"


def jobs(app=None):
    """The scheduled jobs, as configured. A domain with a job of its own adds it here."""
    config = (app or current_app).config
    return (Job(DIGESTS, send_digests, daily_at=config["DIGEST_HOUR_UTC"]),
            Job(REMINDERS, send_reminders, every=timedelta(minutes=max(1, config["REMINDER_EVERY_MINUTES"]))))


def describe(app=None):
    return ", ".join(job.describe() for job in jobs(app))


# --- locks ----------------------------------------------------------------------------------


def lock_kind(app=None):
    """Which lock keeps two schedulers apart: "postgresql", "redis" or "file"."""
    app = app or current_app
    if db.engine.dialect.name == "postgresql":
        return "postgresql"
    if app.config.get("REDIS_URL"):
        return "redis"
    return "file"


@contextlib.contextmanager
def job_lock(name):
    """Hold the lock of job `name` while the block runs; yields False (and holds nothing) when
    another scheduler holds it. Never waits."""
    kind = lock_kind()
    if kind == "postgresql":
        with _advisory_lock(name) as held:
            yield held
    elif kind == "redis":
        with _redis_lock(name) as held:
            yield held
    else:
        with _file_lock(name) as held:
            yield held


@contextlib.contextmanager
def _advisory_lock(name):
    # A session-level lock on a connection of its own, released explicitly before the connection
    # goes back to the pool; the job's own transactions run on the session's connection.
    key = zlib.crc32(f"sociallab.scheduler.{name}".encode())
    with db.engine.connect() as connection:
        held = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield bool(held)
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()


@contextlib.contextmanager
def _redis_lock(name):
    import redis  # only with REDIS_URL

    client = redis.Redis.from_url(current_app.config["REDIS_URL"])
    # Expires by itself if the process dies while holding it.
    lock = client.lock(f"sociallab:scheduler:{name}", timeout=3600, blocking=False)
    held = lock.acquire(blocking=False)
    try:
        yield bool(held)
    finally:
        if held:
            with contextlib.suppress(redis.exceptions.LockError):
                lock.release()


@contextlib.contextmanager
def _file_lock(name):
    import fcntl  # one machine: its processes share the instance folder

    directory = Path(current_app.config["SCHEDULER_LOCK_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(directory / f"scheduler-{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


# --- running --------------------------------------------------------------------------------


def claim(job, now):
    """Claim the run of `job` for its latest due time; True when this scheduler is to run it."""
    due = job.due_since(now)
    try:
        if db.session.get(ScheduledRun, job.name) is None:
            db.session.add(ScheduledRun(name=job.name, started_at=now, result=""))
            db.session.commit()
            return True
        claimed = db.session.execute(
            db.update(ScheduledRun).where(ScheduledRun.name == job.name,
                                          db.or_(ScheduledRun.started_at.is_(None), ScheduledRun.started_at < due))
            .values(started_at=now, finished_at=None).execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        return bool(claimed)
    except IntegrityError:  # another scheduler made the row first: the run is theirs
        db.session.rollback()
        return False


def _finish(job, result):
    db.session.execute(db.update(ScheduledRun).where(ScheduledRun.name == job.name)
                       .values(finished_at=utcnow(), result=str(result)[:200])
                       .execution_options(synchronize_session=False))
    db.session.commit()


def run_due(now=None):
    """Run every job that is due and that no other scheduler runs or has run for that due time.

    Returns {job name: what it returned} for the jobs run here. `now` (naive UTC) is for tests.
    """
    ran = {}
    for job in jobs():
        moment = now or utcnow()
        with job_lock(job.name) as held:
            if not held or not claim(job, moment):
                continue
            try:
                ran[job.name] = job.run(now)
            except Exception:
                # One failing job (a mail server outage) must not stop the others, nor the scheduler.
                db.session.rollback()
                log.exception("scheduled job %s failed", job.name)
                _finish(job, "failed")
                continue
            _finish(job, ran[job.name])
    return ran


def status():
    """Each job's last run: [(job, started_at, finished_at, result)]."""
    runs = {run.name: run for run in db.session.scalars(db.select(ScheduledRun))}
    return [(job, getattr(runs.get(job.name), "started_at", None), getattr(runs.get(job.name), "finished_at", None),
             getattr(runs.get(job.name), "result", "")) for job in jobs()]


def run_forever(app, state, echo=None):
    """Run what is due every SCHEDULER_TICK_SECONDS until state["running"] is False.

    `echo(line)` is told what ran (the serve command prints it)."""
    def tick():
        for name, result in run_due().items():
            state["runs"] = state.get("runs", 0) + 1
            if echo is not None and result:
                echo(f"Scheduled job {name}: {result} sent.")
    run_every(app, state, "SCHEDULER_TICK_SECONDS", tick, "scheduler tick")


def start(app, echo=None):
    """Start the scheduler in this process's background (threading or gevent, as Socket.IO runs),
    once per application. Returns its state; stop(app) ends it after the current tick."""
    if "sociallab_scheduler" in app.extensions:
        return app.extensions["sociallab_scheduler"]
    state = app.extensions["sociallab_scheduler"] = {"running": True, "runs": 0}
    socketio.start_background_task(run_forever, app, state, echo)
    return state


def stop(app):
    state = app.extensions.pop("sociallab_scheduler", None)
    if state is not None:
        state["running"] = False
