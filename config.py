"""Configuration read from the environment; nothing secret lives in the repository."""
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("SOCIALLAB_INSTANCE", BASE_DIR / "instance"))

# The domain packages, in the order create_app initialises them (each has an `init_app(app)`);
# the translation catalogues and the demo seeder follow the same list.
DOMAINS = ("accounts", "spaces", "admin", "notifications", "forums", "initiatives", "knowledge",
           "workshops", "search", "content", "safeguarding", "audit", "privacy", "backup", "ops")


# The demo accounts' password, written in README: a production server refuses to start while an
# account opens with it or with DEMO_PASSWORD (sociallab.demo.refuse_demo_passwords).
PUBLISHED_DEMO_PASSWORD = "sociallab-demo"  # noqa: S105  # nosec B105 — public on purpose, refused in production


def _secret_key():
    """Take SECRET_KEY from the environment, else (development only) generate one once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def complete(settings, development):
    """Fill in what development may leave out, and refuse to run a server that would sign sessions
    with a key of its own making or build links from whatever Host a request claims."""
    if not settings.get("SECRET_KEY"):
        if not (development or os.environ.get("SECRET_KEY")):
            raise RuntimeError("SECRET_KEY is not set. Set it in the environment (a long random string, the "
                               "same for every server process), or SOCIALLAB_ENV=development on a developer's machine.")
        settings["SECRET_KEY"] = _secret_key()
    settings["SITE_URL"] = settings.get("SITE_URL") or os.environ.get("SITE_URL")
    if not settings["SITE_URL"]:
        if not development:
            raise RuntimeError("SITE_URL is not set. Set it to the site's address, e.g. "
                               "https://sociallab.example.org: links in e-mails are built from it.")
        settings["SITE_URL"] = settings["DEVELOPMENT_SITE_URL"]
        # Not chosen by anyone: `flask sociallab serve` replaces it with the address it listens on.
        settings["SITE_URL_FROM_SERVER"] = True
    site = urlsplit(settings["SITE_URL"])
    if site.scheme not in ("http", "https") or not site.hostname or site.query or site.fragment:
        raise RuntimeError(f"SITE_URL must be a web address such as https://sociallab.example.org, "
                           f"not {settings['SITE_URL']!r}.")
    if not 0 <= settings["DIGEST_HOUR_UTC"] <= 23:
        raise RuntimeError("DIGEST_HOUR_UTC is an hour of the day in UTC, from 0 to 23.")
    if settings["REMEMBER_COOKIE_DURATION"] > timedelta(days=31):
        raise RuntimeError("REMEMBER_COOKIE_DAYS may be at most 31: a stolen device stays signed in that long.")


def is_test_database(url):
    """Whether a database URL names a database made for tests: SQLite in memory, or a database
    (or SQLite file) whose name says "test". The tests empty every table of the one they use."""
    path = urlsplit(url).path
    if url.startswith("sqlite") and path in ("", "/", "/:memory:"):
        return True
    return "test" in path.rsplit("/", 1)[-1].lower()


def test_database_url():
    """The tests' database: TEST_DATABASE_URL (SQLite in memory when unset), never DATABASE_URL,
    which may be a real platform's; a URL whose database is not named for tests is refused."""
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    if not is_test_database(url):
        raise RuntimeError(f"TEST_DATABASE_URL must name a database made for tests (its name containing "
                           f"'test'), not {urlsplit(url).path.rsplit('/', 1)[-1]!r}: the tests empty every table.")
    return url


def _translation_dirs():
    dirs = [str(BASE_DIR / "sociallab" / "translations")]
    dirs += [str(BASE_DIR / "sociallab" / d / "translations") for d in DOMAINS]
    return ";".join(dirs)


class Config:
    # Outside development and tests, the server refuses to start without SECRET_KEY and SITE_URL
    # (create_app). `make run` sets SOCIALLAB_ENV=development: a secret is then generated once into
    # instance/ and links point to DEVELOPMENT_SITE_URL.
    DEVELOPMENT = os.environ.get("SOCIALLAB_ENV") == "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'sociallab.db'}")
    # hide_parameters: a database error in the log names the statement, never the values (e-mails, text).
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True, "hide_parameters": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    SERVER_NAME = os.environ.get("SERVER_NAME")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PREFERRED_URL_SCHEME == "https"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = PREFERRED_URL_SCHEME == "https"
    # "Keep me signed in": at most a month (create_app refuses more), renewed each day it is used.
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_COOKIE_DAYS", "30")))
    # Sent on https pages: browsers then refuse plain http to this host for that long.
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))
    # How many reverse proxies (nginx: 1) stand in front of the app and set X-Forwarded-For and
    # X-Forwarded-Proto; 0 believes neither header.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("IDLE_TIMEOUT_MINUTES", "120")))

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(25 * 1024 * 1024)))
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Where uploaded files are kept (sociallab/knowledge/storage.py): "filesystem", under UPLOAD_DIR on
    # this server's disk, or "postgres", in the database every server shares.
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE_DIR / "index"))
    # What search runs on (sociallab/search): "whoosh", an index under SEARCH_INDEX_DIR on this server's
    # disk, or "postgres", tables in the PostgreSQL database every server shares (then `flask sociallab reindex`).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = _translation_dirs()
    LANGUAGES = ("fr", "en", "es")

    # Argon2id; the defaults of argon2-cffi follow RFC 9106's low-memory profile.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    # Explicit, because the shared Limiter keeps the last app's setting as its default.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Sign-in attempts, counted before the password is checked (accounts/signin_limits.py): per
    # address, and per account however many addresses try it. A locked account opens again
    # through the password-reset e-mail.
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "5 per minute")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute; 20 per hour")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Sociallab <no-reply@sociallab.example.org>")
    # The site's address (e.g. https://sociallab.example.org): every link in e-mails and calendar
    # files starts with it, never with the Host a request claims. Required outside development;
    # in development `flask sociallab serve --host H --port P` (and `make run HOST=… PORT=…`)
    # makes it http://H:P, and other commands use DEVELOPMENT_SITE_URL.
    SITE_URL = os.environ.get("SITE_URL")
    DEVELOPMENT_SITE_URL = "http://127.0.0.1:5000"

    # Scheduled jobs (sociallab/notifications/scheduler.py): the daily digest at DIGEST_HOUR_UTC
    # and the workshop reminders every REMINDER_EVERY_MINUTES. `flask sociallab serve` runs them
    # in its own process unless SCHEDULER=off; in production run `flask sociallab run-scheduled`
    # beside the web processes (or its --once from cron). However many run, a job runs in one
    # process at a time (a lock) and once per due time (table scheduled_run).
    SCHEDULER_IN_SERVE = os.environ.get("SCHEDULER", "on") != "off"
    DIGEST_HOUR_UTC = int(os.environ.get("DIGEST_HOUR_UTC", "7"))
    REMINDER_EVERY_MINUTES = int(os.environ.get("REMINDER_EVERY_MINUTES", "10"))
    SCHEDULER_TICK_SECONDS = 60
    # Where the file locks are when neither PostgreSQL nor Redis holds them (one machine).
    SCHEDULER_LOCK_DIR = os.environ.get("SCHEDULER_LOCK_DIR", str(INSTANCE_DIR))

    # Logs (sociallab/ops/logs.py): "json" writes one JSON object per line (request id, method, path,
    # status, duration, user id; never an e-mail address) and a line per request; "text" (the
    # default) leaves Python's and the server's own format. Either way each response carries an
    # X-Request-ID, and every record logged during a request holds it.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    INVITATION_TTL = timedelta(days=7)
    PASSWORD_RESET_TTL = timedelta(hours=2)
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", PUBLISHED_DEMO_PASSWORD)
    # Production runs gevent under gunicorn (gunicorn.conf.py sets it); `flask sociallab serve`
    # and the tests use threads. With REDIS_URL, processes share rooms through Redis.
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("REDIS_URL")
    # Socket.IO's messages go through Redis publish/subscribe, which ignores the database number:
    # two platforms on one Redis hear each other's rooms unless their channels differ.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "sociallab")
    WORKSHOP_CHAT_RATE = (20, 10)  # at most 20 chat messages per person in 10 seconds
    # Each server process records a heartbeat this often; one silent for three beats has died,
    # and another process (or its own restart) takes its people off the presence lists.
    WORKSHOP_HEARTBEAT_SECONDS = float(os.environ.get("WORKSHOP_HEARTBEAT_SECONDS", "30"))
    WORKSHOP_HEARTBEAT_TASK = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 — signs test sessions only; a server reads it from the environment
    SQLALCHEMY_DATABASE_URI = test_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}
    SITE_URL = "http://127.0.0.1:5000"
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    # A test app is thrown away after each test: its heartbeat runs only where a test starts it.
    WORKSHOP_HEARTBEAT_TASK = False
    # Likewise the scheduler: a test runs its jobs itself (tests/notifications/test_scheduler.py).
    SCHEDULER_IN_SERVE = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 64
    MAIL_SERVER = None
    SOCKETIO_MESSAGE_QUEUE = None
