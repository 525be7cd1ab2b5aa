"""The `flask sociallab …` command group of each app, with the core's commands; domains add theirs."""
import logging
import os
import socket

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.serving import WSGIRequestHandler

from sociallab.demo import DemoRefused, check_demo_allowed, demo_accounts, seed_demo
from sociallab.extensions import db, socketio
from sociallab.notifications import scheduler
from sociallab.ops import heap

GROUP = "sociallab"


def init_app(app):
    """Give `app` its own `flask sociallab` group, holding the core's commands."""
    group = AppGroup(GROUP, help="Sociallab administration commands.")
    app.cli.add_command(group)
    add_commands(app, seed_demo_command, serve_command)


_AT_SERVE = "sociallab_at_serve"


def at_serve(app, action):
    """`action(app)` runs when `flask sociallab serve` starts, before it serves: the one server
    of a platform on SQLite (gunicorn refuses SQLite), so no other server is writing meanwhile."""
    app.extensions.setdefault(_AT_SERVE, []).append(action)


def add_commands(app, *commands):
    """Add click commands to `app`'s `flask sociallab` group (called from each domain's init_app)."""
    for command in commands:
        app.cli.commands[GROUP].add_command(command)


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo's structure, fictional partners and accounts into an empty development database
    (make run); the second time it lists the accounts and writes nothing. Refused anywhere else."""
    try:
        empty = check_demo_allowed()
    except DemoRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    if empty:
        accounts = seed_demo()
    else:
        click.echo("The demo is already in this database: nothing written.")
        accounts = demo_accounts()
    password = current_app.config["DEMO_PASSWORD"]
    click.echo(f"Demo accounts (password: {password}{'' if empty else ', unless changed since'}):")
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


# Addresses meaning "every network interface" (they are compared here, never bound to).
EVERY_INTERFACE = ("", "0.0.0.0", "::")  # noqa: S104  # nosec B104


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_command(host, port):
    """Serve the platform with its Socket.IO server (development; production: gunicorn.conf.py)."""
    # Flask refuses app.run() inside its own CLI; this command is meant to serve.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    app = current_app._get_current_object()
    address = f"http://{_browser_host(host)}:{port}"
    if app.config.get("SITE_URL_FROM_SERVER"):
        # Development without SITE_URL: links in e-mails point to where this server listens.
        app.config["SITE_URL"] = address
    with app.app_context():
        for action in app.extensions.get(_AT_SERVE, ()):
            action(app)
    scheduled = app.config["SCHEDULER_IN_SERVE"]
    if scheduled:
        scheduler.start(app, echo=lambda line: click.echo(line))
    for line in startup_lines(app, address, host, scheduled):
        click.echo(line)
    quiet_werkzeug_banner()
    heap.settle()
    options = {}
    if socketio.async_mode == "threading":
        options["request_handler"] = NoDelayRequestHandler
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, **options)


def _browser_host(host):
    """The host a browser on this machine uses to reach a server listening on `host`."""
    if host in EVERY_INTERFACE:
        return "[::1]" if host == "::" else "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def startup_lines(app, address, host, scheduled):
    """What the serve command says it runs, and where, before serving."""
    config = app.config
    database = db.engine.url.render_as_string(hide_password=True)
    if config.get("MAIL_SERVER"):
        mail = f"sent through SMTP {config['MAIL_SERVER']}:{config['MAIL_PORT']} from {config['MAIL_SENDER']}"
    else:
        mail = "not sent: printed below and kept in memory (set MAIL_SERVER to send)"
    if scheduled:
        jobs = f"on in this process ({scheduler.describe()})"
    else:
        jobs = "off (SCHEDULER=off): run `flask sociallab run-scheduled` for digests and reminders"
    lines = [
        f"Sociallab is running at {address}",
        f"  Database:         {database}",
        f"  E-mail:           {mail}",
        f"  Links in e-mails: {config['SITE_URL']}",
        f"  Scheduler:        {jobs}",
        f"  Live rooms:       Socket.IO in this process ({socketio.async_mode})",
    ]
    if host in EVERY_INTERFACE:
        lines.append("  Listening on every network interface: other machines reach it by this machine's address"
                     " (set SITE_URL to that address for links in e-mails).")
    if socketio.async_mode == "threading":
        lines.append("  Server: Werkzeug's development server, for one machine. "
                     "Production runs gunicorn -c gunicorn.conf.py wsgi:app (README).")
    lines.append("Stop with Ctrl+C.")
    return lines


class _WerkzeugBannerFilter(logging.Filter):
    """Werkzeug prints its own address and two warnings about production (the second from
    Flask-SocketIO when the console is not a terminal); startup_lines says the same, once."""

    SAID = ("This is a development server", "appears to be used in a production deployment", " * Running on",
            "Press CTRL+C to quit")

    def filter(self, record):
        message = record.getMessage()
        return not any(said in message for said in self.SAID)


def quiet_werkzeug_banner():
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(each, _WerkzeugBannerFilter) for each in logger.filters):
        logger.addFilter(_WerkzeugBannerFilter())
