"""Spaces: the international, regional and national places where partners work together."""
from sociallab.spaces import views
from sociallab.spaces.sections import add_section

__all__ = ["add_section", "init_app"]


def init_app(app):
    app.register_blueprint(views.bp)
