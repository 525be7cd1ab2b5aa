"""GET /healthz for load balancers and monitoring: JSON, 200 when every service answers, else 503."""
from flask import Blueprint, current_app, jsonify, request

from sociallab.extensions import limiter
from sociallab.ops.health import health

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    states, ok = health(current_app)
    response = jsonify(status="ok" if ok else "unavailable", services=states)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def answer_health_check_first():
    """A before-request hook run ahead of the other domains': /healthz is answered without loading
    the signed-in person, touching the session (no cookie is set) or counting a rate limit."""
    if request.endpoint == "ops.healthz":
        return healthz()
    return None
