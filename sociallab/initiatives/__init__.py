"""Initiatives: experiments from idea to good practice, curated by moderators, with indicators."""


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab import audit, permissions, spaces
    from sociallab.initiatives import audit_actions, notifications, privacy, safeguarding, search, templating, views
    from sociallab.notifications.messages import register_kinds

    rules = (permissions.can_read_initiative, permissions.can_create_initiative, permissions.can_edit_initiative,
             permissions.can_curate, permissions.can_change_stage, permissions.can_view_review_queue)
    app.register_blueprint(views.bp)
    for rule in rules:
        app.add_template_global(rule)
    templating.init_app(app)
    spaces.add_section(app, "initiatives/_space_section.html", order=20)
    register_kinds(app, notifications.KINDS)
    audit.register_actions(app, audit_actions.ACTIONS)
    search.init_app(app)
    safeguarding.init_app(app)
    privacy.init_app(app)
