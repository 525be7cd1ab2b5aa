"""Forums: the community of practice in every space (categories, threads, posts, moderation)."""
from flask import Blueprint

bp = Blueprint("forums", __name__)

from sociallab.forums import kinds, models, views, events, templating  # noqa: E402,F401
