"""Fixtures for the account tests that send requests from several threads at once."""
import os

import pytest

import config
from sociallab import create_app
from sociallab.demo import seed_structure
from sociallab.extensions import db
from tests import factories
from tests.conftest import IsolatedClient, _reset_database


@pytest.fixture
def shared_app(tmp_path):
    """An application whose database each thread reaches through its own connection, as in production
    (the in-memory SQLite of the other tests shares one connection between threads)."""
    class Shared(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'race.db'}"
        SEARCH_INDEX_DIR = str(tmp_path / "index")
        UPLOAD_DIR = str(tmp_path / "uploads")
    app = create_app(Shared)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_database(app)
        world = factories.build_world(*seed_structure())
        db.session.commit()
        yield app, world
        db.session.remove()


