"""Accounts: sign-in, invitations, passwords, profiles."""

from sociallab.accounts import views


def init_app(app):
    app.register_blueprint(views.bp)
