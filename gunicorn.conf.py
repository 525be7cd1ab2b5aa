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
