"""Knowledge fixtures: small upload limits so size checks are quick to exercise."""
import pytest

from tests.search.conftest import find  # noqa: F401  (search as a person, shared)


@pytest.fixture
def small_uploads(app):
    app.config["UPLOAD_MAX_BYTES"] = 50_000
    return app
