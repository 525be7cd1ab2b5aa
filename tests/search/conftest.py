"""Search fixtures: every test that uses the app runs on both backends, as a request would search.

`app` is the suite's test app with SEARCH_BACKEND set to each backend in turn: "whoosh", and
"postgres" when TEST_DATABASE_URL is PostgreSQL (otherwise skipped, or failed where CI requires the
services: SOCIALLAB_REQUIRE_SERVICES=1). The rest of the suite keeps the default backend.
"""
import pytest
from flask import g

import config
from sociallab import search
from tests.conftest import make_app, serving, skip_or_fail

BACKENDS = ("whoosh", "postgres")


def on_postgresql():
    return config.TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")


@pytest.fixture(params=BACKENDS)
def search_backend(request):
    if request.param == "postgres" and not on_postgresql():
        skip_or_fail("the PostgreSQL search backend is tested when TEST_DATABASE_URL names a PostgreSQL database")
    return request.param


@pytest.fixture
def app(tmp_path, search_backend):
    with serving(make_app(tmp_path, SEARCH_BACKEND=search_backend)) as app:
        yield app


def _fresh_request_caches():
    for key in list(vars(g)):
        g.pop(key)


@pytest.fixture
def find():
    """find(user, text, **filters) → SearchResults, with permission caches reset like a new request."""
    def run(user, text, page=1, **filters):
        _fresh_request_caches()
        # Facet filters are lists of values; the date range ("from", "to") is one value each.
        chosen = {k: v if k in ("from", "to") or isinstance(v, (list, tuple)) else [v] for k, v in filters.items()}
        return search.query(user, text, chosen, page)
    return run
