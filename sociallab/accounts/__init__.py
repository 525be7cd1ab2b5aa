"""Accounts: sign-in, invitations, passwords, profiles."""

from sociallab.accounts import views  # noqa: F401


def init_app(app):
    app.register_blueprint(views.bp)
