"""Logs an operator can follow: a request id on every response and every record logged during the
request, and with LOG_FORMAT=json one JSON object per line, a line per request, no e-mail address.

A record carries the request's id, method, path and the signed-in person's id (never their
address or name); a path's tokens (invitation, password reset) are replaced by their name, and the
query string is left out (searches are personal). E-mail addresses are blanked in JSON lines
wherever a message or a traceback holds one.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import current_app, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id looks like (nginx's $request_id, a UUID, …); anything else is replaced, so a
# client cannot write what it likes into the log.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
# An address starts where a run of its characters starts (the look-behind): without it, a long
# run with no "@" was read again from each of its characters (quadratic).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
FORMATS = ("text", "json")
# Set on each record during a request (by the record factory); `status` and `duration_ms` only on
# the request's own line.
REQUEST_FIELDS = ("request_id", "method", "path", "user_id")
JSON_FIELDS = (*REQUEST_FIELDS, "status", "duration_ms")
HANDLER_NAME = "sociallab-json"

request_log = logging.getLogger("sociallab.request")


def init_app(app):
    if app.config["LOG_FORMAT"] not in FORMATS:
        raise RuntimeError(f"LOG_FORMAT is one of {', '.join(FORMATS)}, not {app.config['LOG_FORMAT']!r}.")
    install_record_factory()
    # First of the app's hooks: whatever the others log carries the id.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(finish_request)
    if app.config["LOG_FORMAT"] == "json":
        use_json_lines(app)


def request_id_from(header):
    return header if header and WELL_FORMED_ID.fullmatch(header) else uuid.uuid4().hex


def start_request():
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()
    g.log_path = loggable_path()


def finish_request(response):
    request_id = g.get("request_id")
    if request_id is None:  # a response made before the hooks ran
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    if current_app.config["LOG_FORMAT"] == "json" and not _routine(response):
        duration_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
        request_log.info("%s %s %s", request.method, g.log_path, response.status_code,
                         extra={"status": response.status_code, "duration_ms": duration_ms})
    return response


def _routine(response):
    """Requests not worth a line: static files, and health checks that found everything well (a
    monitor asks every few seconds)."""
    return request.endpoint == "static" or (request.endpoint == "ops.healthz" and response.status_code == 200)


def loggable_path():
    """The request's path without what must not be logged: a token in it is replaced by its name."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return EMAIL.sub("<e-mail>", path[:500])


def signed_in_id():
    """The id of the person signed in for this request, if their account was loaded; read without
    a query (an account expired by a commit is not loaded again to log a line)."""
    user = g.get("_login_user")
    if user is None:
        return None
    # Not user.is_authenticated: it reads the account, which after a failed statement raises
    # (PendingRollbackError) inside Flask's own error logging, and the error page is lost.
    try:
        identity = inspect(user).identity
    except Exception:  # noqa: BLE001 — not a mapped account (the anonymous visitor): nobody to name
        return None
    return identity[0] if identity else None


def install_record_factory():
    """Every record created during a request holds its id, method, path and person (once per process)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_fields", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
            record.method = request.method
            record.path = g.get("log_path")
            record.user_id = signed_in_id()
        else:
            record.request_id = record.method = record.path = record.user_id = None
        return record

    factory.adds_request_fields = True
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message and the request's fields."""

    def format(self, record):
        entry = {"timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name,
                 "message": EMAIL.sub("<e-mail>", record.getMessage())}
        for name in JSON_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = EMAIL.sub("<e-mail>", self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = EMAIL.sub("<e-mail>", self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a server's, or a test's capture)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def json_handler():
    return next((h for h in logging.getLogger().handlers if h.name == HANDLER_NAME), None)


def use_json_lines(app):
    """Every logger writes JSON lines to stderr, through one handler on the root logger."""
    root = logging.getLogger()
    if json_handler() is None:
        handler = StderrHandler()
        handler.name = HANDLER_NAME
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    # Flask's own handler would write the app's records a second time, as text.
    app.logger.removeHandler(default_handler)
    # The development server's access lines (with the client's address) give way to the app's own.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
