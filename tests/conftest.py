"""Shared fixtures: a fresh app and database per test, an `auth` helper, and role fixtures."""
import os
import re
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask.ctx import RequestContext
from flask.globals import _cv_app
from sqlalchemy import text

import config
from sociallab import create_app
from sociallab.extensions import db
from tests import factories

# CI sets this so tests needing PostgreSQL, Redis or Chromium fail instead of skipping.
REQUIRE_SERVICES = os.environ.get("SOCIALLAB_REQUIRE_SERVICES") == "1"
_SCHEMA_READY = {}


def skip_or_fail(reason):
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def _reset_database(app):
    """Fresh content for every test; on PostgreSQL the schema is built once per run."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        db.create_all()
        return
    if engine.url not in _SCHEMA_READY:
        db.drop_all()
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        _SCHEMA_READY[engine.url] = True
    # DELETE on small tables costs ~40 ms for the whole schema; TRUNCATE rewrites every table
    # (about 1 s per test here).
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table.name}"'))
        sequences = connection.execute(text(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'")).scalars()
        for sequence in list(sequences):
            connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


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


def make_app(tmp_path, **settings):
    """A test application with its own index and uploads under tmp_path, and `settings` on top."""
    settings = {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "UPLOAD_DIR": str(tmp_path / "uploads"),
                **settings}
    app = create_app(type("Config", (config.TestConfig,), settings))
    return own_request_globals(app)


@contextmanager
def serving(app):
    """The app's context with a fresh database (reset, never dropped), closed afterwards."""
    with app.app_context():
        _reset_database(app)
        try:
            yield app
        finally:
            db.session.remove()


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
    countries, organisations = seed_structure()
    w = factories.build_world(countries, organisations)
    db.session.commit()
    return w


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
