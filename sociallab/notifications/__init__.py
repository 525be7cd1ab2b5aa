"""Notifications: the bell, the notifications page and e-mail delivery."""

from sociallab.notifications import commands, views  # noqa: F401


def init_app(app):
    app.register_blueprint(views.bp)
