"""Behind a reverse proxy: the client's address and https come from the headers of as many
proxies as configured, and from nobody else."""
import contextlib

import config
from sociallab import create_app
from sociallab.extensions import db
from tests.conftest import IsolatedClient, _reset_database, csrf_token_from


def _app(tmp_path, proxies):
    class Config(config.TestConfig):
        TRUSTED_PROXIES = proxies
        SEARCH_INDEX_DIR = str(tmp_path / "index")
        UPLOAD_DIR = str(tmp_path / "uploads")
    app = create_app(Config)
    app.test_client_class = IsolatedClient
    return app


@contextlib.contextmanager
def _serving(app):
    """The app with an empty database (the same one, and the same reset, as every other test)."""
    with app.app_context():
        _reset_database(app)
        try:
            yield
        finally:
            db.session.remove()


def _failed_sign_in(app, forwarded_for):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy, the same for everyone
    headers = {"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https",
               "Referer": "https://localhost/login"}  # CSRF checks the referrer over https
    token = csrf_token_from(client.get("/login", headers=headers).get_data(as_text=True))
    return client.post("/login", headers=headers, data={
        "email": f"nobody.{forwarded_for}@example.org", "password": "wrong", "csrf_token": token})


def test_behind_one_proxy_each_client_address_has_its_own_sign_in_limit(tmp_path):
    app = _app(tmp_path, proxies=1)
    with _serving(app):
        answers = [_failed_sign_in(app, "203.0.113.7").status_code for _ in range(6)]
        assert answers[-1] == 429
        # Another partner behind the same proxy is not locked out by the first one's mistakes,
        # and the proxy's https is believed (HSTS).
        response = _failed_sign_in(app, "198.51.100.4")
        assert response.status_code != 429
        assert "Strict-Transport-Security" in response.headers


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(tmp_path):
    app = _app(tmp_path, proxies=0)
    with _serving(app):
        answers = [_failed_sign_in(app, f"203.0.113.{n}").status_code for n in range(6)]
        assert answers[-1] == 429, "a client rotating X-Forwarded-For is still one address"
