"""Logs: every response and every record logged during a request carry the request id; text by default."""
import logging
import re

import pytest

from sociallab.ops import logs
from tests.conftest import make_app, serving


class Failure(Exception):
    pass


def _failing_route(app):
    """A page that fails the way a bug would, with a person's address in the error's message."""
    def fail():
        raise Failure("could not store aminata@example.org")
    app.add_url_rule("/failing", "failing", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as on a server: the error is logged, a 500 page shown


def test_a_well_formed_request_id_is_echoed_and_any_other_replaced(app, client):
    app.config["REDIS_URL"] = None
    given = "7f6c1e0a-2b7d-4c1e-9a57-0c5c3b8f2d11"
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    for bad in ("short", "has spaces in it", "x" * 200, "<script>alert(1)</script>"):
        replaced = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", replaced), bad
    first, second = (client.get("/login").headers["X-Request-ID"] for _ in range(2))
    assert first != second


def test_an_exception_logged_by_flask_carries_the_request_id(tmp_path, caplog):
    with serving(make_app(tmp_path)) as app:
        _failing_route(app)
        with caplog.at_level(logging.ERROR):
            response = app.test_client().get("/failing", headers={"X-Request-ID": "req-0123456789"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-0123456789"
    failures = [r for r in caplog.records if r.exc_info and r.exc_info[0] is Failure]
    assert failures and failures[0].request_id == "req-0123456789"
    assert (failures[0].method, failures[0].path) == ("GET", "/failing")


def test_text_is_the_default_and_installs_no_handler(app):
    assert app.config["LOG_FORMAT"] == "text"
    assert logs.json_handler() is None


def test_an_unknown_log_format_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        make_app(tmp_path, LOG_FORMAT="yaml")
