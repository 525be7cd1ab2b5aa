"""The Alembic migrations build the schema the models describe, and undo it, on SQLite and on PostgreSQL."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import config
from sociallab import create_app
from sociallab.extensions import db
from tests.conftest import skip_or_fail

# Where CI's PostgreSQL is when TEST_DATABASE_URL does not say (SOCIALLAB_REQUIRE_SERVICES alone).
CI_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _app_for(url):
    class MigrationConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = url
    return create_app(MigrationConfig)


def _flask_db(app, *args):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, f"flask db {' '.join(args)} failed:\n{result.output}\n{result.exception!r}"


def _tables():
    return sorted(inspect(db.engine).get_table_names())


def _check_round_trip(app):
    """`flask db upgrade` from empty, `flask db downgrade base`, and up again, as a deployment would."""
    with app.app_context():
        assert _tables() == [], "the scratch database should start empty"
        _flask_db(app, "upgrade")
        assert _differences() == [], "models and migrations disagree: run `flask db migrate`"
        _flask_db(app, "downgrade", "base")
        assert _tables() == ["alembic_version"], "downgrade base left tables behind"
        if db.engine.dialect.name == "postgresql":
            assert inspect(db.engine).get_enums() == [], "downgrade base left enum types behind"
        _flask_db(app, "upgrade")
        assert _differences() == [], "a second upgrade after downgrade base differs from the models"
        db.engine.dispose()


def test_migrations_round_trip_and_match_the_models_on_sqlite(tmp_path):
    _check_round_trip(_app_for(f"sqlite:///{tmp_path / 'migrations_test.db'}"))


def _scratch_database_url():
    """A database beside the suite's own, named after it: tests only touch databases named for tests."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        if not os.environ.get("SOCIALLAB_REQUIRE_SERVICES"):
            pytest.skip("PostgreSQL is tested when TEST_DATABASE_URL points at it")
        url = CI_DATABASE_URL
    suite = make_url(url)
    assert "test" in suite.database, f"refusing to work beside a database not named for tests: {suite.database}"
    return suite, suite.set(database=f"{suite.database}_migrations")


def test_migrations_round_trip_and_match_the_models_on_postgresql():
    suite, scratch = _scratch_database_url()
    name = scratch.database
    try:
        # Connected to the suite's own database: CREATE/DROP DATABASE work from any database of the server.
        admin = create_engine(suite, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no server"
        skip_or_fail(f"PostgreSQL unavailable: {error}")
    try:
        _check_round_trip(_app_for(scratch.render_as_string(hide_password=False)))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
