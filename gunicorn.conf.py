"""Production server: gunicorn with a gevent worker, so one process holds thousands of sockets.

    gunicorn -c gunicorn.conf.py wsgi:app

Chosen by measurement (bench/workshop_bench.py, README "Live workshops"): gevent spends a
fraction of the CPU per delivered message that threads do. Run several such processes behind a
load balancer with sticky sessions and REDIS_URL set: Socket.IO then shares rooms through Redis.
"""
import os

# Read by config.Config when the worker imports the application (after gevent's monkey-patching).
os.environ.setdefault("SOCKETIO_ASYNC_MODE", "gevent")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gevent"
# One worker per process: Socket.IO's HTTP long-polling must reach the process that holds the
# session. Scale with more processes (each its own port) behind a sticky load balancer.
workers = 1
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "4000"))
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # off unless asked: one line per poll is noise
errorlog = "-"
# gunicorn's control socket (~/.gunicorn/gunicorn.ctl) is one path per machine user: every server
# on the machine would fight over it, and nothing here uses it.
control_socket_disable = True


def on_starting(server):
    """Refuse SQLite: under the gevent worker, a request waiting for SQLite's write lock blocks the
    whole worker, so the request holding the lock cannot finish and writes fail ("database is
    locked"). One small server on SQLite runs `flask sociallab serve`; gunicorn wants PostgreSQL.
    SOCIALLAB_SQLITE_UNDER_GUNICORN=1 lets a benchmark or test with one writer at a time through."""
    url = os.environ.get("DATABASE_URL", "")
    if (not url or url.startswith("sqlite")) and os.environ.get("SOCIALLAB_SQLITE_UNDER_GUNICORN") != "1":
        raise SystemExit("gunicorn serves Sociallab on PostgreSQL only: set DATABASE_URL to a PostgreSQL "
                         "database (README, Production), or run `flask sociallab serve` for one server on SQLite.")
