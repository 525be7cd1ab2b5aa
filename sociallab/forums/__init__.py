"""Forums: the community of practice in every space (categories, threads, posts, moderation)."""

from sociallab.forums import commands, events, kinds, models, templating, views  # noqa: F401


def init_app(app):
    app.register_blueprint(views.bp)
    templating.init_app(app)
