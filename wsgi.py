"""Entry point for `flask --app wsgi` and for production servers."""
from sociallab import create_app
from sociallab.extensions import socketio  # noqa: F401  (servers look it up here)

app = create_app()
