"""Knowledge base: a space's library of resources, their translations and attached files."""

from sociallab import permissions
from sociallab.spaces.views import register_space_section

for _name in permissions.KNOWLEDGE_TEMPLATE_HELPERS:
    permissions.template_helper(getattr(permissions, _name))

register_space_section("knowledge/_space_section.html", order=30)

from sociallab.knowledge import models, views  # noqa: F401


def init_app(app):
    app.register_blueprint(views.bp)
