"""The `flask sociallab …` command group; each domain adds its commands to `cli`."""
import socket

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.serving import WSGIRequestHandler

cli = AppGroup("sociallab", help="Sociallab administration commands.")


@cli.command("seed-demo")
def seed_demo_command():
    """Load the demo regions, countries, spaces, partners and accounts (safe to run again)."""
    from sociallab.demo import seed_demo
    accounts = seed_demo()
    password = current_app.config["DEMO_PASSWORD"]
    click.echo(f"Demo accounts (password: {password}):")
    for email, description in accounts:
        click.echo(f"  {email:32} {description}")


class NoDelayRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler with TCP_NODELAY on each connection.

    Socket.IO frames are small: with Nagle's algorithm they wait for the peer's delayed ACK,
    and every live-room round trip took about 44 ms instead of under one.
    """

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


@cli.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_command(host, port):
    """Serve the platform with its Socket.IO server (development; production: gunicorn.conf.py)."""
    import os

    from sociallab.extensions import socketio
    # Flask refuses app.run() inside its own CLI; this command is meant to serve.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    click.echo(f"Sociallab is on http://{host}:{port}")
    options = {}
    if socketio.async_mode == "threading":
        options["request_handler"] = NoDelayRequestHandler
    socketio.run(current_app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, **options)
