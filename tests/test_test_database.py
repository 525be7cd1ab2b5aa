"""The suite only ever empties a database made for tests, whatever DATABASE_URL points to."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import config
from sociallab import create_app
from tests.database import reset_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("url", "allowed"), [
    ("sqlite://", True),
    ("sqlite:///:memory:", True),
    ("sqlite:////tmp/run/live_test.db", True),
    ("postgresql+psycopg://postgres@127.0.0.1:5432/test", True),
    ("postgresql+psycopg://postgres@127.0.0.1:5432/test_gw1", True),
    ("postgresql+psycopg://postgres@127.0.0.1:5432/sociallab", False),
    ("postgresql+psycopg://postgres@db.example.org:5432/postgres", False),
    ("sqlite:////srv/sociallab/instance/sociallab.db", False),
    ("sqlite:////srv/test/sociallab.db", False),  # the file's name decides, not a folder's
])
def test_only_a_database_named_for_tests_counts_as_one(url, allowed):
    assert config.is_test_database(url) is allowed


def _config_reading(environment):
    """The test configuration's database as a fresh interpreter reads it from this environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env.update(environment)
    return subprocess.run([sys.executable, "-c", "import config; print(config.TestConfig.SQLALCHEMY_DATABASE_URI)"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_the_tests_ignore_database_url_and_refuse_a_real_database_in_test_database_url():
    production = "postgresql+psycopg://postgres@127.0.0.1:5432/sociallab"
    ignored = _config_reading({"DATABASE_URL": production})
    assert ignored.returncode == 0 and ignored.stdout.strip() == "sqlite://"
    refused = _config_reading({"TEST_DATABASE_URL": production})
    assert refused.returncode != 0 and "TEST_DATABASE_URL must name a database made for tests" in refused.stderr


def test_emptying_a_database_not_named_for_tests_is_refused(tmp_path):
    class RealConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'sociallab.db'}"
        SEARCH_INDEX_DIR = str(tmp_path / "index")
    app = create_app(RealConfig)
    with app.app_context(), pytest.raises(RuntimeError, match="not a database named for tests"):
        reset_database(app)
    assert not (tmp_path / "sociallab.db").exists() or (tmp_path / "sociallab.db").stat().st_size == 0
