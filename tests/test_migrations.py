"""The Alembic migrations build the schema the models describe, on SQLite and on PostgreSQL."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

import config
from sociallab import create_app
from sociallab.extensions import db
from tests.conftest import skip_or_fail

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "sociallab_migrations"


def _differences(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _app_for(url):
    class MigrationConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = url
    return create_app(MigrationConfig)


def _check_round_trip(app):
    with app.app_context():
        upgrade()
        assert _differences(app) == [], "models and migrations disagree: run `flask db migrate`"
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()


def test_migrations_match_the_models_on_sqlite(tmp_path):
    _check_round_trip(_app_for(f"sqlite:///{tmp_path / 'migrations.db'}"))


def test_migrations_match_the_models_on_postgresql():
    if not (os.environ.get("DATABASE_URL", "").startswith("postgresql") or os.environ.get("SOCIALLAB_REQUIRE_SERVICES")):
        pytest.skip("PostgreSQL is tested when DATABASE_URL points at it")
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no server"
        skip_or_fail(f"PostgreSQL unavailable: {error}")
    try:
        _check_round_trip(_app_for(f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
        admin.dispose()
