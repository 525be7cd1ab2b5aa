"""What /healthz checks: the database, Redis when configured, the search index. States only, never data."""
import logging

from redis import Redis
from sqlalchemy import text

from sociallab.extensions import db
from sociallab.search import get_engine

log = logging.getLogger(__name__)

OK, DOWN, NOT_CONFIGURED = "ok", "unavailable", "not configured"
# A health check answers within a second or two even when a service hangs.
TIMEOUT_S = 1.0


def _database(app):
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()
    return True


def _redis(app):
    client = app.extensions.get("ops_redis")
    if client is None:
        # One client (and connection pool) per app, kept between checks.
        client = app.extensions.setdefault("ops_redis", Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S))
    return client.ping()


def _search(app):
    return get_engine(app).is_readable()


CHECKS = {"database": _database, "redis": _redis, "search": _search}


def _state(name, check, app):
    try:
        if check(app):
            return OK
    except Exception as error:  # noqa: BLE001 — a service down is the answer, not an error of the check
        # The kind of failure only: its message may hold a host, a user or a path.
        log.warning("health check: %s unavailable (%s)", name, type(error).__name__)
        return DOWN
    log.warning("health check: %s unavailable", name)
    return DOWN


def health(app):
    """({service: state}, whether all configured services are ok)."""
    states = {}
    for name, check in CHECKS.items():
        if name == "redis" and not app.config.get("REDIS_URL"):
            states[name] = NOT_CONFIGURED
            continue
        states[name] = _state(name, check, app)
    return states, all(state != DOWN for state in states.values())
