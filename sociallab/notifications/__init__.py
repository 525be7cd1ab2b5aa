"""Notifications: the bell, the notifications page and e-mail delivery."""
from sociallab.commands import add_commands
from sociallab.notifications import commands, views


def init_app(app):
    app.register_blueprint(views.bp)
    add_commands(app, commands.send_digests_command)
