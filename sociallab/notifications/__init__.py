"""Notifications: the bell, the notifications page and e-mail delivery."""


def init_app(app):
    # Imported here, not at the top: importing any of this package's models runs this file, and
    # must not load its views (they import the access rules, which import the models).
    from sociallab.commands import add_commands
    from sociallab.notifications import commands, privacy, views

    app.register_blueprint(views.bp)
    add_commands(app, commands.send_digests_command, commands.run_scheduled_command)
    privacy.init_app(app)
