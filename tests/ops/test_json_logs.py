"""LOG_FORMAT=json: each line a JSON object with the request's id, method, path, status, duration and
person's id; no e-mail address, name or token in any line."""
import json
import logging

import pytest

from tests.conftest import Auth, make_app, serving
from tests.ops.test_logs import _failing_route


@pytest.fixture
def restored_logging():
    """Logging as it was: a JSON app changes the process's root logger."""
    root, werkzeug = logging.getLogger(), logging.getLogger("werkzeug")
    saved = (list(root.handlers), root.level, werkzeug.level)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    werkzeug.setLevel(saved[2])


@pytest.fixture
def app(tmp_path, restored_logging):
    """This module's app writes JSON lines (the world and the client are built on it)."""
    app = make_app(tmp_path, LOG_FORMAT="json", REDIS_URL=None)
    _failing_route(app)
    with serving(app):
        yield app


def test_json_lines_hold_the_request_fields_and_no_personal_data(app, client, world, capsys):
    Auth(client).login(world.member.email)
    capsys.readouterr()
    response = client.get(f"/spaces/{world.sn_space.slug}?q={world.member.email}",
                          headers={"X-Request-ID": "space-page-0001"})
    assert response.status_code == 200
    failed = client.get("/failing")
    client.get("/password/reset/a-secret-reset-token-0123")
    client.get("/healthz", headers={"X-Request-ID": "monitor-poll-0001"})
    output = capsys.readouterr().err
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]

    page = next(e for e in entries if e.get("request_id") == "space-page-0001" and e["logger"] == "sociallab.request")
    assert page["method"] == "GET" and page["path"] == f"/spaces/{world.sn_space.slug}"
    assert page["status"] == 200 and page["user_id"] == world.member.id and page["level"] == "INFO"
    assert isinstance(page["duration_ms"], float) and page["timestamp"].endswith("+00:00")

    error = next(e for e in entries if "exception" in e)
    assert error["request_id"] == failed.headers["X-Request-ID"] and error["level"] == "ERROR"
    assert error["user_id"] == world.member.id and "Failure: could not store <e-mail>" in error["exception"]

    assert any(e.get("path") == "/password/reset/<token>" for e in entries)
    assert not any(e.get("request_id") == "monitor-poll-0001" for e in entries)  # a health check found all well
    assert "a-secret-reset-token" not in output
    for secret in (world.member.email, world.member.name, "@example.org"):
        assert secret not in output


