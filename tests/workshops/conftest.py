"""Workshop fixtures: a live workshop in the Senegal space and signed-in room connections."""
import pytest

from sociallab.extensions import socketio
from tests.conftest import Auth
from tests.factories import make_workshop

NS = "/workshops"


@pytest.fixture
def workshop(world):
    return make_workshop(world)


class RoomConnection:
    """One person's socket in a workshop room, keeping the events it saw by sequence number."""

    def __init__(self, app, user, workshop, headers=None, join=True):
        self.app, self.user, self.workshop = app, user, workshop
        self.http = app.test_client()
        Auth(self.http).login(user.email)
        self.headers = headers
        self.seen = {}
        self.applied, self.applied_upto = [], 0
        self.sio = None
        self.connect(join=join)

    def connect(self, join=True):
        self.sio = socketio.test_client(self.app, namespace=NS, flask_test_client=self.http,
                                        auth={"workshop_id": self.workshop.id}, headers=self.headers)
        if join and self.sio.is_connected(NS):
            self.join()

    @property
    def connected(self):
        return self.sio.is_connected(NS)

    @property
    def last_seq(self):
        return max(self.seen, default=0)

    def join(self):
        before = self.last_seq
        ack = self.sio.emit("join", {"last_seq": before}, namespace=NS, callback=True)
        assert ack["ok"], ack
        # Exactly what was missed: every number after the last one seen, in order, none twice.
        assert [e["seq"] for e in ack["events"]] == list(range(before + 1, before + 1 + len(ack["events"])))
        self._keep(ack["events"])
        self.drain()
        return ack

    def _keep(self, events):
        """Apply events in sequence order, as the browser does; a repeated number is ignored."""
        for event in events:
            known = self.seen.setdefault(event["seq"], event)
            assert known["kind"] == event["kind"]
        while self.applied_upto + 1 in self.seen:
            self.applied_upto += 1
            self.applied.append(self.seen[self.applied_upto])

    def drain(self):
        received = self.sio.get_received(NS)
        self._keep([r["args"][0] for r in received if r["name"] == "room_event"])
        return received

    def act(self, action, **data):
        ack = self.sio.emit(action, data, namespace=NS, callback=True)
        self.drain()
        return ack

    def kinds(self):
        return [self.seen[s]["kind"] for s in sorted(self.seen)]

    def disconnect(self):
        self.sio.disconnect(namespace=NS)


@pytest.fixture
def connect(app):
    connections = []

    def _connect(user, workshop, **kwargs):
        connection = RoomConnection(app, user, workshop, **kwargs)
        connections.append(connection)
        return connection
    yield _connect
    for connection in connections:
        if connection.sio.is_connected(NS):
            connection.sio.disconnect(namespace=NS)
