"""Notifications: the bell, the notifications page and e-mail delivery."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from sociallab.notifications import commands, views  # noqa: F401
