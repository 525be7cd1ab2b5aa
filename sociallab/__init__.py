"""Sociallab: the collaboration platform of IBCR's Social Laboratory."""
import importlib
import os
from datetime import UTC, datetime

from flask import Flask, flash, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.pool import StaticPool
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from sociallab import commands, http_input, i18n, navigation, permissions, search, sessions, static_files
from sociallab.content import render_markdown
from sociallab.demo import refuse_demo_passwords
from sociallab.extensions import (
    babel,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    socketio,
)
from sociallab.i18n import select_locale, select_timezone
from sociallab.notifications.services import unread_count

# The rules every domain's templates use; each domain registers its own in its init_app.
CORE_RULES = (permissions.can_read_space, permissions.can_moderate, permissions.can_facilitate,
              permissions.can_invite, permissions.is_admin, permissions.is_space_member)


def create_app(config=None):
    app = Flask(__name__, static_folder="../static", template_folder="../templates",
                instance_path=str(config_module.INSTANCE_DIR))
    app.config.from_object(config or config_module.Config)
    development = app.debug or app.testing or app.config["DEVELOPMENT"]
    config_module.complete(app.config, development=development)
    app.session_interface = sessions.SessionInterface()
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx the client's address (sign-in limits per address) and https (Secure cookies,
        # HSTS) come from the proxy's headers; only as many hops as configured are believed, so a
        # client cannot forge its address with its own X-Forwarded-For.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _configure_database(app)
    register_extensions(app)
    static_files.init_app(app)
    if not development:
        refuse_demo_passwords(app)
    # Before the blueprints: a rule takes its converters from the map when it is added.
    http_input.init_app(app)
    # Before the domains, which add their commands to the group.
    commands.init_app(app)
    register_template_helpers(app)
    register_domains(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    if not app.testing:
        search.write_pending_at_start(app)
    return app


def _configure_database(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        options.setdefault("connect_args", {})["check_same_thread"] = False
        if uri in ("sqlite://", "sqlite:///:memory:"):
            # One shared connection, so threads (a live test server) see the same database.
            options["poolclass"] = StaticPool
        else:
            os.makedirs(app.instance_path, exist_ok=True)
            options["connect_args"]["timeout"] = 30
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_extensions(app):
    db.init_app(app)
    with app.app_context():
        # This app's engine only: another app of the same process (a test's) keeps its own settings.
        event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    socketio.init_app(app, async_mode=app.config["SOCKETIO_ASYNC_MODE"],
                      message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
                      channel=app.config.get("SOCKETIO_CHANNEL", "sociallab"),
                      max_http_buffer_size=64 * 1024)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id):
        user_id, _sep, token = (session_id or "").partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = permissions.load_person(int(user_id))
        if user is None or not user.active or user.session_token != token:
            return None
        return user


def register_domains(app):
    """Let every domain of config.DOMAINS register what it brings (blueprint, helpers, commands…)."""
    for name in config_module.DOMAINS:
        package = importlib.import_module(f"sociallab.{name}")
        if hasattr(package, "init_app"):
            package.init_app(app)
    # Models without views still need to be known to SQLAlchemy and Alembic.
    for name in ("audit.models", "notifications.models"):
        importlib.import_module(f"sociallab.{name}")


def register_errorhandlers(app):
    def render_error(status, message=None, kept=None):
        return render_template("errors/error.html", status=status, message=message, kept=kept or {}), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("This form had expired or was sent from elsewhere. "
                                   "Your text is kept below: copy it, reload the page and send it again."),
                            kept=_kept_form_text())

    for status in (400, 403, 404, 405, 410, 413, 429):
        app.register_error_handler(status, lambda error, status=status: render_error(status))

    @app.errorhandler(500)
    def server_error(error):
        # The failed transaction must not break the error page as well (it reads the
        # notification count), and what the person typed comes back to them.
        db.session.rollback()
        return render_error(500, kept=_kept_form_text() if request.method == "POST" else None)


def _kept_form_text():
    """What the person typed, so an expired form or a server error does not lose it (never passwords)."""
    try:
        return {key: value for key, value in request.form.items()
                if value.strip() and "password" not in key and key not in ("csrf_token", "confirm")}
    except Exception:  # noqa: BLE001 — an unreadable form leaves nothing to give back, not a second error
        return {}


def register_request_hooks(app):
    @app.before_request
    def enforce_idle_timeout():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return
        now = datetime.now(UTC).timestamp()
        last_seen = session.get("_seen", now)
        if now - last_seen > app.config["IDLE_TIMEOUT"].total_seconds():
            logout_user()
            session.clear()
            flash(_("You were signed out after a period of inactivity."), "info")
            return
        if now - last_seen > 60 or "_seen" not in session:
            session["_seen"] = now

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        # Behind a TLS-terminating proxy the request looks like http; the configured scheme says https.
        if request.is_secure or app.config["PREFERRED_URL_SCHEME"] == "https":
            response.headers["Strict-Transport-Security"] = f"max-age={app.config['HSTS_MAX_AGE']}"
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
            response.vary.add("Cookie")
        return response


def register_template_helpers(app):
    app.add_template_filter(render_markdown, "markdown")
    app.jinja_env.add_extension("jinja2.ext.do")
    i18n.init_app(app)
    for rule in CORE_RULES:
        app.add_template_global(rule)
    app.add_template_global(app.view_functions.__contains__, "has_endpoint")
    app.add_template_global(navigation.site_header)

    @app.context_processor
    def unread_notifications():
        # Per page: the bell's count changes between requests.
        return {"unread_notifications": unread_count(current_user) if current_user.is_authenticated else 0}
