"""Fixtures of the production path's tests: a database file named for tests, and a production app on it."""
import pytest

import config
from sociallab import create_app
from sociallab.extensions import db
from tests.conftest import make_app


class ProductionOn:
    """Apps on one SQLite file: `prepare()` a development one to write into it, `production()` to start one."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.url = f"sqlite:///{tmp_path / 'test_production.db'}"

    def prepare(self):
        app = make_app(self.tmp_path, SQLALCHEMY_DATABASE_URI=self.url)
        with app.app_context():
            db.create_all()
        return app

    def production(self):
        settings = {"TESTING": False, "DEVELOPMENT": False, "SECRET_KEY": "a-production-secret-of-some-length",
                    "SITE_URL": "https://lab.example.net", "SQLALCHEMY_DATABASE_URI": self.url,
                    "SEARCH_INDEX_DIR": str(self.tmp_path / "index"), "UPLOAD_DIR": str(self.tmp_path / "uploads")}
        app = create_app(type("ProductionConfig", (config.TestConfig,), settings))
        with app.app_context():
            db.engine.dispose()
        return app


@pytest.fixture
def production_on(tmp_path):
    return ProductionOn(tmp_path)
