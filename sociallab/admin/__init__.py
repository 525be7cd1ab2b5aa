"""Administration: regions, countries, spaces, organisations, people, roles, themes, audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from sociallab.admin import views  # noqa: F401
