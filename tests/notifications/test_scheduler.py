"""The scheduler: digests and workshop reminders leave on their own, once, however many schedulers run.

These tests use a database file (or TEST_DATABASE_URL's PostgreSQL), not SQLite in memory, so
that two schedulers in two threads have two connections, as two processes would.
"""
import os
import threading
from datetime import datetime, timedelta

import pytest

from sociallab import commands
from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.mail import outbox
from sociallab.notifications import scheduler
from sociallab.notifications import services as notification_services
from sociallab.notifications.models import Notification, ScheduledRun
from sociallab.notifications.services import notify
from sociallab.workshops import services as workshop_services
from tests.conftest import make_app, serving, skip_or_fail
from tests.factories.workshops import make_workshop

MORNING = datetime(2026, 12, 7, 7, 0, 30)  # just after the digest's hour (DIGEST_HOUR_UTC = 7)


@pytest.fixture
def app(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'scheduler-test.db'}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "SCHEDULER_LOCK_DIR": str(tmp_path / "locks"),
                "DIGEST_HOUR_UTC": 7, "REMINDER_EVERY_MINUTES": 10}
    with serving(make_app(tmp_path, **settings)) as app:
        yield app


def _readers(world, count=3, at=MORNING):
    """`count` people on the daily digest, each with one unread notification made 3 hours before `at`."""
    people = [world.member, world.member2, world.other_member][:count]
    for person in people:
        person.notify_email = User.NOTIFY_DAILY
        notify(person, "initiatives.approved", url="/initiatives/1", title="Projet X").created_at = \
            at - timedelta(hours=3)
    db.session.commit()
    return people


def _slow_mail(monkeypatch, seconds=0.05):
    """Each mail takes a moment, as an SMTP server does: two schedulers overlap while they send."""
    send = notification_services.send_mail

    def slow(*args, **kwargs):
        threading.Event().wait(seconds)
        return send(*args, **kwargs)
    monkeypatch.setattr(notification_services, "send_mail", slow)


def _at_once(app, count, now):
    """Run `count` schedulers in threads, released together; their results."""
    barrier, results, errors = threading.Barrier(count), [None] * count, []

    def run(index):
        with app.app_context():
            try:
                barrier.wait()
                results[index] = scheduler.run_due(now)
            except Exception as error:  # noqa: BLE001 — reported by the test, not lost in the thread
                errors.append(error)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def _mails_to(people):
    return sorted(message["To"] for message in outbox() if message["To"] in {p.email for p in people})


def test_two_schedulers_at_once_send_each_digest_once(app, world, monkeypatch):
    people = _readers(world)
    _slow_mail(monkeypatch)
    results = _at_once(app, 2, MORNING)
    assert sorted(result.get(scheduler.DIGESTS, -1) for result in results) == [-1, 3]  # one ran it
    assert _mails_to(people) == sorted(p.email for p in people)


def test_without_the_lock_the_claimed_run_still_sends_each_digest_once(app, world, monkeypatch):
    """Two schedulers whose locks do not see each other (two machines, each with its own files)."""
    people = _readers(world)
    _slow_mail(monkeypatch)
    unlocked = scheduler.contextlib.nullcontext(True)
    monkeypatch.setattr(scheduler, "job_lock", lambda name: unlocked)
    _at_once(app, 4, MORNING)
    assert _mails_to(people) == sorted(p.email for p in people)
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.emailed_at.is_(None))) == 0


def test_the_digest_runs_once_a_day_at_its_hour_and_a_missed_hour_is_caught_up(app, world):
    people = _readers(world, count=1)
    assert scheduler.run_due(MORNING)[scheduler.DIGESTS] == 1
    assert scheduler.DIGESTS not in scheduler.run_due(MORNING + timedelta(hours=5))  # ran today already
    notify(people[0], "initiatives.approved", url="/initiatives/2", title="Projet Y").created_at = \
        MORNING + timedelta(hours=6)
    db.session.commit()
    assert scheduler.DIGESTS not in scheduler.run_due(MORNING + timedelta(hours=23, minutes=50))  # before 07:00
    # The scheduler was stopped over the next morning's hour: it sends when it runs again.
    assert scheduler.run_due(MORNING + timedelta(days=1, hours=2))[scheduler.DIGESTS] == 1
    assert len(_mails_to(people)) == 2
    run = db.session.get(ScheduledRun, scheduler.DIGESTS)
    assert run.result == "1" and run.finished_at is not None


def test_a_scheduler_that_does_not_get_the_lock_leaves_the_job(app, world):
    _readers(world)
    with scheduler.job_lock(scheduler.DIGESTS) as held:
        assert held
        [result] = _at_once(app, 1, MORNING)
    assert scheduler.DIGESTS not in result and outbox() == []
    assert scheduler.run_due(MORNING)[scheduler.DIGESTS] == 3  # the lock is free again


def test_a_redis_lock_keeps_two_schedulers_apart(app):
    url = "redis://127.0.0.1:6379/5"
    try:
        import redis
        redis.Redis.from_url(url).ping()
    except Exception as error:  # noqa: BLE001 — not installed or not running
        skip_or_fail(f"Redis is not reachable at {url}: {error}")
    app.config["REDIS_URL"] = url
    if scheduler.lock_kind() != "redis":
        pytest.skip("PostgreSQL's advisory lock comes first")
    with scheduler.job_lock("test-job") as first, scheduler.job_lock("test-job") as second:
        assert (first, second) == (True, False)
    with scheduler.job_lock("test-job") as again:
        assert again


def test_workshop_reminders_leave_every_few_minutes(app, world):
    workshop = make_workshop(world, live=False, starts_at=MORNING + timedelta(hours=10),
                             ends_at=MORNING + timedelta(hours=11))
    workshop_services.register(workshop, world.member)
    assert scheduler.run_due(MORNING)[scheduler.REMINDERS] == 1
    assert scheduler.REMINDERS not in scheduler.run_due(MORNING + timedelta(minutes=5))
    assert scheduler.run_due(MORNING + timedelta(minutes=10))[scheduler.REMINDERS] == 0  # each reminded once
    kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == world.member.id)).all()
    assert kinds == ["workshop.reminder"]


def test_run_scheduled_once_runs_what_is_due_and_shows_the_status(app, world):
    _readers(world, count=1, at=utcnow())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sociallab", "run-scheduled", "--once"])
    assert result.exit_code == 0 and "digests: 1 sent." in result.output
    assert "Nothing due." in runner.invoke(args=["sociallab", "run-scheduled", "--once"]).output
    status = runner.invoke(args=["sociallab", "run-scheduled", "--status"]).output
    assert "digests daily at 07:00 UTC" in status and "result 1" in status


def test_tests_do_not_start_a_scheduler(app):
    assert app.config["SCHEDULER_IN_SERVE"] is False
    assert "sociallab_scheduler" not in app.extensions


def _serve(app, monkeypatch, *args):
    """The serve command's console output, without serving."""
    started = []
    monkeypatch.setattr(commands.socketio, "run", lambda *a, **k: None)
    monkeypatch.setattr(commands.scheduler, "start", lambda app, echo=None: started.append(app))
    result = app.test_cli_runner().invoke(args=["sociallab", "serve", *args])
    assert result.exit_code == 0, result.output
    return result.output, started


def test_serve_says_what_runs_and_where_and_links_follow_its_address(app, monkeypatch):
    app.config.update(SITE_URL_FROM_SERVER=True, SCHEDULER_IN_SERVE=True)
    output, started = _serve(app, monkeypatch, "--host", "0.0.0.0", "--port", "8123")  # noqa: S104
    assert app.config["SITE_URL"] == "http://127.0.0.1:8123"
    assert "Sociallab is running at http://127.0.0.1:8123" in output
    assert "Links in e-mails: http://127.0.0.1:8123" in output
    assert "Database:" in output and ("scheduler-test" in output or "postgresql" in output)
    assert "E-mail:           not sent: printed below" in output
    assert "Scheduler:        on in this process (digests daily at 07:00 UTC" in output
    assert "Werkzeug's development server, for one machine" in output
    assert started == [app]


def test_serve_keeps_a_chosen_site_address_and_can_leave_the_jobs_to_a_worker(app, monkeypatch):
    app.config.update(SITE_URL="https://sociallab.example.org", MAIL_SERVER="smtp.example.org")
    output, started = _serve(app, monkeypatch, "--port", "8124")
    assert app.config["SITE_URL"] == "https://sociallab.example.org"
    assert "Links in e-mails: https://sociallab.example.org" in output
    assert "sent through SMTP smtp.example.org:587" in output
    assert "Scheduler:        off" in output and started == []


def test_werkzeug_says_its_banner_no_more():
    commands.quiet_werkzeug_banner()
    logger = commands.logging.getLogger("werkzeug")
    said = [logger.makeRecord("werkzeug", 30, __file__, 1, message, (), None) for message in (
        "WARNING: This is a development server. Do not use it in a production deployment.",
        "Werkzeug appears to be used in a production deployment. Consider switching",
        '127.0.0.1 - - "GET / HTTP/1.1" 200 -')]
    assert [logger.filter(record) for record in said] == [False, False, True]
