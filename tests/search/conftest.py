"""Search fixtures: searching as a person the way a request would (fresh per-request caches)."""
import pytest
from flask import g

from sociallab import search


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
