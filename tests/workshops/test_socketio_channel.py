"""Two platforms sharing one Redis do not hear each other's rooms: each has its own channel."""
from sociallab.extensions import socketio
from tests.conftest import make_app, serving, skip_or_fail
from tests.workshops.test_two_processes import REDIS_URL, _redis_reachable


def test_the_socketio_channel_comes_from_the_configuration(tmp_path):
    if not _redis_reachable():
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    with serving(make_app(tmp_path, SOCKETIO_MESSAGE_QUEUE=REDIS_URL, SOCKETIO_CHANNEL="lab-staging")):
        assert socketio.server.manager.channel == "lab-staging"
    with serving(make_app(tmp_path / "b", SOCKETIO_MESSAGE_QUEUE=REDIS_URL)):
        assert socketio.server.manager.channel == "sociallab"
