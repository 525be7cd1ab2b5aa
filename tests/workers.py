"""A pytest plugin (pytest.ini loads it): each pytest-xdist worker gets a PostgreSQL database of its own.

It runs before the test modules and config.py are imported, so every place that reads TEST_DATABASE_URL
(the test config, live servers, the migration test's scratch database) sees the worker's database:
`<name>_gw0`, `<name>_gw1`… beside the one named in TEST_DATABASE_URL, created from the server's
`postgres` database when missing. SQLite in memory needs nothing: each test has its own.
"""
import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def pytest_load_initial_conftests(early_config, parser, args):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL", "")
    if worker and url.startswith("postgresql"):
        os.environ["TEST_DATABASE_URL"] = worker_database(url, worker)


def worker_database(url, worker):
    """The URL of the worker's database, created if missing; the suite's own URL if the server is
    unreachable (its tests then skip or fail as they would have)."""
    suite = make_url(url)
    # Tests only ever touch databases named for tests.
    assert "test" in suite.database, f"refusing to work beside a database not named for tests: {suite.database}"
    mine = suite.set(database=f"{suite.database}_{worker}")
    try:
        server = create_engine(suite.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": mine.database}).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{mine.database}"'))
        server.dispose()
    except Exception:  # noqa: BLE001 - any failure to reach the server is the tests' to report
        return url
    return mine.render_as_string(hide_password=False)
