"""Initiatives: experiments from idea to good practice, curated by moderators, with indicators."""
from flask import Blueprint

from sociallab import permissions

bp = Blueprint("initiatives", __name__)

for _name in permissions.INITIATIVE_TEMPLATE_HELPERS:
    permissions.template_helper(getattr(permissions, _name))

from sociallab.initiatives import models, notifications, views  # noqa: F401
