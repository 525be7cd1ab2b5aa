"""Administration: regions, countries, spaces, organisations, people, roles, themes, audit log."""

from sociallab.admin import views  # noqa: F401


def init_app(app):
    app.register_blueprint(views.bp)
