"""Sign-in attempts are counted before the password is checked, per account and per address."""
import threading
import time
import uuid

import pytest
from limits.storage import storage_from_string

from sociallab.accounts import services, signin_limits
from sociallab.mail import outbox
from tests.conftest import csrf_token_from, skip_or_fail

REDIS_URL = "redis://127.0.0.1:6379/3"
ATTEMPTS = 24


@pytest.fixture(params=["memory", "redis"])
def limit_storage(request, monkeypatch):
    """Where the counters live: this process's memory (one server process) or Redis (several).

    In Redis each test counts under keys of its own: the tests of this file run on several workers
    at once (pytest-xdist does not keep an xdist_group together here), and emptying a shared
    database, or counting the same account in it, made one test's attempts another's."""
    if request.param == "redis":
        import redis
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.RedisError as error:
            skip_or_fail(f"Redis is not reachable at {REDIS_URL}: {error}")
        prefix = f"test-{uuid.uuid4().hex}"
        monkeypatch.setattr(signin_limits, "storage_from_string", lambda uri, **options: storage_from_string(
            uri, **({"key_prefix": prefix} if uri.startswith("redis") else {}), **options))
        return REDIS_URL
    return "memory://"


@pytest.fixture
def password_checks(monkeypatch):
    """Counts the password checks, each taking as long as a production Argon2 check does."""
    checks = []
    real_verify = services.verify_password

    def slow_verify(stored_hash, password):
        checks.append(password)
        time.sleep(0.05)
        return real_verify(stored_hash, password)

    monkeypatch.setattr(services, "verify_password", slow_verify)
    return checks


def counting_in(app, storage):
    """Count sign-ins in `storage`, in windows of an hour rather than a minute: the limits count in
    fixed windows, and a test's attempts straddling the turn of a minute would start again from
    zero halfway (the same numbers, so the same rules, are checked)."""
    app.config.update(RATELIMIT_STORAGE_URI=storage, LOGIN_LIMIT_PER_ADDRESS="5 per hour",
                      LOGIN_LIMIT_PER_ACCOUNT="5 per hour; 20 per day")


def _sign_in_form(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client, csrf_token_from(client.get("/login").get_data(as_text=True))


def _sign_in(client, token, email, password):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_wrong_passwords_sent_at_once_reach_the_password_check_at_most_five_times(
        shared_app, limit_storage, password_checks):
    app, world = shared_app
    counting_in(app, limit_storage)
    email = world.member.email
    forms = [_sign_in_form(app, "203.0.113.7") for _ in range(ATTEMPTS)]
    start, statuses = threading.Barrier(ATTEMPTS), []

    def attempt(client, token):
        with app.app_context():  # each thread, like each server worker, has its own
            start.wait()
            statuses.append(_sign_in(client, token, email, "not-the-password").status_code)

    threads = [threading.Thread(target=attempt, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(password_checks) <= 5, f"{len(password_checks)} of {ATTEMPTS} attempts reached the password check"
    assert sorted(set(statuses)) == [200, 429] and len(statuses) == ATTEMPTS


def test_a_stranger_locking_the_account_cannot_keep_the_owner_out(app, member, limit_storage):
    """Attempts from five addresses lock the account; the reset e-mail lets the owner in and lifts the lock."""
    counting_in(app, limit_storage)
    for n in range(5):
        _sign_in(*_sign_in_form(app, f"198.51.100.{n}"), member.email, "not-the-password")
    owner, token = _sign_in_form(app, "192.0.2.10")
    refused = _sign_in(owner, token, member.email, "sociallab-demo")
    assert refused.status_code == 429
    assert "mot de passe oublié" in refused.get_data(as_text=True).lower(), "the owner is told how to get in"

    page = owner.get("/password/forgot").get_data(as_text=True)
    owner.post("/password/forgot", data={"email": member.email, "csrf_token": csrf_token_from(page)})
    link = next(word for word in outbox()[-1].get_content().split() if "/password/reset/" in word)
    path = link[link.index("/password/reset/"):]
    page = owner.get(path).get_data(as_text=True)
    response = owner.post(path, data={"password": "a-brand-new-password", "confirm": "a-brand-new-password",
                                      "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert owner.get("/spaces").status_code == 200, "the reset link signs the owner in"

    elsewhere, token = _sign_in_form(app, "192.0.2.11")
    assert _sign_in(elsewhere, token, member.email, "a-brand-new-password").status_code == 302, \
        "the account's lock is lifted"


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(app, world, limit_storage):
    counting_in(app, limit_storage)
    for n in range(5):
        _sign_in(*_sign_in_form(app, "203.0.113.9"), f"nobody{n}@example.org", "not-the-password")
    assert _sign_in(*_sign_in_form(app, "203.0.113.9"), world.member.email, "sociallab-demo").status_code == 429
    assert _sign_in(*_sign_in_form(app, "192.0.2.20"), world.member.email, "sociallab-demo").status_code == 302


def test_successful_sign_ins_from_one_office_are_not_limited(app, world, limit_storage):
    """Colleagues behind one address all sign in at the start of the day."""
    counting_in(app, limit_storage)
    people = [world.member, world.member2, world.moderator, world.facilitator, world.admin, world.volunteer_in]
    for person in people:
        assert _sign_in(*_sign_in_form(app, "203.0.113.50"), person.email, "sociallab-demo").status_code == 302


def test_while_redis_is_down_people_sign_in_and_wrong_passwords_are_still_limited(app, world, caplog):
    """The counter store unreachable (Redis restarting): counted in this process meanwhile, said in the log."""
    counting_in(app, "redis://127.0.0.1:9/0")  # nothing listens on the discard port
    assert _sign_in(*_sign_in_form(app, "203.0.113.60"), world.member.email, "sociallab-demo").status_code == 302
    statuses = [_sign_in(*_sign_in_form(app, "203.0.113.61"), world.member2.email, "not-the-password").status_code
                for _ in range(8)]
    assert 429 in statuses and 500 not in statuses, statuses
    assert "counter store failed" in caplog.text
