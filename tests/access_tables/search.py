"""Access rows for the search page: every signed-in person searches (results are filtered)."""
from tests.access_tables import Row, signed_in_only

ROWS = [
    Row("search.search", lambda w: "/search?q=guide", signed_in_only()),
]
