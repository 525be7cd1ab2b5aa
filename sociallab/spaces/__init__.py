"""Spaces: the international, regional and national places where partners work together."""
from flask import Blueprint

bp = Blueprint("spaces", __name__)

from sociallab.spaces import views  # noqa: F401
