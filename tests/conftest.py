"""Shared fixtures: a fresh app and database per test, an `auth` helper, and role fixtures."""
import os
import re
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask import g
from flask.testing import FlaskClient
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


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share `g` with the test's own app context.

    In production every request has its own app context; here the test keeps one pushed so it
    can use the database, and Flask would reuse it (with the signed-in user cached in `g`).
    """

    def open(self, *args, **kwargs):
        for key in list(vars(g)):
            g.pop(key)
        try:
            return super().open(*args, **kwargs)
        finally:
            for key in list(vars(g)):
                g.pop(key)


def make_app(tmp_path, **settings):
    """A test application with its own index and uploads under tmp_path, and `settings` on top."""
    settings = {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "UPLOAD_DIR": str(tmp_path / "uploads"),
                **settings}
    app = create_app(type("Config", (config.TestConfig,), settings))
    app.test_client_class = IsolatedClient
    return app


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
