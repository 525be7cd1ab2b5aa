"""Work a server process does on its own, between requests (the room heartbeat, the scheduler)."""
import logging

from sociallab.extensions import db, socketio

log = logging.getLogger(__name__)


def run_every(app, state, seconds_setting, tick, what):
    """Call `tick()` in an app context every `app.config[seconds_setting]` seconds while
    `state["running"]`. A failing tick (a database hiccup) is logged and rolled back, and the
    next one tries again: the loop never ends on its own."""
    while state["running"]:
        with app.app_context():
            try:
                tick()
            except Exception:
                db.session.rollback()
                log.exception("%s failed", what)
            finally:
                db.session.remove()
        socketio.sleep(app.config[seconds_setting])
