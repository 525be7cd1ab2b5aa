"""Spaces: the international, regional and national places where partners work together."""

from sociallab.spaces import views


def init_app(app):
    app.register_blueprint(views.bp)
