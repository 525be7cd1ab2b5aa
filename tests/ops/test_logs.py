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


def test_a_failed_statement_under_a_signed_in_person_still_shows_the_error_page(tmp_path, caplog):
    """After a flush fails, reading the signed-in account raises; logging the error must not,
    or Flask's error page is replaced by a bare one and what the person typed is lost."""
    from flask_login import current_user

    from sociallab.accounts.models import User
    from sociallab.extensions import db
    from tests.factories import user as make_user

    with serving(make_app(tmp_path)) as app:
        person = make_user("logs.person@example.org")
        db.session.commit()
        person_id = person.id

        def fail_in_the_database():
            assert current_user.is_authenticated
            db.session.expire(current_user._get_current_object())
            db.session.add(User(email="logs.person@example.org", stored_name="Twice"))
            db.session.flush()  # the e-mail is taken: IntegrityError, the session needs a rollback
        app.add_url_rule("/failing-flush", "failing_flush", fail_in_the_database)
        app.config["PROPAGATE_EXCEPTIONS"] = False
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = person.get_id()
            session["_fresh"] = True
        with caplog.at_level(logging.ERROR):
            response = client.get("/failing-flush")
    assert response.status_code == 500
    assert "Internal Server Error</p>" not in response.get_data(as_text=True), "the app's own error page"
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and logged[0].user_id == person_id
