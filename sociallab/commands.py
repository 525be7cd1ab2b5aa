"""The `flask sociallab …` command group of each app, with the core's commands; domains add theirs."""
import os
import socket

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.serving import WSGIRequestHandler

from sociallab.demo import seed_demo
from sociallab.extensions import socketio

GROUP = "sociallab"


def init_app(app):
    """Give `app` its own `flask sociallab` group, holding the core's commands."""
    group = AppGroup(GROUP, help="Sociallab administration commands.")
    app.cli.add_command(group)
    add_commands(app, seed_demo_command, serve_command)


def add_commands(app, *commands):
    """Add click commands to `app`'s `flask sociallab` group (called from each domain's init_app)."""
    for command in commands:
        app.cli.commands[GROUP].add_command(command)


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo regions, countries, spaces, partners and accounts (safe to run again)."""
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


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_command(host, port):
    """Serve the platform with its Socket.IO server (development; production: gunicorn.conf.py)."""
    # Flask refuses app.run() inside its own CLI; this command is meant to serve.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    click.echo(f"Sociallab is on http://{host}:{port}")
    options = {}
    if socketio.async_mode == "threading":
        options["request_handler"] = NoDelayRequestHandler
    socketio.run(current_app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, **options)
