"""Spaces: the international, regional and national places where partners work together."""
from sociallab.spaces.sections import add_section

__all__ = ["add_section", "init_app"]


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab.spaces import views

    app.register_blueprint(views.bp)
