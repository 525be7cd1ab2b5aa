"""Forums: the community of practice in every space (categories, threads, posts, moderation)."""
from sociallab import permissions, spaces
from sociallab.commands import add_commands
from sociallab.forums import commands, events, notifications, search, templating, views
from sociallab.notifications.messages import register_kinds

RULES = (permissions.post_actions, permissions.can_see_post, permissions.can_start_thread,
         permissions.can_post_in, permissions.can_edit_post, permissions.can_delete_post,
         permissions.can_flag_post, permissions.can_moderate_post, permissions.can_moderate_forum)


def init_app(app):
    app.register_blueprint(views.bp)
    for rule in RULES:
        app.add_template_global(rule)
    templating.init_app(app)
    spaces.add_section(app, "forums/_space_section.html", order=10)
    register_kinds(app, notifications.KINDS)
    add_commands(app, commands.rerender_posts_command)
    events.init_app(app)
    search.init_app(app)
