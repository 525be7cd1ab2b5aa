"""Initiatives: experiments from idea to good practice, curated by moderators, with indicators."""

from sociallab import permissions

for _name in permissions.INITIATIVE_TEMPLATE_HELPERS:
    permissions.template_helper(getattr(permissions, _name))

from sociallab.initiatives import models, notifications, views  # noqa: F401


def init_app(app):
    app.register_blueprint(views.bp)
