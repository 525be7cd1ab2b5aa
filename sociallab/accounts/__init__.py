"""Accounts: sign-in, invitations, passwords, profiles."""


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab.accounts import mandates, privacy, safeguarding, views

    app.register_blueprint(views.bp)
    privacy.init_app(app)
    safeguarding.init_app(app)
    mandates.init_app(app)
