"""Forums: the community of practice in every space (categories, threads, posts, moderation)."""
from flask import Blueprint

bp = Blueprint("forums", __name__)

from sociallab.forums import commands, events, kinds, models, templating, views  # noqa: F401
