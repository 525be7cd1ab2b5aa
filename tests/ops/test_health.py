"""GET /healthz: 200 when the database, Redis (when configured) and the search index answer, 503 when
one does not; JSON with states only, no cookie, no rate limit."""
from datetime import UTC, datetime

import pytest
import redis
from sqlalchemy import text

from sociallab.extensions import db
from tests.conftest import Auth, make_app, serving, skip_or_fail

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a Redis that is down


def test_healthz_answers_200_with_the_state_of_each_service(app, client):
    app.config["REDIS_URL"] = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "services": {"database": "ok", "redis": "not configured",
                                                                "search": "ok"}}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_sets_no_cookie_for_a_signed_in_browser(app, client, world):
    """The check runs before the session and the signed-in person are looked at: a browser that
    would have its activity time renewed on any page gets nothing from /healthz."""
    app.config["REDIS_URL"] = None
    Auth(client).login(world.member.email)
    with client.session_transaction() as session:
        session["_seen"] = datetime.now(UTC).timestamp() - 300
    response = client.get("/healthz")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert client.get("/spaces").headers.get("Set-Cookie")  # any other page renews it


def test_healthz_is_not_rate_limited(app, client):
    app.config["REDIS_URL"] = None
    assert {client.get("/healthz").status_code for _ in range(40)} == {200}


def test_healthz_answers_503_when_redis_is_down(app, client):
    app.config["REDIS_URL"] = CLOSED_PORT
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "services": {"database": "ok", "redis": "unavailable",
                                                                         "search": "ok"}}


def test_healthz_reports_a_running_redis(app, client):
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        skip_or_fail("Redis is not running on 127.0.0.1:6379")
    app.config["REDIS_URL"] = url
    assert client.get("/healthz").get_json()["services"]["redis"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    down = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/test_down",
                    REDIS_URL=None)
    with down.app_context():
        response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["services"] == {"database": "unavailable", "redis": "not configured", "search": "ok"}
    # What failed is not told: no address, no driver message.
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_healthz_answers_503_when_the_search_index_cannot_be_opened(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    with serving(make_app(tmp_path, SEARCH_INDEX_DIR=str(blocked), REDIS_URL=None)) as broken:
        response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["services"] == {"database": "ok", "redis": "not configured", "search": "unavailable"}
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_healthz_reports_the_search_tables_of_postgresql(app, client):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("search in PostgreSQL needs TEST_DATABASE_URL on PostgreSQL")
    app.config.update(SEARCH_BACKEND="postgres", REDIS_URL=None)
    assert client.get("/healthz").get_json()["services"]["search"] == "ok"
    with db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE search_entry RENAME TO search_entry_away"))
    try:
        response = client.get("/healthz")
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE search_entry_away RENAME TO search_entry"))
    assert response.status_code == 503 and response.get_json()["services"]["search"] == "unavailable"
