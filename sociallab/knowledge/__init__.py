"""Knowledge base: a space's library of resources, their translations and attached files."""
from flask import Blueprint

bp = Blueprint("knowledge", __name__)

from sociallab.knowledge import models  # noqa: E402,F401
