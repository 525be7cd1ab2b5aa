"""Access rows for the health check: anyone (a load balancer, a monitor) gets the services' states."""
from tests.access_tables import Row, expect

ROWS = [
    # 503 when a service of the test run (REDIS_URL) is down: the route answers either way.
    Row("ops.healthz", lambda w: "/healthz", expect((200, 503))),
]
