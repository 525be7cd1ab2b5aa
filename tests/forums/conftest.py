"""Forum fixtures: a category and a thread in the Senegal space."""
import pytest

from tests import factories


@pytest.fixture
def forum(world):
    """A "Pratiques" category in the Senegal space with one thread started by world.member."""
    return factories.forum(world)
