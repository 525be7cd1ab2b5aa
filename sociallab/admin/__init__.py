"""Administration: regions, countries, spaces, organisations, people, roles, themes, audit log."""


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab.admin import views

    app.register_blueprint(views.bp)
