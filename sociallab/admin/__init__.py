"""Administration: regions, countries, spaces, organisations, people, roles, themes, audit log."""

from sociallab.admin import views


def init_app(app):
    app.register_blueprint(views.bp)
