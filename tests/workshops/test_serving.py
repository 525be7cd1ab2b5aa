"""The development server sends small Socket.IO frames at once (TCP_NODELAY), not after a delayed ACK."""
import socket
import threading
import urllib.request

from werkzeug.serving import make_server

from sociallab.commands import NoDelayRequestHandler


def _nodelay_app(environ, start_response):
    connection = environ["werkzeug.socket"]
    value = connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(value).encode()]


def test_serve_sets_tcp_nodelay_on_each_connection():
    server = make_server("127.0.0.1", 0, _nodelay_app, threaded=True, request_handler=NoDelayRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/", timeout=5) as response:
            assert int(response.read()) != 0
    finally:
        server.shutdown()
        thread.join(timeout=5)
