"""Live workshops: scheduled sessions of a space with a live room that survives bad connections."""


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab import audit, permissions, spaces
    from sociallab.commands import add_commands
    from sociallab.notifications.messages import register_kinds
    from sociallab.workshops import audit_actions, commands, events, notifications, privacy, safeguarding, views

    rules = (permissions.can_view_workshop, permissions.can_run_workshop, permissions.can_enter_room,
             permissions.can_see_held_in_room, permissions.can_redact_in_room)
    app.register_blueprint(views.bp)
    for rule in rules:
        app.add_template_global(rule)
    app.add_template_global(views.workshops_upcoming)
    spaces.add_section(app, "workshops/_space_section.html", order=40)
    register_kinds(app, notifications.KINDS)
    audit.register_actions(app, audit_actions.ACTIONS)
    add_commands(app, commands.send_workshop_reminders_command)
    events.init_app(app)
    safeguarding.init_app(app)
    privacy.init_app(app)
