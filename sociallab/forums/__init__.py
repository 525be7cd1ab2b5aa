"""Forums: the community of practice in every space (categories, threads, posts, moderation)."""


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab import audit, permissions, spaces
    from sociallab.commands import add_commands
    from sociallab.forums import commands, events, notifications, privacy, safeguarding, search, templating, views
    from sociallab.forums.audit_actions import ACTIONS as AUDIT_ACTIONS
    from sociallab.notifications.messages import register_kinds

    rules = (permissions.post_actions, permissions.can_see_post, permissions.can_start_thread,
             permissions.can_post_in, permissions.can_edit_post, permissions.can_delete_post,
             permissions.can_flag_post, permissions.can_moderate_post, permissions.can_moderate_forum)
    app.register_blueprint(views.bp)
    for rule in rules:
        app.add_template_global(rule)
    templating.init_app(app)
    spaces.add_section(app, "forums/_space_section.html", order=10)
    register_kinds(app, notifications.KINDS)
    audit.register_actions(app, AUDIT_ACTIONS)
    add_commands(app, commands.rerender_posts_command, commands.default_categories_command)
    events.init_app(app)
    search.init_app(app)
    safeguarding.init_app(app)
    privacy.init_app(app)
