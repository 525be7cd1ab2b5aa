"""Shared fixtures: a fresh app and database per test, an `auth` helper, and role fixtures."""
import os
import re
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask.ctx import RequestContext
from flask.globals import _cv_app
from jinja2 import BytecodeCache

import config
from sociallab import create_app
from sociallab.extensions import db
from tests import factories
from tests.database import reset_database, seeded_world

# CI sets this so tests needing PostgreSQL, Redis or Chromium fail instead of skipping.
REQUIRE_SERVICES = os.environ.get("SOCIALLAB_REQUIRE_SERVICES") == "1"


# Modules that must not run beside another test: time and memory budgets, and two servers with
# their own database and Redis. `make test` runs them after the others, one at a time.
ALONE = ("tests/security/test_regex_linear.py", "tests/knowledge/test_uploads_hostile.py",
         "tests/workshops/test_two_processes.py")
# Modules sharing something fixed outside the process, or one app and database for the whole module
# (each test starting where the one before left it), run on one worker, in their order.
GROUPS = {"tests/accounts/test_signin_limits.py": "redis-db-3",
          "tests/security/test_bad_input_http.py": "http-walk",
          "tests/security/test_bad_input_sockets.py": "socket-walk"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path in ALONE:
            item.add_marker(pytest.mark.alone)
        if path in GROUPS:
            item.add_marker(pytest.mark.xdist_group(GROUPS[path]))


def skip_or_fail(reason):
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


# The name other test modules import; tests/database.py tells how each test's database is made.
_reset_database = reset_database


class OwnGlobalsRequestContext(RequestContext):
    """A request context with a `g` of its own, as every request and socket event has in production.

    Flask (and Flask-SocketIO, for each socket event) reuses an app context already pushed for the
    same app instead of pushing a new one, and with it `g`, where the signed-in person and their
    roles are cached. The test keeps one pushed to use the database, so each request or event is
    given a new `g` while it runs, and the test a new one after it, since the request may have
    changed what the test had cached. The database session stays the test's: the test sees what a
    request wrote.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shared_app_contexts = []  # one entry per push: a context may be pushed again

    def push(self):
        outer = _cv_app.get(None)
        shared = outer if outer is not None and outer.app is self.app else None
        if shared is not None:
            shared.g = self.app.app_ctx_globals_class()
        self._shared_app_contexts.append(shared)
        super().push()

    def pop(self, *args, **kwargs):
        try:
            super().pop(*args, **kwargs)
        finally:
            shared = self._shared_app_contexts.pop()
            if shared is not None:
                shared.g = self.app.app_ctx_globals_class()


def own_request_globals(app):
    """Every request, test request and socket event of `app` gets its own `g` (see above)."""
    app.request_context = lambda environ: OwnGlobalsRequestContext(app, environ)
    return app


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per process and shared by every test app: each app has its own
    Jinja environment, which would compile every template again (a third of a short test's time).
    Jinja checks the source's checksum, so an edited template is compiled again."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        code = self.compiled.get(bucket.key)
        if code is not None and code[0] == bucket.checksum:
            bucket.code = code[1]

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = (bucket.checksum, bucket.code)


COMPILED_TEMPLATES = CompiledTemplates()


def make_app(tmp_path, **settings):
    """A test application with its own index and uploads under tmp_path, and `settings` on top."""
    settings = {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "UPLOAD_DIR": str(tmp_path / "uploads"),
                **settings}
    app = create_app(type("Config", (config.TestConfig,), settings))
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return own_request_globals(app)


@contextmanager
def serving(app):
    """The app's context with a fresh database (reset, never dropped), closed afterwards."""
    with app.app_context():
        reset_database(app)
        try:
            yield app
        finally:
            db.session.remove()
            # The app is thrown away: its connections are closed now rather than whenever it is
            # collected (on PostgreSQL, two workers' leftover pools reached max_connections).
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def app(tmp_path):
    with serving(make_app(tmp_path)) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html):
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Auth:
    """Signs in through the real form."""

    def __init__(self, client):
        self.client = client

    def login(self, email, password=config.Config.DEMO_PASSWORD, follow=False):
        page = self.client.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                                follow_redirects=follow)

    def logout(self):
        token = self.csrf()
        return self.client.post("/logout", data={"csrf_token": token})

    def csrf(self, url="/account/profile"):
        return csrf_token_from(self.client.get(url).get_data(as_text=True))


@pytest.fixture
def auth(client):
    return Auth(client)


def post_form(client, url, data, page=None):
    """POST a form with the CSRF token taken from the page that shows it (default: url)."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(html)})


@pytest.fixture
def world(app):
    """The Lab's structure (3 regions, 11 countries, 15 spaces, partners) and one person per role.

    Senegal is "our" country; Peru is another country in another region.
    """
    from sociallab.demo import seed_structure

    def build():
        world = factories.build_world(*seed_structure())
        db.session.commit()
        return world
    return seeded_world(build)


@pytest.fixture
def member(world):
    return world.member


@pytest.fixture
def moderator(world):
    return world.moderator


@pytest.fixture
def facilitator(world):
    return world.facilitator


@pytest.fixture
def admin(world):
    return world.admin


def as_namespace(**kwargs):
    return SimpleNamespace(**kwargs)
