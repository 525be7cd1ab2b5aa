"""Fixtures for the account tests that send requests from several threads at once."""
import os

import pytest

from sociallab.demo import seed_structure
from sociallab.extensions import db
from tests import factories
from tests.conftest import make_app, serving


@pytest.fixture
def shared_app(tmp_path):
    """An application whose database each thread reaches through its own connection, as in production
    (the in-memory SQLite of the other tests shares one connection between threads)."""
    database = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'race_test.db'}"
    with serving(make_app(tmp_path, SQLALCHEMY_DATABASE_URI=database)) as app:
        world = factories.build_world(*seed_structure())
        db.session.commit()
        yield app, world


