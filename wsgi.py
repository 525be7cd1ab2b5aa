"""Entry point for `flask --app wsgi` and for production servers."""
from sociallab import create_app
from sociallab.extensions import socketio  # noqa: F401  (servers look it up here)
from sociallab.ops import heap

app = create_app()
heap.settle()  # each gunicorn worker imports this module: after its application is built
