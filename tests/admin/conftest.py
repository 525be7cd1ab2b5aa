"""Fixtures for the administration tests: a signed-in administrator."""
import pytest

from tests.conftest import Auth


@pytest.fixture
def admin_client(app, world):
    client = app.test_client()
    Auth(client).login(world.admin.email)
    return client
