"""Live workshops: scheduled sessions of a space with a live room that survives bad connections."""

from sociallab import permissions

for _rule in ("can_view_workshop", "can_run_workshop", "can_enter_room"):
    permissions.template_helper(getattr(permissions, _rule))

from sociallab.workshops import commands, events, models, views  # noqa: F401


def init_app(app):
    app.register_blueprint(views.bp)
