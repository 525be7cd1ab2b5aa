"""Spaces: the international, regional and national places where partners work together."""

from sociallab.spaces import views  # noqa: F401


def init_app(app):
    app.register_blueprint(views.bp)
