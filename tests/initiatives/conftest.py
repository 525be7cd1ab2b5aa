"""Fixtures for initiatives: a factory that builds initiatives through the services."""
import pytest

from tests.factories import make_initiative


@pytest.fixture
def initiative_factory(world):
    return lambda **kwargs: make_initiative(world, **kwargs)
